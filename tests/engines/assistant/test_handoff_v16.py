"""v16 rule changes outside Thai: "no need to talk to anyone" declines in Norwegian, Swedish and Danish; a Greek
"I don't want a robot" asks for a person; Hindi "... hai ya nahi" (is there ... or not?) asks rather than declines."""

from __future__ import annotations

import pytest

from tandem.engines.assistant.handoff import read_request


@pytest.mark.parametrize(("text", "language"), [
    ("det er ikke noe behov for å snakke med noen, takk", "no"),
    ("det er inget behov att prata med en handläggare", "sv"),
    ("der er intet behov for at tale med en medarbejder", "da"),
    ("insaan se baat nahi karni", "hi"),
])
def test_no_need_for_a_person_declines(text: str, language: str) -> None:
    request, declined = read_request(text)
    assert request is None, request
    assert declined is not None and declined.language == language


@pytest.mark.parametrize(("text", "language"), [
    ("kan jeg snakke med en saksbehandler?", "no"),
    ("jag vill prata med en handläggare", "sv"),
    ("jeg vil gerne tale med en medarbejder", "da"),
    ("δεν θέλω ρομπότ, θέλω υπάλληλο", "el"),
    ("den thelo bot", "el"),
    ("den thelo to robot re", "el"),
    ("koi banda hai ya nahi", "hi"),
    ("koi agent hai ki nahi", "hi"),
])
def test_requests(text: str, language: str) -> None:
    request, declined = read_request(text)
    assert declined is None, declined
    assert request is not None and request.language == language
