"""Object-level authorization as a matrix: who may call what on whose conversation (docs/targets.md S1)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import agents, conversations, dispatch, queue
from tandem.services.context import Services

from .conftest import go, login, start_chat

AGENT_CALLS = [
    ("GET", "/api/agent/conversations/{cid}", None),
    ("POST", "/api/agent/conversations/{cid}/messages", {"body": "hello"}),
    ("POST", "/api/agent/conversations/{cid}/resolve", None),
    ("POST", "/api/agent/conversations/{cid}/handback", None),
]
CUSTOMER_CALLS = [
    ("GET", "/api/conversations/{cid}", None),
    ("GET", "/api/conversations/{cid}/messages", None),
    ("POST", "/api/conversations/{cid}/messages", {"body": "hello"}),
    ("POST", "/api/conversations/{cid}/handoff", None),
    ("POST", "/api/conversations/{cid}/end", None),
]


@pytest.fixture
def owned(client: TestClient, seeded: Services) -> dict:  # type: ignore[type-arg]
    cid, customer = start_chat(client, customer_ref="cus_demo_maya")
    other_cid, other_customer = start_chat(client)
    client.post(f"/api/conversations/{cid}/handoff", headers=customer)
    ana, ben, sam = (login(client, f"{n}@agents.example") for n in ("ana", "ben", "sam"))
    go(client, ana, "available")
    assert client.post(f"/api/agent/conversations/{cid}/claim", headers=ana).status_code == 200
    return {"cid": cid, "customer": customer, "other_customer": other_customer, "other_cid": other_cid,
            "ana": ana, "ben": ben, "sam": sam}


@pytest.mark.parametrize(("method", "path", "body"), AGENT_CALLS)
def test_agent_endpoints_refuse_strangers(client: TestClient, owned: dict, method: str, path: str,  # type: ignore[type-arg]
                                          body: dict | None) -> None:  # type: ignore[type-arg]
    url = path.format(cid=owned["cid"])
    assert client.request(method, url, json=body).status_code == 401  # no token
    assert client.request(method, url, json=body, headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.request(method, url, json=body, headers=owned["ben"]).status_code == 404  # not his
    assert client.request(method, url, json=body, headers=owned["customer"]).status_code == 401  # customer token


@pytest.mark.parametrize(("method", "path", "body"), CUSTOMER_CALLS)
def test_customer_endpoints_refuse_other_customers_and_agents(client: TestClient, owned: dict, method: str,  # type: ignore[type-arg]
                                                              path: str, body: dict | None) -> None:  # type: ignore[type-arg]
    url = path.format(cid=owned["cid"])
    for headers in ({}, owned["other_customer"], owned["ana"], owned["sam"]):
        assert client.request(method, url, json=body, headers=headers).status_code == 401


def test_supervisor_only_endpoints(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    for url in ("/api/ops/summary", "/api/privacy/customers/cus_demo_maya/export"):
        assert client.get(url, headers=owned["ana"]).status_code == 403
        assert client.get(url, headers=owned["customer"]).status_code == 401
        assert client.get(url, headers=owned["sam"]).status_code == 200


def test_the_owner_can_do_what_strangers_cannot(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    cid = owned["cid"]
    assert client.get(f"/api/agent/conversations/{cid}", headers=owned["ana"]).status_code == 200
    assert client.get(f"/api/conversations/{cid}/messages", headers=owned["customer"]).status_code == 200
    assert client.post(f"/api/agent/conversations/{cid}/messages", json={"body": "hi"},
                       headers=owned["ana"]).status_code == 201


def test_agent_socket_carries_only_the_agents_own_conversations(client: TestClient, owned: dict) -> None:  # type: ignore[type-arg]
    with client.websocket_connect("/ws/agent") as ws:
        ws.send_json({"type": "auth", "token": owned["ben"]["Authorization"][7:]})
        assert ws.receive_json()["type"] == "hello"
        client.post(f"/api/agent/conversations/{owned['cid']}/messages", json={"body": "secret for maya"},
                    headers=owned["ana"])
        ws.send_json({"type": "ping"})
        seen = []
        while (event := ws.receive_json())["type"] != "pong":
            seen.append(event)
    assert not any("secret for maya" in str(e) for e in seen)


# ---- eligibility, not only role (issue 14) -------------------------------------------------------------------
#
# Every route is classified by what an authenticated caller must hold besides their role. A route added without
# a class fails test_every_route_is_classified, so the matrix cannot silently fall behind the API.

CONVERSATION = "conversation"  # agent route on one conversation: only while it is the caller's (or a supervisor's)
QUEUE = "queue"  # what an agent may take: skill, tier at this wait, language, exclusions
OFFER = "offer"  # an offer addressed to the caller
SELF = "self"  # the caller's own account, no other object
SUPERVISOR = "supervisor"  # role suffices (403 for agents)
SENIOR = "senior"  # QA reviews: a senior tier somewhere
CUSTOMER = "customer"  # the conversation token (the tests above)
PUBLIC = "public"

ROUTE_CLASS = {
    ("POST", "/api/conversations"): PUBLIC,
    ("GET", "/api/conversations/{conversation_id}"): CUSTOMER,
    ("GET", "/api/conversations/{conversation_id}/messages"): CUSTOMER,
    ("POST", "/api/conversations/{conversation_id}/messages"): CUSTOMER,
    ("POST", "/api/conversations/{conversation_id}/handoff"): CUSTOMER,
    ("POST", "/api/conversations/{conversation_id}/end"): CUSTOMER,
    ("POST", "/api/conversations/{conversation_id}/rating"): CUSTOMER,
    ("GET", "/api/i18n/{language}"): PUBLIC,
    ("GET", "/api/company"): PUBLIC,  # name, colours, languages: what the widget shows anyway
    ("POST", "/api/agent/login"): PUBLIC,
    ("POST", "/api/agent/logout"): SELF,
    ("GET", "/api/agent/me"): SELF,
    ("PUT", "/api/agent/me/presence"): SELF,
    ("POST", "/api/agent/me/heartbeat"): SELF,
    ("PUT", "/api/agent/me/capacity"): SELF,
    ("GET", "/api/agent/queue"): QUEUE,
    ("GET", "/api/agent/offers"): OFFER,
    ("POST", "/api/agent/offers/{offer_id}/accept"): OFFER,
    ("POST", "/api/agent/offers/{offer_id}/decline"): OFFER,
    ("POST", "/api/agent/conversations/{conversation_id}/claim"): QUEUE,
    ("GET", "/api/agent/conversations"): SELF,
    ("GET", "/api/agent/conversations/{conversation_id}"): CONVERSATION,
    ("POST", "/api/agent/conversations/{conversation_id}/messages"): CONVERSATION,
    ("POST", "/api/agent/conversations/{conversation_id}/resolve"): CONVERSATION,
    ("POST", "/api/agent/conversations/{conversation_id}/handback"): CONVERSATION,
    ("GET", "/api/workbench/conversations/{conversation_id}/card"): CONVERSATION,
    ("POST", "/api/workbench/conversations/{conversation_id}/suggestions"): CONVERSATION,
    ("GET", "/api/workbench/conversations/{conversation_id}/canned"): CONVERSATION,
    ("POST", "/api/workbench/conversations/{conversation_id}/actions"): CONVERSATION,
    ("POST", "/api/workbench/conversations/{conversation_id}/transfer"): CONVERSATION,
    ("POST", "/api/workbench/conversations/{conversation_id}/translate"): CONVERSATION,
    ("GET", "/api/workbench/conversations/{conversation_id}/whispers"): CONVERSATION,
    ("POST", "/api/workbench/conversations/{conversation_id}/whispers"): SUPERVISOR,
    ("POST", "/api/workbench/conversations/{conversation_id}/takeover"): SUPERVISOR,
    ("GET", "/api/workbench/live"): SUPERVISOR,
    ("GET", "/api/workbench/canned"): SELF,
    ("POST", "/api/workbench/canned"): SUPERVISOR,
    ("PATCH", "/api/workbench/canned/{canned_id}"): SUPERVISOR,
    ("DELETE", "/api/workbench/canned/{canned_id}"): SUPERVISOR,
    ("GET", "/api/workbench/suggestions/stats"): SUPERVISOR,
    ("GET", "/api/ops/summary"): SUPERVISOR,
    ("GET", "/api/privacy/customers/{customer_ref}/export"): SUPERVISOR,
    ("DELETE", "/api/privacy/customers/{customer_ref}"): SUPERVISOR,
    ("DELETE", "/api/privacy/conversations/{conversation_id}"): SUPERVISOR,
    ("POST", "/api/workforce/signup"): PUBLIC,
    ("GET", "/api/workforce/signup"): PUBLIC,
    ("GET", "/api/workforce/certifications"): SELF,
    ("POST", "/api/workforce/certifications/{topic}/attempts"): SELF,
    ("POST", "/api/workforce/certifications/attempts/{attempt_id}/submit"): SELF,
    ("GET", "/api/workforce/me/earnings"): SELF,
    ("GET", "/api/workforce/agents/{agent_id}/earnings"): SUPERVISOR,
    ("POST", "/api/workforce/agents/{agent_id}/tier"): SUPERVISOR,
    ("POST", "/api/workforce/agents/{agent_id}/adjustments"): SUPERVISOR,
    ("POST", "/api/workforce/invites"): SUPERVISOR,
    ("GET", "/api/workforce/invites"): SUPERVISOR,
    ("DELETE", "/api/workforce/invites/{invite_id}"): SUPERVISOR,
    ("GET", "/api/workforce/payouts.csv"): SUPERVISOR,
    ("GET", "/api/surge/current"): SELF,
    ("GET", "/api/surge/status"): SUPERVISOR,
    ("GET", "/api/surge/history"): SUPERVISOR,
    ("GET", "/api/surge/forecast"): SUPERVISOR,
    ("GET", "/api/surge/roster"): SUPERVISOR,
    ("GET", "/api/surge/notifications"): SELF,
    ("PUT", "/api/surge/notifications"): SELF,
    ("GET", "/api/surge/notices"): SELF,
    ("POST", "/api/surge/notices/{notice_id}/ack"): SELF,
    ("GET", "/api/quality/measures"): SUPERVISOR,
    ("GET", "/api/quality/dashboard"): SUPERVISOR,
    ("GET", "/api/quality/targets"): SUPERVISOR,
    ("PUT", "/api/quality/targets"): SUPERVISOR,
    ("GET", "/api/quality/guardrail"): SUPERVISOR,
    ("PUT", "/api/quality/guardrail/{intent}"): SUPERVISOR,
    ("DELETE", "/api/quality/guardrail/{intent}"): SUPERVISOR,
    ("POST", "/api/quality/guardrail/run"): SUPERVISOR,
    ("GET", "/api/quality/knowledge-gaps"): SUPERVISOR,
    ("GET", "/api/review/offers"): SENIOR,
    ("POST", "/api/review/offers/{offer_id}/accept"): SENIOR,
    ("POST", "/api/review/offers/{offer_id}/decline"): SENIOR,
    ("GET", "/api/review/current"): SENIOR,
    ("POST", "/api/review/next"): SENIOR,
    ("GET", "/api/review/tasks/{task_id}"): SENIOR,
    ("POST", "/api/review/tasks/{task_id}"): SENIOR,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
}
# routes other helpers may add meanwhile are classified by prefix until they are listed above
PREFIX_CLASS = (("/api/audit", SUPERVISOR),)

CONVERSATION_BODIES = {
    "/messages": {"body": "hello"},
    "/actions": {"action": "pause_payment", "order_id": "ord_maya_pay4", "days": 3},
    "/transfer": {"language": "fr"},
    "/translate": {"text": "hola", "direction": "in"},
}


def _class(method: str, path: str) -> str | None:
    found = ROUTE_CLASS.get((method, path))
    return found or next((c for prefix, c in PREFIX_CLASS if path.startswith(prefix)), None)


def test_every_route_is_classified(client: TestClient) -> None:
    routes = [(m.upper(), p) for p, item in client.app.openapi()["paths"].items() for m in item]  # type: ignore[attr-defined]
    assert [r for r in routes if _class(*r) is None] == []


def _conversation_routes(client: TestClient) -> list[tuple[str, str]]:
    return [(m.upper(), p) for p, item in client.app.openapi()["paths"].items() for m in item  # type: ignore[attr-defined]
            if _class(m.upper(), p) == CONVERSATION]


def _waiting(client: TestClient, services: Services, topic: str, language: str = "en") -> str:
    cid, _ = start_chat(client, language=language, customer_ref="cus_demo_maya")
    with services.work() as work:
        conv = conversations.get(work, cid)
        conv.topic = topic
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_BUTTON, topic=topic)
    return cid


@pytest.fixture
def world(client: TestClient, seeded: Services) -> dict:  # type: ignore[type-arg]
    """A fraud chat and a Swedish chat waiting, ana's own chat; a fresh sign-up, ben, dieter and ana available."""
    r = client.post("/api/workforce/signup", json={"name": "New Gig", "email": "new@gig.example",
                                                   "password": "a-long-password", "languages": ["en"]})
    assert r.status_code == 202, r.text
    r = client.post("/api/agent/login", json={"email": "new@gig.example", "password": "a-long-password"})
    newbie = {"Authorization": "Bearer " + r.json()["token"]}
    ana, ben, dieter = (login(client, f"{n}@agents.example") for n in ("ana", "ben", "dieter"))
    for who in (newbie, ana, ben, dieter):
        go(client, who, "available")
    owned = _waiting(client, seeded, "payments")
    assert client.post(f"/api/agent/conversations/{owned}/claim", headers=ana).status_code == 200
    return {"fraud": _waiting(client, seeded, "fraud"), "swedish": _waiting(client, seeded, "payments", "sv"),
            "owned": owned, "newbie": newbie, "ana": ana, "ben": ben, "dieter": dieter, "services": seeded}


