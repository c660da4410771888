"""Every route publishes a typed success body in /openapi.json, and a client generated from the schema works.

A route with no typed success body fails the first test: give it a response_model (api/responses.py).

A response model drops any field it does not name, so validating an answer against the schema alone could not
see a field a view returns and the model forgot. In the tests every response model refuses unknown fields (set
for the whole session in tests/conftest.py, before any app is built): an answer that would lose one fails with a
response validation error, in these tests and in every other route test."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI, Response
from fastapi.exceptions import ResponseValidationError
from fastapi.testclient import TestClient

from tandem.api.responses import PAYOUTS_CSV_RESPONSES, Ok
from tandem.bus.redis_bus import RedisBus
from tandem.demo.agents import DEMO_PASSWORD
from tandem.services.context import Services

JSON = "application/json"


def typed(schema: dict[str, Any] | None) -> bool:
    """A JSON body is typed when it names a model (or a list of them, or one of several), not a free-form object."""
    if not schema:
        return False
    if "$ref" in schema:
        return True
    if "anyOf" in schema or "oneOf" in schema:  # one of several models (e.g. a roster, or why there is none)
        return all(typed(s) for s in schema.get("anyOf", schema.get("oneOf")))
    if schema.get("type") == "array":
        return typed(schema.get("items"))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def typed_text(content: dict[str, Any]) -> bool:
    """A body that is not JSON (a CSV export, the Prometheus text format) has no JSON Schema to give: it is typed
    when it declares its own media type as a string, and no JSON body besides (FastAPI's default for a route
    without a response model is an empty JSON schema, which would hide what really comes back)."""
    return bool(content) and JSON not in content and all(
        media.startswith("text/") and (body.get("schema") or {}).get("type") == "string"
        for media, body in content.items())


def untyped_routes(openapi: dict[str, Any]) -> set[str]:
    """Routes with no success response, or with a success response whose body is not typed."""
    missing = set()
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            success = {code: r for code, r in operation.get("responses", {}).items() if code.startswith("2")}
            ok = bool(success) and all(
                code == "204" or (typed(content[JSON].get("schema")) if JSON in content else typed_text(content))
                for code, r in success.items() for content in [r.get("content") or {}])
            if not ok:
                missing.add(f"{method.upper()} {path}")
    return missing


def test_every_route_declares_a_typed_success_body(client: TestClient) -> None:
    assert sorted(untyped_routes(client.get("/openapi.json").json())) == [], "give these routes a response_model"


def test_the_check_finds_a_route_without_a_typed_body() -> None:
    app = FastAPI()

    @app.get("/free")
    def free() -> dict[str, Any]:
        return {}

    @app.get("/typed", response_model=Ok)
    def typed_route() -> dict[str, Any]:
        return {"ok": True}

    @app.get("/export.csv", response_class=Response, responses=PAYOUTS_CSV_RESPONSES)
    def export() -> Response:
        return Response("a,b\n", media_type="text/csv")

    @app.get("/undeclared.csv")
    def undeclared() -> Response:  # a CSV served under FastAPI's default: an empty JSON schema
        return Response("a,b\n", media_type="text/csv")

    @app.delete("/gone", status_code=204)
    def gone() -> None:
        return None

    assert untyped_routes(app.openapi()) == {"GET /free", "GET /undeclared.csv"}


def test_readiness_declares_its_503_body_too(client: TestClient, services: Services, monkeypatch: Any) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/readyz"]["get"]["responses"]
    ok = client.get("/readyz")
    monkeypatch.setattr(services, "bus", RedisBus("redis://127.0.0.1:1/0"))  # never connected
    down = client.get("/readyz")
    assert (ok.status_code, down.status_code) == (200, 503)
    for r in (ok, down):
        schema = responses[str(r.status_code)]["content"][JSON]["schema"]
        validator = jsonschema_rs.validator_for({**schema, "components": spec["components"]})
        assert [e.message for e in validator.iter_errors(r.json())] == [], r.json()
    assert down.json()["ready"] is False


def test_the_payout_export_is_the_csv_its_schema_describes(client: TestClient, seeded: Services) -> None:
    spec = client.get("/openapi.json").json()
    declared = spec["paths"]["/api/workforce/payouts.csv"]["get"]["responses"]["200"]
    token = client.post("/api/agent/login", json={"email": "sam@agents.example", "password": DEMO_PASSWORD})
    r = client.get("/api/workforce/payouts.csv?start=2024-01-01&end=2024-01-31",
                   headers={"Authorization": "Bearer " + token.json()["token"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    header = r.text.splitlines()[0]
    assert header == declared["content"]["text/csv"]["example"].splitlines()[0]
    assert header.replace(",", ", ") in declared["description"]


class SchemaClient:
    """A client generated from /openapi.json: one call per operationId, path parameters filled in, and every
    answer validated against the response schema the operation publishes."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.spec = http.get("/openapi.json").json()
        self.operations = {op["operationId"]: (method, path, op)
                           for path, ops in self.spec["paths"].items() for method, op in ops.items()}

    def call(self, operation_id: str, *, headers: dict[str, str] | None = None, json: Any = None,
             **path: str) -> Any:
        method, template, operation = self.operations[operation_id]
        url = re.sub(r"{(\w+)}", lambda m: path[m.group(1)], template)
        response = self.http.request(method.upper(), url, headers=headers, json=json)
        assert response.is_success, (operation_id, response.status_code, response.text)
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        validator = jsonschema_rs.validator_for({**schema, "components": self.spec["components"]})
        errors = [e.message for e in validator.iter_errors(response.json())]
        assert errors == [], (operation_id, errors)
        return response.json()


