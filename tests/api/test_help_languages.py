"""Through the API: a German customer's question answered from the English help center says so in German, with the
article's title and link; an unanswerable one is declined in German with the offer of a person."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import start_chat


def _last(client: TestClient, cid: str, h: dict[str, str]) -> dict:
    r = client.get(f"/api/conversations/{cid}/messages", headers=h)
    assert r.status_code == 200, r.text
    return r.json()["messages"][-1]


def test_german_question_gets_english_article_with_german_note(client: TestClient) -> None:
    cid, h = start_chat(client, language="de")
    r = client.post(f"/api/conversations/{cid}/messages", headers=h,
                    json={"body": "Wie lange dauert es, bis ich meine Rückerstattung bekomme?"})
    assert r.status_code == 201, r.text
    reply = _last(client, cid, h)
    cite = reply["meta"]["citations"][0]
    assert "refund" in cite["article_id"]
    assert reply["body"].startswith(
        f"Diese Antwort stammt aus einem Artikel auf Englisch: „{cite['title']}“ (/help/{cite['article_id']}).")
    assert client.get(f"/help/{cite['article_id']}").status_code == 200


def test_german_question_without_an_article_is_declined_in_german(client: TestClient) -> None:
    cid, h = start_chat(client, language="de")
    client.post(f"/api/conversations/{cid}/messages", headers=h,
                json={"body": "Wer hat die Fußball-WM 2014 gewonnen?"})
    reply = _last(client, cid, h)
    assert reply["meta"]["no_answer"] is True and not reply["meta"]["citations"]
    assert reply["body"].startswith("Leider habe ich dazu keine gute Antwort") and "Person" in reply["body"]
