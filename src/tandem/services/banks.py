"""Certification question banks: one file per topic (YAML or JSON), every question citing a help-center article.

A bank looks like (YAML; the same keys in JSON)::

    topic: shipping
    questions:
      - id: shipping-01            # optional: <topic>-<n> by position
        question: How long does standard delivery take?
        options: [1-2 days, 3-5 days, 2 weeks]   # "choices" is accepted too
        answer: 1                  # the right option's index, or its exact text
        article: delivery-times    # the help-center article that proves the answer
        evidence: optional sentence from the article

Banks are checked when the server starts (`load_banks`): a malformed file, an unknown topic, a duplicate id
or a question citing an article the help center does not have stops the start with the file and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from tandem.core.settings import ConfigError

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; `answer` is the index of the right choice and never leaves the server."""

    id: str
    topic: str
    article: str
    question: str
    choices: tuple[str, ...]
    answer: int
    evidence: str = ""


@dataclass(frozen=True)
class QuestionBanks:
    """Every topic's questions, and every question by id."""

    by_topic: dict[str, tuple[Question, ...]] = field(default_factory=dict)

    @property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for bank in self.by_topic.values() for q in bank}

    def bank(self, topic: str) -> tuple[Question, ...]:
        """The topic's questions; empty when the company has no bank for it."""
        return self.by_topic.get(topic, ())

    def articles(self) -> set[str]:
        """Every article some question cites."""
        return {q.article for bank in self.by_topic.values() for q in bank}


def load_banks(folder: Path | Traversable, topics: Collection[str],
               articles: Collection[str] | None = None) -> QuestionBanks:
    """Read every <topic>.yaml|.yml|.json in the folder; raise ConfigError listing every problem found."""
    if isinstance(folder, Path) and not folder.is_dir():
        raise ConfigError(f"certification.banks: {folder} is not a folder")
    problems: list[str] = []
    banks: dict[str, tuple[Question, ...]] = {}
    for source in sorted((f for f in folder.iterdir() if f.name.endswith(SUFFIXES)), key=lambda f: f.name):
        try:
            topic, questions = parse_bank(source.read_text(encoding="utf-8"), source.name, topics)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        if topic in banks:
            problems.append(f"{source.name}: a second bank for topic {topic!r}")
        banks[topic] = questions
    problems += _cross_checks(banks, articles)
    if problems:
        raise ConfigError("certification banks are invalid:\n" + "\n".join(f"  {p}" for p in problems))
    return QuestionBanks(banks)


def parse_bank(text: str, name: str, topics: Collection[str]) -> tuple[str, tuple[Question, ...]]:
    """Parse one bank file; ConfigError names the file, the question and what is wrong."""
    try:
        raw = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{name}: not valid {'JSON' if name.endswith('.json') else 'YAML'}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list) or not raw["questions"]:
        raise ConfigError(f"{name}: needs 'topic' and a non-empty list 'questions'")
    topic = str(raw.get("topic") or name.rsplit(".", 1)[0])
    if topic not in topics:
        raise ConfigError(f"{name}: topic {topic!r} is not one of the configured topics {sorted(topics)}")
    return topic, tuple(_question(topic, i, q, name) for i, q in enumerate(raw["questions"], start=1))


def _question(topic: str, n: int, q: Any, name: str) -> Question:
    where = f"{name}: question {n}"
    if not isinstance(q, dict):
        raise ConfigError(f"{where}: must be a mapping with question, options, answer, article")
    choices = q.get("options", q.get("choices"))
    missing = [k for k in ("question", "answer", "article") if q.get(k) in (None, "")]
    if missing or not isinstance(choices, list):
        raise ConfigError(f"{where}: missing {', '.join(missing + ([] if isinstance(choices, list) else ['options']))}")
    options = tuple(str(c) for c in choices)
    if len(options) < 2 or len(set(options)) != len(options):
        raise ConfigError(f"{where}: needs two or more different options")
    return Question(id=str(q.get("id") or f"{topic}-{n:02d}"), topic=topic, article=str(q["article"]),
                    question=str(q["question"]), choices=options, answer=_answer(q["answer"], options, where),
                    evidence=str(q.get("evidence") or ""))


def _answer(answer: Any, options: tuple[str, ...], where: str) -> int:
    if isinstance(answer, bool):
        raise ConfigError(f"{where}: answer must be an option's index or its text")
    if isinstance(answer, int):
        if not 0 <= answer < len(options):
            raise ConfigError(f"{where}: answer index {answer} is out of range 0..{len(options) - 1}")
        return answer
    if str(answer) in options:
        return options.index(str(answer))
    raise ConfigError(f"{where}: answer {answer!r} is not one of the options")


def _cross_checks(banks: dict[str, tuple[Question, ...]], articles: Collection[str] | None) -> Iterable[str]:
    seen: dict[str, str] = {}
    for topic, bank in banks.items():
        for q in bank:
            if q.id in seen:
                yield f"question id {q.id!r} is used twice ({seen[q.id]} and {topic})"
            seen[q.id] = topic
            if articles is not None and q.article not in articles:
                yield f"{topic}: question {q.id!r} cites article {q.article!r}, which is not in the help center"
