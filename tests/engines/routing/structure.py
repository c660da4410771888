"""A brute-force check of the router's internal indexes, for tests that drive it through random operations."""

from __future__ import annotations

from tandem.domain.presence import Presence
from tandem.engines.routing import Router
from tandem.engines.routing.agents import AgentState


def check_structures(router: Router) -> None:
    """Assert that the capacity index and the queue's cell bits agree with the agents and conversations."""
    index, queue = router.index, router.queue
    for buckets in index.cells.values():
        for bucket in buckets:
            if bucket is None:
                continue
            heap = bucket.heap
            # a valid heap on the compared part of the entries (key parts, rank, uid)
            assert all(heap[(i - 1) // 2][:4] <= heap[i][:4] for i in range(1, len(heap)))
            alive = [e for e in heap if e[4] is not None]
            assert bucket.live == len(alive)  # dead entries are exactly those with no agent
            owners = [id(e[4]) for e in alive]
            assert len(owners) == len(set(owners))  # at most one entry per agent per bucket
            for e in alive:
                agent: AgentState = e[4]
                assert router.agents.get(agent.agent_id) is agent  # nobody logged out stays in a bucket
                i = next(i for i, b in enumerate(agent.buckets) if b is bucket)
                assert agent.entries[i] is e  # the agent knows its entry
                assert (e[0], e[1]) == e[5]  # the flat key parts are the key
    for agent in router.agents.values():
        offerable = agent.presence is Presence.AVAILABLE and agent.load + agent.pending < agent.capacity
        assert agent.on == offerable
        expected = {(topic, lang, int(tier)) for topic, tier in agent.skills.items() for lang in agent.languages}
        assert len(agent.buckets) == len(agent.entries) == len(expected)
        for topic, lang, tier in expected:
            cell = index.cell(topic, lang)
            assert cell is not None and any(b is cell[tier] for b in agent.buckets)
        mask = 0
        for cell_key, _, bit in agent.cells:
            assert index.bits[cell_key] == bit
            mask |= bit
        assert agent.mask == mask
        if not agent.on:
            continue
        key = agent.key
        for e, bucket in zip(agent.entries, agent.buckets, strict=True):
            # an offerable agent has a live entry in every bucket, never ranking it worse than it stands
            assert e[4] is agent and any(x is e for x in bucket.heap)
            assert (e[0], e[1], e[2]) <= (key[0], key[1], agent.seq)
            assert e[5] <= agent.entry_max
    # the queue's cell mask has exactly the bits of the cells someone is filed in
    mask = 0
    for cell_key in queue.by_cell:
        mask |= queue.bits[cell_key]
    assert queue.mask == mask
    assert queue.size == sum(1 for _ in queue)
