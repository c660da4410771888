"""The chat page's labels per language, served from the gettext catalogs."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_labels_for_a_language_and_english_for_an_unknown_one(client: TestClient) -> None:
    sv = client.get("/api/i18n/sv-SE").json()
    assert sv["language"] == "sv" and sv["messages"]["Talk to a human"] == "Prata med en människa"
    assert client.get("/api/i18n/no").json()["language"] == "nb"
    unknown = client.get("/api/i18n/tlh")
    assert unknown.status_code == 200 and unknown.json()["language"] == "en"
    assert unknown.json()["messages"]["Talk to a human"] == "Talk to a human"
    assert unknown.headers["access-control-allow-origin"] == "*"  # the widget reads it from the company's pages
    assert set(sv["messages"]) == set(unknown.json()["messages"])