# (who, which conversation, why they may not have it)
INELIGIBLE = [
    ("newbie", "fraud", "no_skill"),  # a fresh sign-up: certified in nothing
    ("ben", "fraud", "tier"),  # verified, and fraud needs a senior
    ("dieter", "swedish", "language"),  # speaks de, en, nl
]


def test_conversation_routes_refuse_the_ineligible_and_strangers(client: TestClient, world: dict) -> None:  # type: ignore[type-arg]
    routes = _conversation_routes(client)
    assert len(routes) >= 11
    cases = [*INELIGIBLE, ("ben", "owned", "ownership")]
    for method, path in routes:
        body = next((b for suffix, b in CONVERSATION_BODIES.items() if path.endswith(suffix)), None)
        for who, which, why in cases:
            url = path.format(conversation_id=world[which])
            r = client.request(method, url, json=body, headers=world[who])
            assert r.status_code == 404, (method, path, who, why, r.status_code, r.text)
    # the owner may: one read per route family is enough to show the 404s above are not a broken fixture
    assert client.get(f"/api/agent/conversations/{world['owned']}", headers=world["ana"]).status_code == 200
    assert client.get(f"/api/workbench/conversations/{world['owned']}/card", headers=world["ana"]).status_code == 200


def test_queue_routes_apply_skill_tier_language_and_ownership(client: TestClient, world: dict) -> None:  # type: ignore[type-arg]
    for who, which, why in INELIGIBLE:
        listed = [w["conversation_id"] for w in client.get("/api/agent/queue", headers=world[who]).json()["waiting"]]
        assert world[which] not in listed, (who, why)
        r = client.post(f"/api/agent/conversations/{world[which]}/claim", headers=world[who])
        assert r.status_code == 403 and r.json()["error"]["details"]["reason"] == why, (who, r.text)
    # ownership: a conversation that is someone else's is not in the queue and cannot be claimed
    assert world["owned"] not in [w["conversation_id"] for w in
                                  client.get("/api/agent/queue", headers=world["ben"]).json()["waiting"]]
    assert client.post(f"/api/agent/conversations/{world['owned']}/claim", headers=world["ben"]).status_code == 409
    # and the eligible do see and take them
    listed = [w["conversation_id"] for w in client.get("/api/agent/queue", headers=world["ana"]).json()["waiting"]]
    assert {world["fraud"], world["swedish"]} <= set(listed)
    assert client.post(f"/api/agent/conversations/{world['fraud']}/claim", headers=world["ana"]).status_code == 200


