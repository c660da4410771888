"""Handoff card, suggested replies (used / edited / ignored), and translation with and without a provider."""

from __future__ import annotations

from sqlalchemy import select

from tandem.core.clock import FakeClock
from tandem.services import handoff_summary
from tandem.storage.models import Conversation
from tandem.storage.models_workbench import ReplySuggestion

from .conftest import Desk


def test_the_handoff_card_summarises_what_happened(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("Hi.", "My refund for the returned pillowcases has not arrived and it has been weeks!",
                       "This is really annoying, I am very unhappy.", reason="frustration")
    desk.claim(cid, ana)
    card = desk.wb("GET", f"/conversations/{cid}/card", ana).json()
    assert card["escalation_reason"] == "frustration" and card["language"] == "en"
    assert card["asked"][0].startswith("My refund for the returned pillowcases")
    assert [p["seq"] for p in card["sentiment"]["points"]] and card["sentiment"]["direction"] == "worsening"
    assert "frustrated" in card["summary"]
    assert card["customer"]["email"] == "m***@example.com" and card["tier"] == "senior"
    with desk.services.work() as work:
        assert work.session.get(Conversation, cid).summary == card["summary"]  # type: ignore[union-attr]


def test_summary_quotes_the_customer_and_lists_what_the_assistant_tried() -> None:
    msgs = [
        {"seq": 1, "author": "customer", "body": "Hello. How do I change my due date? It falls before payday."},
        {"seq": 2, "author": "ai", "body": "…", "meta": {"citations": [{"article_id": "change-due-date",
                                                                         "title": "Changing a due date"}],
                                                          "actions": [{"action": "change_due_date"}]}},
        {"seq": 3, "author": "customer", "body": "That did not help at all, this is terrible."},
    ]
    card = handoff_summary.build(msgs, intent="kb:change-due-date", topic="payments", language="en",
                                 escalation_reason="customer_request")
    assert card["asked"][0] == "How do I change my due date?"  # "Hello." carries no content words
    assert card["tried"]["articles"] == [{"article_id": "change-due-date", "title": "Changing a due date"}]
    assert card["tried"]["actions"] == [{"action": "change_due_date"}]
    assert card["sentiment"]["direction"] == "worsening"
    assert "Changing a due date" in card["summary"] and "asked for a person" in card["summary"]
    assert handoff_summary.build([], intent=None, topic=None, language="en", escalation_reason=None)[
        "sentiment"]["direction"] == "unknown"


def test_suggestions_cite_articles_and_their_use_is_recorded(desk: Desk) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("I can't pay this week, can I pause my payment?")
    desk.claim(cid, ana)
    drafts = desk.wb("POST", f"/conversations/{cid}/suggestions", ana).json()["suggestions"]
    assert 2 <= len(drafts) <= 3
    assert drafts[0]["citation"]["article_id"] == "pause-a-payment"
    assert all(d["body"].startswith("Hi Maya,") and d["citation"]["title"] in d["body"] for d in drafts)
    sent = desk.client.post(f"/api/agent/conversations/{cid}/messages", headers=ana,
                            json={"body": drafts[0]["body"] + " Anything else?", "suggestion_id": drafts[0]["id"]})
    assert sent.status_code == 201

    again = desk.wb("POST", f"/conversations/{cid}/suggestions", ana).json()["suggestions"]
    desk.client.post(f"/api/agent/conversations/{cid}/messages", headers=ana,
                     json={"body": "  " + again[1]["body"], "suggestion_id": again[1]["id"]})
    # a suggestion id of another conversation or a used one changes nothing
    desk.client.post(f"/api/agent/conversations/{cid}/messages", headers=ana,
                     json={"body": "ok", "suggestion_id": drafts[0]["id"]})
    with desk.services.work() as work:
        outcomes = {r.id: r.outcome for r in work.session.scalars(select(ReplySuggestion))}
    assert outcomes[drafts[0]["id"]] == "edited" and outcomes[again[1]["id"]] == "used"
    assert [outcomes[d["id"]] for d in drafts[1:]] == ["ignored"] * (len(drafts) - 1)
    assert outcomes[again[0]["id"]] == "ignored"
    sam = desk.login("sam", presence=None)
    stats = desk.wb("GET", "/suggestions/stats", sam).json()["outcomes"]
    assert stats["used"] == 1 and stats["edited"] == 1


class Upper:
    """A fake translation provider: marks the target language and upper-cases."""

    def translate(self, text: str, source: str, target: str) -> str:
        return f"[{source}->{target}] {text.upper()}"


def test_translation_says_so_without_a_provider_and_shows_both_texts_with_one(desk: Desk, clock: FakeClock) -> None:
    ana = desk.login("ana")
    cid, _ = desk.chat("Hola, necesito ayuda con mi pago", language="es")
    clock.advance(121)  # ana speaks no Spanish: she may take it once the wait allows an English fallback
    desk.claim(cid, ana)
    status = desk.wb("GET", f"/conversations/{cid}/card", ana).json()["translation"]
    assert status["needed"] and not status["available"] and "only routes by language" in status["note"]
    body = {"text": "Hola 4111 1111 1111 1111", "direction": "in"}
    assert desk.wb("POST", f"/conversations/{cid}/translate", ana, json=body).status_code == 409

    desk.services.extras["translator"] = Upper()
    try:
        assert desk.wb("GET", f"/conversations/{cid}/card", ana).json()["translation"]["available"]
        r = desk.wb("POST", f"/conversations/{cid}/translate", ana, json=body).json()
        assert r["source"] == "es" and r["target"] == "en"
        assert r["text"] == "Hola [card •••• 1111]" and r["translation"].startswith("[es->en] HOLA [CARD")
        out = desk.wb("POST", f"/conversations/{cid}/translate", ana, json={"text": "Hi", "direction": "out"}).json()
        assert (out["source"], out["target"]) == ("en", "es")
    finally:
        del desk.services.extras["translator"]


class FakeModel:
    """An LLMProvider double: echoes a translation, or fails like an unreachable model."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[list[dict]] = []

    def complete(self, messages, tools):  # type: ignore[no-untyped-def]
        from tandem.engines.assistant.llm import Completion, LLMError

        self.seen.append(list(messages))
        if self.fail:
            raise LLMError("unreachable")
        return Completion(text="Hello, I need help with my payment")


def test_translation_goes_through_the_configured_llm_provider(desk: Desk, clock: FakeClock) -> None:
    from tandem.services.workbench import LLMTranslator

    ana = desk.login("ana")
    cid, _ = desk.chat("Hola, necesito ayuda con mi pago", language="es")
    clock.advance(121)  # the English fallback for a Spanish chat (routing relaxation)
    desk.claim(cid, ana)
    model = FakeModel()
    desk.services.extras["translator"] = LLMTranslator(model)
    try:
        r = desk.wb("POST", f"/conversations/{cid}/translate", ana, json={"text": "Hola, necesito ayuda"})
        assert r.json()["translation"] == "Hello, I need help with my payment"
        system, user = model.seen[0]
        assert "'es' to 'en'" in system["content"] and user["content"] == "Hola, necesito ayuda"
        desk.services.extras["translator"] = LLMTranslator(FakeModel(fail=True))
        failed = desk.wb("POST", f"/conversations/{cid}/translate", ana, json={"text": "Hola"})
        assert failed.status_code == 503
    finally:
        del desk.services.extras["translator"]
