"""Certification question banks: one JSON file per topic, every question citing the help-center article it tests.

A bank looks like::

    {"topic": "payments", "questions": [
        {"id": "payments-01", "article": "pay-in-4", "question": "...", "choices": ["a", "b", "c", "d"],
         "answer": 1, "evidence": "a sentence copied from the article that proves the answer"}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tandem.core.errors import InvalidInput
from tandem.domain.skills import Topic

BANK_PACKAGE = "tandem.demo.certification"


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; `answer` is the index of the right choice and never leaves the server."""

    id: str
    topic: Topic
    article: str
    question: str
    choices: tuple[str, ...]
    answer: int
    evidence: str


@cache
def load_bank(topic: Topic) -> tuple[Question, ...]:
    """Load and check one topic's questions."""
    raw = json.loads(files(BANK_PACKAGE).joinpath(f"{topic.value}.json").read_text(encoding="utf-8"))
    if raw.get("topic") != topic.value:
        raise InvalidInput(f"{topic.value}.json declares topic {raw.get('topic')!r}")
    questions = tuple(_question(topic, q) for q in raw["questions"])
    if len({q.id for q in questions}) != len(questions):
        raise InvalidInput(f"{topic.value}.json has duplicate question ids")
    return questions


def questions_by_id() -> dict[str, Question]:
    """Every question of every topic, by id."""
    return {q.id: q for topic in Topic for q in load_bank(topic)}


def _question(topic: Topic, q: dict[str, object]) -> Question:
    choices = q["choices"]
    answer = q["answer"]
    if not isinstance(choices, list) or len(choices) < 2 or not isinstance(answer, int):
        raise InvalidInput(f"question {q.get('id')!r}: needs two or more choices and an integer answer")
    if not 0 <= answer < len(choices):
        raise InvalidInput(f"question {q.get('id')!r}: answer index out of range")
    return Question(id=str(q["id"]), topic=topic, article=str(q["article"]), question=str(q["question"]),
                    choices=tuple(str(c) for c in choices), answer=answer, evidence=str(q["evidence"]))