def op(client: SchemaClient, name: str, path: str) -> str:
    """The operationId of the function `name` serving `path` (FastAPI's ids are name + path + method)."""
    operations = client.operations.items()
    (found,) = [o for o, (_, template, _) in operations if o.startswith(name + "_") and template == path]
    return found


def test_a_client_generated_from_the_schema_runs_a_customer_conversation(client: TestClient) -> None:
    api, conv = SchemaClient(client), "/api/conversations/{conversation_id}"
    assert api.call(op(api, "_healthz", "/healthz"))["ok"] is True
    assert api.call(op(api, "_company", "/api/company"))["languages"]
    assert api.call(op(api, "chat_messages", "/api/i18n/{language}"), language="sv")["language"] == "sv"
    conversation = api.call(op(api, "create_conversation", "/api/conversations"), json={"language": "en"})
    auth, cid = {"X-Conversation-Token": conversation["token"]}, conversation["id"]
    ack = api.call(op(api, "post_message", conv + "/messages"), headers=auth, conversation_id=cid,
                   json={"body": "how do late fees work?", "client_id": "c1"})
    assert ack["seq"] == 1 and ack["duplicate"] is False
    page = api.call(op(api, "list_messages", conv + "/messages"), headers=auth, conversation_id=cid)
    assert [m["author"] for m in page["messages"]][:1] == ["customer"]
    waiting = api.call(op(api, "request_human", conv + "/handoff"), headers=auth, conversation_id=cid)
    assert waiting["queue"]["position"] == 1 and waiting["queue"]["text"]
    assert api.call(op(api, "read_conversation", conv), headers=auth, conversation_id=cid)["queue"]["position"] == 1
    assert api.call(op(api, "end_conversation", conv + "/end"), headers=auth, conversation_id=cid)["state"]
    rated = api.call(op(api, "rate", conv + "/rating"), headers=auth, json={"score": 5}, conversation_id=cid)
    assert rated["rating"] == 5


def test_the_schema_validator_catches_a_body_that_breaks_the_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/api/conversations"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": spec["components"]})
    assert not validator.is_valid({"id": "c1", "state": "ai"})  # token, language, ... missing



