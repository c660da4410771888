"""Kestrel Pay's certification question banks: one JSON file per topic, in the format of tandem.services.banks.

A bank looks like::

    {"topic": "payments", "questions": [
        {"id": "payments-01", "article": "pay-in-4", "question": "...", "choices": ["a", "b", "c", "d"],
         "answer": 1, "evidence": "a sentence copied from the article that proves the answer"}]}
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from tandem.domain.skills import Topic
from tandem.services.banks import Question, parse_bank

BANK_PACKAGE = "tandem.demo.certification"


@cache
def load_bank(topic: str) -> tuple[Question, ...]:
    """One topic's questions, checked."""
    name = f"{topic}.json"
    _, questions = parse_bank(files(BANK_PACKAGE).joinpath(name).read_text(encoding="utf-8"), name,
                              [t.value for t in Topic])
    return questions
