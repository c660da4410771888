"""Every route publishes a typed success body in /openapi.json, and a client generated from the schema works.

UNTYPED_YET lists the routes still answering an untyped object; it may only shrink: the test fails when a route
not on it has no typed body, and when a route on it gained one (take it off the list)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
from fastapi.testclient import TestClient

from tandem.demo.agents import DEMO_PASSWORD
from tandem.services.context import Services

UNTYPED_YET = {
    "GET /api/agent/conversations/{conversation_id}",
    "GET /api/privacy/customers/{customer_ref}/export",
    "DELETE /api/privacy/customers/{customer_ref}",
    "DELETE /api/privacy/conversations/{conversation_id}",
    "GET /api/workforce/payouts.csv",
    "GET /api/review/offers",
    "POST /api/review/offers/{offer_id}/accept",
    "GET /api/review/current",
    "POST /api/review/next",
    "GET /api/review/tasks/{task_id}",
    "GET /readyz",
}


def typed(schema: dict[str, Any] | None) -> bool:
    """A success body is typed when it names a model (or a list of them), not a bare free-form object."""
    if not schema:
        return False
    if "$ref" in schema:
        return True
    if "anyOf" in schema or "oneOf" in schema:  # one of several models (e.g. a roster, or why there is none)
        return all(typed(s) for s in schema.get("anyOf", schema.get("oneOf")))
    if schema.get("type") == "array":
        return typed(schema.get("items"))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def untyped_routes(openapi: dict[str, Any]) -> set[str]:
    missing = set()
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            ok = False
            for code, response in operation.get("responses", {}).items():
                content = response.get("content") or {}
                if code == "204" or "text/csv" in content or "text/plain" in content:
                    ok = True
                elif code.startswith("2") and typed(content.get("application/json", {}).get("schema")):
                    ok = True
            if not ok:
                missing.add(f"{method.upper()} {path}")
    return missing


def test_every_route_declares_a_typed_success_body(client: TestClient) -> None:
    missing = untyped_routes(client.get("/openapi.json").json())
    assert sorted(missing - UNTYPED_YET) == [], "give these routes a response_model"
    assert sorted(UNTYPED_YET - missing) == [], "these are typed now: take them off UNTYPED_YET"


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
