"""The in-process bus: a unit of work's events reach each subscriber in order, with one wake-up of its loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from tandem.bus.inprocess import InProcessBus


def count_wakes(loop: asyncio.AbstractEventLoop) -> list[int]:
    """Count the loop's thread-safe callbacks (the bus's wake-ups) from now on: the list's one item is the count."""
    wakes = [0]
    real = loop.call_soon_threadsafe

    def counting(*args: Any, **kwargs: Any) -> Any:
        wakes[0] += 1
        return real(*args, **kwargs)

    loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
    return wakes


def test_a_batch_wakes_each_loop_once_and_keeps_each_subscribers_order() -> None:
    async def scenario() -> tuple[list[Any], list[Any], int]:
        bus = InProcessBus()
        conv, agent = bus.subscribe("conv:c1"), bus.subscribe("agent:a1", "queue")
        wakes = count_wakes(asyncio.get_running_loop())
        batch = [("conv:c1", {"n": 1}), ("agent:a1", {"n": 2}), ("ops", {"n": 3}), ("queue", {"n": 4}),
                 ("conv:c1", {"n": 5})]
        # published from another thread, as a request's worker thread does after its commit
        worker = threading.Thread(target=bus.publish_many, args=(batch,))
        worker.start()
        worker.join()
        got_conv = [await asyncio.wait_for(conv.get(), 5) for _ in range(2)]
        got_agent = [await asyncio.wait_for(agent.get(), 5) for _ in range(2)]
        return got_conv, got_agent, wakes[0]

    got_conv, got_agent, wakes = asyncio.run(scenario())
    assert got_conv == [("conv:c1", {"n": 1}), ("conv:c1", {"n": 5})]
    assert got_agent == [("agent:a1", {"n": 2}), ("queue", {"n": 4})]
    assert wakes == 1  # one thread-safe callback for the whole batch (it was one per event and subscriber)


def test_a_subscriber_that_fails_does_not_keep_events_from_the_others() -> None:
    async def scenario() -> list[Any]:
        bus = InProcessBus()
        broken, fine = bus.subscribe("t"), bus.subscribe("t")

        def fail(topic: str, event: Any) -> None:
            raise RuntimeError("subscriber broke")

        broken.deliver = fail  # type: ignore[method-assign]
        bus.publish_many([("t", {"n": 1}), ("t", {"n": 2})])
        return [await asyncio.wait_for(fine.get(), 5) for _ in range(2)]

    assert asyncio.run(scenario()) == [("t", {"n": 1}), ("t", {"n": 2})]


def test_nothing_subscribed_means_no_wake_up() -> None:
    async def scenario() -> int:
        bus = InProcessBus()
        bus.subscribe("other")
        calls = count_wakes(asyncio.get_running_loop())
        bus.publish_many([("t", {"n": 1})])
        await asyncio.sleep(0)
        return calls[0]

    assert asyncio.run(scenario()) == 0
