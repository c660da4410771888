"""Help-center answers across languages: an English article answers a German or Swedish question with a note in
the customer's language naming the article's language, title and link; no fit is said in their language."""

from __future__ import annotations

import pytest

from tandem.engines.assistant.base import Turn, TurnContext
from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.nlu.multilingual import shared_multilingual
from tandem.engines.assistant.offline import OfflineAssistant
from tandem.engines.assistant.retrieval import HybridRetriever

ARTICLES = [
    KnowledgeArticle("puk-code", "SIM locked: your PUK code", "", "After three wrong PIN attempts the SIM locks and "
                     "asks for the 8-digit PUK code.\n\n## Find your PUK\n\nOpen the app under My line > SIM."),
    KnowledgeArticle("roaming", "Using your phone in Europe", "", "Calls, texts and data work in the Europe Zone at "
                     "no extra cost. Switch on data roaming in your phone's settings."),
    KnowledgeArticle("returns", "Returning a phone", "", "You can return a phone within 14 days of delivery for a "
                     "full refund."),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> OfflineAssistant:
    kb = KnowledgeBase(ARTICLES)
    assert kb.language == "en"
    retriever = HybridRetriever(kb, shared_multilingual(), cache_dir=tmp_path_factory.mktemp("v"))
    return OfflineAssistant(kb, retriever)


def test_german_question_gets_the_english_article_with_a_german_note(assistant: OfflineAssistant) -> None:
    turn = assistant.respond(TurnContext("c1", "Mein Handy fragt nach dem PUK-Code, wo finde ich ihn?", "de"))
    assert turn.citations and turn.citations[0].article_id == "puk-code"
    first = turn.text.split("\n\n")[0]
    assert first == ("Diese Antwort stammt aus einem Artikel auf Englisch: „SIM locked: your PUK code“ "
                     "(/help/puk-code).")
    assert "8-digit PUK code" in turn.text  # the article's own words follow
    assert turn.topic is None  # an article without a topic does not set the conversation's


def test_swedish_note_is_in_swedish(assistant: OfflineAssistant) -> None:
    turn = assistant.respond(TurnContext("c1", "Kan jag lämna tillbaka telefonen inom två veckor?", "sv"))
    assert turn.citations[0].article_id == "returns"
    assert turn.text.startswith("Svaret kommer från en artikel på engelska: ”Returning a phone” (/help/returns).")


def test_english_question_has_no_note(assistant: OfflineAssistant) -> None:
    turn = assistant.respond(TurnContext("c1", "does my data work in spain", "en"))
    assert turn.citations[0].article_id == "roaming"
    assert turn.text.startswith("Calls, texts and data")


def test_no_fit_is_said_in_their_language_and_offers_a_person(assistant: OfflineAssistant) -> None:
    turn = assistant.respond(TurnContext("c1", "Wie wird das Wetter morgen in Berlin?", "de"))
    assert turn.no_answer and not turn.citations
    assert turn.text.startswith("Leider habe ich dazu keine gute Antwort")
    assert "Person" in turn.text
    again = assistant.respond(TurnContext("c1", "Und übermorgen das Wetter?", "de",
                                          (Turn("ai", turn.text, no_answer=True),)))
    assert again.escalation == "low_confidence"
