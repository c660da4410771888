"""Per-conversation message limits (WebSocket and HTTP), per-account failed-login windows, and limits shared
across replicas through Redis (issue 14, findings 6 and 11)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from sqlalchemy import select

from tandem.api.app import create_app
from tandem.api.ratelimit import Limiter
from tandem.core.errors import RateLimited
from tandem.services.context import Services
from tandem.storage.models import Message

from .conftest import start_chat

pytestmark = pytest.mark.timeout(60)
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def tight(services: Services) -> Iterator[TestClient]:
    """3 customer messages per 2 seconds per conversation."""
    services.settings = services.settings.model_copy(update={"conversation_message_limit": "3/2seconds"})
    with TestClient(create_app(services, run_dispatcher=False)) as c:
        yield c


def _customer_bodies(services: Services, conversation_id: str) -> list[str]:
    with services.work() as work:
        return list(work.session.scalars(select(Message.body).where(
            Message.conversation_id == conversation_id, Message.author == "customer").order_by(Message.seq)))


def _ack_or_error(ws) -> dict:  # type: ignore[no-untyped-def]
    while True:
        frame = ws.receive_json()
        if frame["type"] in ("ack", "error"):
            return frame  # type: ignore[no-any-return]


def test_a_fast_socket_gets_a_clear_error_and_loses_nothing(tight: TestClient, services: Services) -> None:
    cid, h = start_chat(tight)
    with tight.websocket_connect(f"/ws/conversations/{cid}") as ws:
        ws.send_json({"type": "auth", "token": h["X-Conversation-Token"], "after": 0})
        frames = []
        for i in range(4):
            ws.send_json({"type": "message", "body": f"message {i}", "client_id": f"c{i}"})
            frames.append(_ack_or_error(ws))
        assert [f["type"] for f in frames] == ["ack", "ack", "ack", "error"]
        refused = frames[3]
        assert refused["client_id"] == "c3" and refused["error"]["code"] == "rate_limited"
        assert refused["error"]["details"]["retry_after"] >= 1 and "not sent" in refused["error"]["message"]
        assert _customer_bodies(services, cid) == ["message 0", "message 1", "message 2"]
        time.sleep(refused["error"]["details"]["retry_after"] + 0.1)  # the client waits as told and resends
        ws.send_json({"type": "message", "body": "message 3", "client_id": "c3"})
        assert _ack_or_error(ws)["type"] == "ack"
    assert _customer_bodies(services, cid) == [f"message {i}" for i in range(4)]


def test_http_messages_share_the_conversation_budget(tight: TestClient, services: Services) -> None:
    cid, h = start_chat(tight)
    other, oh = start_chat(tight)
    stranger = {"X-Conversation-Token": "not-the-token"}
    for _ in range(5):  # a stranger's refused posts do not use up the customer's budget
        assert tight.post(f"/api/conversations/{cid}/messages", json={"body": "x"}, headers=stranger).status_code == 401
    codes = [tight.post(f"/api/conversations/{cid}/messages", json={"body": f"m{i}"}, headers=h).status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
    limited = tight.post(f"/api/conversations/{cid}/messages", json={"body": "m4"}, headers=h)
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    assert tight.post(f"/api/conversations/{other}/messages", json={"body": "hi"}, headers=oh).status_code == 201
    assert _customer_bodies(services, cid) == ["m0", "m1", "m2"]


def _limiter(storage: object) -> Limiter:
    return Limiter(storage, conversation_messages="3/minute")  # type: ignore[arg-type]


def test_failed_logins_make_the_account_wait_longer_and_longer() -> None:
    limiter = _limiter(MemoryStorage())
    for _ in range(5):
        limiter.login_allowed("Ana@agents.example")
        limiter.login_failed("ana@agents.example ")  # the same account however it is typed
    with pytest.raises(RateLimited) as minute:
        limiter.login_allowed("ana@agents.example")
    assert 1 <= minute.value.retry_after <= 60
    limiter.login_allowed("ben@agents.example")  # another account is not affected
    # windows of a minute, an hour and a day: after 20 failures the wait is counted in the hour window
    hourly = _limiter(MemoryStorage())
    for _ in range(20):
        hourly.login_failed("carla@agents.example")
        for item in hourly.login_failures[:1]:  # as if each minute had passed
            hourly.windows.clear(item, hourly.namespace, "login", "carla@agents.example")
    with pytest.raises(RateLimited) as hour:
        hourly.login_allowed("carla@agents.example")
    assert hour.value.retry_after > 60
    limiter.login_succeeded("ana@agents.example")
    limiter.login_allowed("ana@agents.example")


@pytest.fixture
def redis_storage_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable")
    finally:
        client.close()
    return REDIS_URL


def test_replicas_share_limits_through_redis(redis_storage_url: str) -> None:
    from limits.storage import RedisStorage

    prefix = f"tandem-test-{uuid.uuid4().hex[:8]}"
    one, two = (_limiter(RedisStorage(redis_storage_url, key_prefix=prefix)) for _ in range(2))
    assert one.shared and two.shared
    one.conversation_message("conv_a")
    two.conversation_message("conv_a")
    one.conversation_message("conv_a")
    with pytest.raises(RateLimited):
        two.conversation_message("conv_a")  # the budget is the conversation's, not each replica's
    for _ in range(5):
        (one if _ % 2 else two).login_failed("ana@agents.example")
    with pytest.raises(RateLimited):
        one.login_allowed("ana@agents.example")
    apart = _limiter(MemoryStorage()), _limiter(MemoryStorage())
    for limiter in apart * 2:
        limiter.conversation_message("conv_b")  # in memory each process counts alone: 2 each, no refusal


def test_the_app_uses_redis_in_scaled_mode(services: Services, redis_storage_url: str) -> None:
    prefix = f"tandem-test-{uuid.uuid4().hex[:8]}"
    services.settings = services.settings.model_copy(update={"redis_url": redis_storage_url,
                                                             "rate_limit_prefix": prefix})
    app_one, app_two = create_app(services, run_dispatcher=False), create_app(services, run_dispatcher=False)
    assert app_one.state.limiter.shared
    one, two = TestClient(app_one), TestClient(app_two)
    codes = [(one if i % 2 else two).post("/api/agent/login", json={"email": f"n{i}@x.example", "password": "p"})
             .status_code for i in range(12)]
    assert codes.count(401) == 10 and codes[-2:] == [429, 429]  # 10 a minute per address, across both apps
    client = redis.Redis.from_url(redis_storage_url)
    client.delete(*client.keys(prefix + "*"))
    client.close()


def test_customers_behind_one_address_do_not_share_a_message_budget(services: Services) -> None:
    # a carrier or office NAT puts many customers behind one address: their messages are limited per
    # conversation, only starting conversations is limited per address (60 a minute)
    with TestClient(create_app(services, run_dispatcher=False)) as client:
        chats = [start_chat(client) for _ in range(30)]
        codes = [client.post(f"/api/conversations/{cid}/messages", json={"body": f"question {i} {k}"},
                             headers=h).status_code for k in range(3) for i, (cid, h) in enumerate(chats)]
        assert codes == [201] * 90  # 90 messages from one address in well under a minute
        started = [client.post("/api/conversations", json={"language": "en"}).status_code for _ in range(31)]
        assert started[:30] == [201] * 30 and started[30] == 429  # the 61st start from this address this minute


def test_a_conversations_other_writes_have_their_own_budget(services: Services) -> None:
    with TestClient(create_app(services, run_dispatcher=False)) as client:
        cid, h = start_chat(client)
        stranger = {"X-Conversation-Token": "not-the-token"}
        for _ in range(12):  # a stranger's refused calls do not use the conversation's budget
            assert client.post(f"/api/conversations/{cid}/handoff", headers=stranger).status_code == 401
        codes = [client.post(f"/api/conversations/{cid}/handoff", headers=h).status_code for _ in range(11)]
        assert codes[:10] == [202] * 10 and codes[10] == 429
        limited = client.post(f"/api/conversations/{cid}/end", headers=h)  # the same budget
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        other, oh = start_chat(client)
        assert client.post(f"/api/conversations/{other}/handoff", headers=oh).status_code == 202


def test_the_customers_address_comes_from_a_trusted_proxy_only(services: Services) -> None:
    from tandem.cli.serve import proxy_options
    from tandem.core.settings import Settings

    assert proxy_options(services.settings) == {"proxy_headers": True, "forwarded_allow_ips": ["127.0.0.1"]}
    lb = services.settings.model_copy(update={"trusted_proxies": "10.0.0.0/8, 192.168.1.7"})
    assert proxy_options(lb)["forwarded_allow_ips"] == ["10.0.0.0/8", "192.168.1.7"]
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(env="test", trusted_proxies="10.0.0.0/8 load-balancer")