def test_offer_routes_answer_only_the_offers_addressee(client: TestClient, world: dict) -> None:  # type: ignore[type-arg]
    services = world["services"]
    with services.work() as work:
        entry = queue.open_handoff(work, world["swedish"])
        assert entry is not None
        offer = dispatch.create_offer(work, entry, agents.authenticate(work, world["ana"]["Authorization"][7:]).id,
                                      20.0)
    assert offer is not None
    for who in ("ben", "newbie"):
        assert all(o["id"] != offer.id for o in client.get("/api/agent/offers", headers=world[who]).json()["offers"])
        for verb in ("accept", "decline"):
            assert client.post(f"/api/agent/offers/{offer.id}/{verb}", headers=world[who]).status_code == 404
    assert [o["id"] for o in client.get("/api/agent/offers", headers=world["ana"]).json()["offers"]] == [offer.id]


def test_senior_routes_refuse_agents_without_a_senior_tier(client: TestClient, world: dict) -> None:  # type: ignore[type-arg]
    for who in ("newbie", "ben"):
        assert client.get("/api/review/current", headers=world[who]).status_code == 403
        assert client.get("/api/review/tasks/rvt_nope", headers=world[who]).status_code == 404
        assert client.post("/api/review/offers/rvo_nope/accept", headers=world[who]).status_code == 404
    assert client.get("/api/review/current", headers=world["ana"]).status_code == 200


def test_supervisor_routes_refuse_every_agent(client: TestClient, world: dict) -> None:  # type: ignore[type-arg]
    paths = [(m.upper(), p) for p, item in client.app.openapi()["paths"].items() for m in item  # type: ignore[attr-defined]
             if _class(m.upper(), p) == SUPERVISOR]
    for method, path in paths:
        url = path.format(conversation_id=world["owned"], customer_ref="cus_demo_maya", agent_id="agt_x",
                          canned_id="can_x", intent="x", invite_id="inv_x")
        for who in ("newbie", "ben", "ana"):
            r = client.request(method, url, headers=world[who], json={})
            assert r.status_code == 403, (method, path, who, r.status_code)
