from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tandem.services.context import Services
from tandem.storage.models import Conversation

from .conftest import start_chat


@pytest.mark.parametrize(
    ("messages", "reason", "topic"),
    [
        (["I lost my job and I can't pay my installments"], "sensitive_topic", "hardship"),
        (["Someone used my card for a purchase I never made, I think it's fraud"], "sensitive_topic", "fraud"),
        (["My husband passed away last month, what happens to his account?"], "vulnerability", None),
        (["How long does a refund take?", "THAT DIDN'T HELP AT ALL!!! This is useless!!!"], "frustration", None),
        (["Write me a poem about the sea", "Which football team will win the league?"], "low_confidence", None),
    ],
)
def test_the_assistant_hands_over_by_itself(client: TestClient, services: Services, messages: list[str],
                                            reason: str, topic: str | None) -> None:
    cid, h = start_chat(client)
    for text in messages:
        client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    state = client.get(f"/api/conversations/{cid}", headers=h).json()
    assert state["state"] == "waiting_human"
    with services.work() as work:
        conv = work.session.get(Conversation, cid)
        assert conv is not None and conv.escalation_reason == reason
        if topic:
            assert conv.topic == topic


def test_ordinary_questions_do_not_escalate(client: TestClient) -> None:
    cid, h = start_chat(client)
    for text in ("How long does a refund take?", "Can I pause a payment?", "thanks!"):
        client.post(f"/api/conversations/{cid}/messages", json={"body": text}, headers=h)
    assert client.get(f"/api/conversations/{cid}", headers=h).json()["state"] == "ai"