def test_the_generated_client_runs_an_agent_taking_a_conversation(client: TestClient, seeded: Services) -> None:
    api, agent, conv = SchemaClient(client), "/api/agent", "/api/agent/conversations/{conversation_id}"
    session = api.call(op(api, "login", agent + "/login"), json={"email": "ana@agents.example",
                                                                 "password": DEMO_PASSWORD})
    bearer = {"Authorization": "Bearer " + session["token"]}
    assert api.call(op(api, "me", agent + "/me"), headers=bearer)["email"] == "ana@agents.example"
    assert api.call(op(api, "set_presence", agent + "/me/presence"), headers=bearer,
                    json={"presence": "available"})["presence"] == "available"
    created = api.call(op(api, "create_conversation", "/api/conversations"), json={"language": "en"})
    token = {"X-Conversation-Token": created["token"]}
    api.call(op(api, "request_human", "/api/conversations/{conversation_id}/handoff"), headers=token,
             conversation_id=created["id"])
    waiting = api.call(op(api, "waiting_queue", agent + "/queue"), headers=bearer)["waiting"]
    assert [w["conversation_id"] for w in waiting] == [created["id"]]
    assert api.call(op(api, "my_offers", agent + "/offers"), headers=bearer)["offers"] == []  # claimed, not offered
    assert api.call(op(api, "claim", conv + "/claim"), headers=bearer, conversation_id=created["id"])["state"]
    mine = api.call(op(api, "my_conversations", agent + "/conversations"), headers=bearer)["conversations"]
    assert [c["id"] for c in mine] == [created["id"]]
    ack = api.call(op(api, "reply", conv + "/messages"), headers=bearer, conversation_id=created["id"],
                   json={"body": "Hi, Ana here.", "client_id": "a1"})
    assert ack["duplicate"] is False
    assert api.call(op(api, "resolve", conv + "/resolve"), headers=bearer, conversation_id=created["id"])["state"]
    assert api.call(op(api, "logout", agent + "/logout"), headers=bearer)["ok"] is True


def test_the_generated_client_runs_a_supervisor_and_the_workbench(client: TestClient, seeded: Services) -> None:
    api, agent, wb = SchemaClient(client), "/api/agent", "/api/workbench/conversations/{conversation_id}"

    def login(email: str) -> dict[str, str]:
        session = api.call(op(api, "login", agent + "/login"), json={"email": email, "password": DEMO_PASSWORD})
        return {"Authorization": "Bearer " + session["token"]}

    ana, sam = login("ana@agents.example"), login("sam@agents.example")
    api.call(op(api, "set_presence", agent + "/me/presence"), headers=ana, json={"presence": "available"})
    created = api.call(op(api, "create_conversation", "/api/conversations"),
                       json={"language": "en", "customer_ref": "cus_demo_maya"})
    token, cid = {"X-Conversation-Token": created["token"]}, created["id"]
    api.call(op(api, "post_message", "/api/conversations/{conversation_id}/messages"), headers=token,
             conversation_id=cid, json={"body": "I was charged twice for my order, please help", "client_id": "c1"})
    api.call(op(api, "request_human", "/api/conversations/{conversation_id}/handoff"), headers=token,
             conversation_id=cid)
    api.call(op(api, "claim", agent + "/conversations/{conversation_id}/claim"), headers=ana, conversation_id=cid)

    card = api.call(op(api, "card", wb + "/card"), headers=ana, conversation_id=cid)
    assert card["asked"] and card["customer"]["email"] == "m***@example.com"
    assert card["sentiment"]["points"][0]["seq"] == 1
    detail = api.call(op(api, "read_conversation", agent + "/conversations/{conversation_id}"), headers=ana,
                      conversation_id=cid)
    assert detail["messages"][0]["body"].startswith("I was charged") and detail["handoff"]["reason"]

    live = api.call(op(api, "live", "/api/workbench/live"), headers=sam)
    assert [(c["id"], c["agent_name"]) for c in live["conversations"]] == [(cid, "Ana Lindqvist")]
    summary = api.call(op(api, "ops_summary", "/api/ops/summary"), headers=sam)
    assert summary["conversations"]["with_human"] == 1 and summary["agents"]["available"] >= 1
    status = api.call(op(api, "status", "/api/surge/status"), headers=sam)
    assert status["level"] == "NONE" and status["state"] is None
    dashboard = api.call(op(api, "dashboard", "/api/quality/dashboard"), headers=sam)
    assert dashboard["overall"]["conversations"] == 1 and dashboard["floor"]["agents_online"] >= 1
    assert api.call(op(api, "resolve", agent + "/conversations/{conversation_id}/resolve"), headers=ana,
                    conversation_id=cid)["state"] == "resolved"


def test_a_field_the_model_does_not_name_fails_here(client: TestClient, seeded: Services,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.services import surge

    view = surge.today_view
    monkeypatch.setattr(surge, "today_view", lambda *a: {**view(*a), "new_field": 1})
    token = client.post("/api/agent/login", json={"email": "sam@agents.example", "password": DEMO_PASSWORD})
    with pytest.raises(ResponseValidationError, match="new_field"):
        client.get("/api/surge/forecast", headers={"Authorization": "Bearer " + token.json()["token"]})
