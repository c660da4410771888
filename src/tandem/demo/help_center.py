"""The Kestrel Pay help center: Markdown articles with a small front-matter block, loaded from package data.

An article file looks like::

    ---
    id: pay-in-4
    title: How Pay in 4 works
    topic: payments
    tags: [pay-in-4, installments]
    questions:
      - How does pay in 4 work?
    ---
    Body in Markdown...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from tandem.core.errors import InvalidInput
from tandem.domain.skills import Topic

KB_PACKAGE = "tandem.demo.kb"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REQUIRED = ("id", "title", "topic", "tags", "questions")


@dataclass(frozen=True)
class Article:
    """One help-center article."""

    id: str
    title: str
    topic: Topic
    tags: tuple[str, ...]
    questions: tuple[str, ...]
    body: str


def load_articles() -> list[Article]:
    """Load and validate every article shipped in tandem.demo.kb, sorted by id."""
    sources = sorted((f for f in files(KB_PACKAGE).iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return validate([_load_one(f) for f in sources])


def validate(articles: list[Article]) -> list[Article]:
    """Return the articles sorted by id, or raise InvalidInput on a duplicate id."""
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise InvalidInput(f"duplicate article id {article.id!r}", article=article.id)
        seen.add(article.id)
    return sorted(articles, key=lambda a: a.id)


def _load_one(source: Traversable) -> Article:
    article = parse_article(source.read_text(encoding="utf-8"), source.name)
    if f"{article.id}.md" != source.name:
        raise InvalidInput(f"{source.name}: id {article.id!r} does not match the file name", file=source.name)
    return article


def parse_article(text: str, name: str = "<article>") -> Article:
    """Parse one article's front matter and body, or raise InvalidInput saying what is wrong."""
    head, body = _split(text, name)
    fields = _front_matter(head, name)
    missing = [key for key in _REQUIRED if key not in fields]
    if missing:
        raise InvalidInput(f"{name}: missing {', '.join(missing)}", file=name)
    return _build(fields, body.strip(), name)


def _split(text: str, name: str) -> tuple[str, str]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        raise InvalidInput(f"{name}: must start with a '---' front-matter line", file=name)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise InvalidInput(f"{name}: front matter is not closed by '---'", file=name) from None
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])


def _front_matter(head: str, name: str) -> dict[str, str | list[str]]:
    """Read 'key: value' lines, '[a, b]' inline lists and '  - item' block lists."""
    fields: dict[str, str | list[str]] = {}
    current: list[str] | None = None
    for raw in head.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.lstrip().startswith("- ") and current is not None:
            current.append(_unquote(line.lstrip()[2:]))
            continue
        key, sep, value = line.partition(":")
        if not sep or raw[:1].isspace():
            raise InvalidInput(f"{name}: cannot read front-matter line {line!r}", file=name)
        current = None if value.strip() else []
        fields[key.strip()] = _value(value.strip()) if current is None else current
    return fields


def _value(text: str) -> str | list[str]:
    if text.startswith("[") and text.endswith("]"):
        return [_unquote(part) for part in text[1:-1].split(",") if part.strip()]
    return _unquote(text)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _build(fields: dict[str, str | list[str]], body: str, name: str) -> Article:
    article_id, title, topic = (_text(fields, key, name) for key in ("id", "title", "topic"))
    if not _SLUG.fullmatch(article_id):
        raise InvalidInput(f"{name}: id {article_id!r} is not a lowercase slug", file=name)
    if topic not in {t.value for t in Topic}:
        raise InvalidInput(f"{name}: unknown topic {topic!r}", file=name)
    tags, questions = _list(fields, "tags", name), _list(fields, "questions", name)
    if not questions or not body:
        raise InvalidInput(f"{name}: needs at least one question and a body", file=name)
    return Article(article_id, title, Topic(topic), tuple(tags), tuple(questions), body)


def _text(fields: dict[str, str | list[str]], key: str, name: str) -> str:
    value = fields[key]
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{name}: {key} must be a non-empty text", file=name)
    return value


def _list(fields: dict[str, str | list[str]], key: str, name: str) -> list[str]:
    value = fields[key]
    if not isinstance(value, list):
        raise InvalidInput(f"{name}: {key} must be a list", file=name)
    return value
