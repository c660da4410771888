"""RedisBus: events cross processes' bus instances; a dropped listener reconnects and tells subscribers to resync."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import redis

from tandem.bus.redis_bus import RedisBus

pytestmark = pytest.mark.timeout(60)


def _buses(redis_url: str) -> tuple[RedisBus, RedisBus]:
    channel = f"tandem:test:{uuid.uuid4().hex}"  # isolated from anything else on this Redis
    return RedisBus(redis_url, channel=channel), RedisBus(redis_url, channel=channel)


def test_publish_on_one_bus_reaches_subscribers_of_another(redis_url: str) -> None:
    async def scenario() -> None:
        a, b = _buses(redis_url)
        await a.start()
        await b.start()
        try:
            conv = b.subscribe("conv:c1")
            other = b.subscribe("conv:c2")
            events = [{"type": "message", "message": {"seq": n, "body": f"m{n}"}} for n in range(1, 51)]
            # publish from worker threads, as services do after commit
            def publish_all() -> None:
                for event in events:
                    a.publish("conv:c1", event)

            thread = threading.Thread(target=publish_all)
            thread.start()
            got = [await asyncio.wait_for(conv.get(), 5) for _ in events]
            thread.join()
            assert got == [("conv:c1", e) for e in events]  # every event, in publish order
            a.publish("conv:c2", {"type": "state", "state": "resolved"})
            assert await asyncio.wait_for(other.get(), 5) == ("conv:c2", {"type": "state", "state": "resolved"})
            assert other.queue.empty() and conv.queue.empty()  # topics do not leak into each other
            conv.close()
            other.close()
        finally:
            await a.stop()
            await b.stop()

    asyncio.run(scenario())


def test_listener_reconnects_and_subscribers_resync(redis_url: str) -> None:
    async def scenario() -> None:
        a, b = _buses(redis_url)
        await a.start()
        await b.start()
        try:
            sub = b.subscribe("conv:c1")
            admin = redis.Redis.from_url(redis_url)
            # kill only b's listener connection, found by the client name it registers
            ids = [c["id"] for c in admin.client_list() if c.get("name") == b.client_name]
            assert ids, "the listener registers its client name"
            started = time.monotonic()
            for client_id in ids:
                admin.client_kill_filter(_id=client_id)
            with pytest.raises(OverflowError):  # the subscriber is told to resync from the database
                await asyncio.wait_for(sub.get(), 10)
            sub.close()
            # a fresh subscription receives live events again once the listener is back
            fresh = b.subscribe("conv:c1")
            during_outage = b.reconnects == 0
            deadline = time.monotonic() + 10
            while b.reconnects == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            recovered = time.monotonic() - started
            assert b.reconnects == 1
            if during_outage:  # created during the outage: it resyncs on reconnect too
                with pytest.raises(OverflowError):
                    await asyncio.wait_for(fresh.get(), 5)
            fresh.close()
            live = b.subscribe("conv:c1")
            a.publish("conv:c1", {"type": "message", "message": {"seq": 7}})
            assert await asyncio.wait_for(live.get(), 5) == ("conv:c1", {"type": "message", "message": {"seq": 7}})
            live.close()
            admin.close()
            print(f"redis listener back after {recovered:.2f}s")
        finally:
            await a.stop()
            await b.stop()

    asyncio.run(scenario())


def test_a_unit_of_works_events_go_in_one_pipeline_in_order(redis_url: str) -> None:
    async def scenario() -> None:
        a, b = _buses(redis_url)
        await a.start()
        await b.start()
        try:
            conv, agent = b.subscribe("conv:c1"), b.subscribe("agent:a1")
            batch = [("conv:c1", {"type": "message", "message": {"seq": 1}}), ("agent:a1", {"type": "offer"}),
                     ("conv:c1", {"type": "state", "state": "with_human"})]
            await asyncio.to_thread(a.publish_many, batch)
            got = [await asyncio.wait_for(conv.get(), 5), await asyncio.wait_for(conv.get(), 5)]
            assert got == [batch[0], batch[2]]  # in order within the topic
            assert await asyncio.wait_for(agent.get(), 5) == batch[1]
            a.publish_many([])  # nothing to send: no round trip, no error
        finally:
            await a.stop()
            await b.stop()

    asyncio.run(scenario())


def test_a_failed_pipeline_tells_local_subscribers_to_resync(redis_url: str) -> None:
    async def scenario() -> None:
        bus = RedisBus("redis://127.0.0.1:1/0", channel="tandem:test:down")  # nothing listens there
        sub = bus.subscribe("conv:c1")
        await asyncio.to_thread(bus.publish_many, [("conv:c1", {"type": "x"}), ("conv:c1", {"type": "y"})])
        with pytest.raises(OverflowError):
            await asyncio.wait_for(sub.get(), 5)

    asyncio.run(scenario())


def test_the_bus_is_healthy_only_while_its_listener_is_subscribed(redis_url: str) -> None:
    async def scenario() -> None:
        a, _ = _buses(redis_url)
        assert a.healthy is False  # not started
        await a.start()
        try:
            assert a.healthy is True
            killer = redis.Redis.from_url(redis_url)
            for client in killer.client_list():
                if client.get("name") == a.client_name:
                    killer.client_kill_filter(_id=client["id"])
            killer.close()
            deadline = time.monotonic() + 5
            while a.healthy and time.monotonic() < deadline:  # the listener notices the cut
                await asyncio.sleep(0.05)
            assert a.healthy is False
            deadline = time.monotonic() + 10
            while not a.healthy and time.monotonic() < deadline:  # ... and subscribes again
                await asyncio.sleep(0.05)
            assert a.healthy is True
        finally:
            await a.stop()

    asyncio.run(scenario())
