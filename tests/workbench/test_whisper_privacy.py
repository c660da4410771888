"""A supervisor's whisper reaches the agent and never the customer: not over REST, not over the WebSocket."""

from __future__ import annotations

import json

from tandem.storage.models_workbench import ReplySuggestion, Whisper

from .conftest import Desk

SECRET = "Whisper: offer the 7-day pause, she qualifies"


def test_a_whisper_reaches_the_agent_but_never_the_customer(desk: Desk) -> None:
    ana, sam = desk.login("ana"), desk.login("sam", presence=None)
    cid, token = desk.chat("Can I pause my payment?")
    desk.claim(cid, ana)
    frames: list[dict] = []
    with desk.client.websocket_connect(f"/ws/conversations/{cid}") as customer, \
            desk.client.websocket_connect("/ws/agent") as agent_ws:
        customer.send_json({"type": "auth", "token": token["X-Conversation-Token"]})
        agent_ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
        assert agent_ws.receive_json()["type"] == "hello"
        while (frame := customer.receive_json())["type"] != "status":
            frames.append(frame)
        assert desk.wb("POST", f"/conversations/{cid}/whispers", ana, json={"body": SECRET}).status_code == 403
        r = desk.wb("POST", f"/conversations/{cid}/whispers", sam, json={"body": SECRET})
        assert r.status_code == 201, r.text
        while (event := agent_ws.receive_json())["type"] != "whisper":
            pass
        assert event["whisper"]["body"] == SECRET and event["conversation_id"] == cid
        # a later customer message proves the socket was live: everything before it has been delivered
        customer.send_json({"type": "message", "body": "hello again", "client_id": "after-whisper"})
        while True:
            frame = customer.receive_json()
            frames.append(frame)
            if frame["type"] == "message" and frame["message"]["client_id"] == "after-whisper":
                break
    assert all("Whisper" not in json.dumps(f) for f in frames)
    stored = desk.client.get(f"/api/conversations/{cid}/messages", headers=token).json()
    assert "Whisper" not in json.dumps(stored)
    assert "Whisper" not in json.dumps(desk.client.get(f"/api/conversations/{cid}", headers=token).json())
    assert [w["body"] for w in desk.wb("GET", f"/conversations/{cid}/whispers", ana).json()["whispers"]] == [SECRET]


def test_the_customer_typing_frame_reaches_only_the_assigned_agent(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, token = desk.chat("hi")
    desk.claim(cid, ana)
    with desk.client.websocket_connect(f"/ws/conversations/{cid}") as customer, \
            desk.client.websocket_connect("/ws/agent") as agent_ws:
        agent_ws.send_json({"type": "auth", "token": ana["Authorization"][7:]})
        assert agent_ws.receive_json()["type"] == "hello"
        customer.send_json({"type": "auth", "token": token["X-Conversation-Token"]})
        while customer.receive_json()["type"] != "status":
            pass
        customer.send_json({"type": "typing"})
        while (event := agent_ws.receive_json())["type"] != "typing":
            pass
        assert event == {"type": "typing", "conversation_id": cid}
    bodies = desk.client.get(f"/api/conversations/{cid}/messages", headers=token).json()["messages"]
    assert all(m["author"] != "customer" or m["body"] == "hi" for m in bodies)  # typing is never stored


def test_erasure_also_scrubs_whispers_and_reply_drafts(desk: Desk) -> None:
    ana, sam = desk.login("ana"), desk.login("sam", presence=None)
    cid, _ = desk.chat("Can I pause my payment?")
    desk.claim(cid, ana)
    assert desk.wb("POST", f"/conversations/{cid}/whispers", sam, json={"body": SECRET}).status_code == 201
    assert desk.wb("POST", f"/conversations/{cid}/suggestions", ana).status_code == 200
    assert desk.client.delete("/api/privacy/customers/cus_demo_maya", headers=sam).status_code == 200
    with desk.services.work() as work:
        whispers = [w.body for w in work.session.query(Whisper).filter(Whisper.conversation_id == cid)]
        drafts = [d.body for d in work.session.query(ReplySuggestion).filter(ReplySuggestion.conversation_id == cid)]
    assert whispers and all(b.startswith("[erased") for b in whispers)
    assert drafts and all(b.startswith("[erased") for b in drafts)
