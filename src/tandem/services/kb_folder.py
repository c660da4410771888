"""A help center as a folder of Markdown files with YAML front matter (the format `tandem init` writes).

    ---
    id: delivery-times          # optional: the file name without .md
    title: How long delivery takes
    tags: [delivery, shipping]  # optional
    topic: shipping             # optional: a configured topic; else the general topic
    questions:                  # optional example questions
      - When will my parcel arrive?
    ---
    Body in Markdown...

Every file is checked before anything is used: one bad file fails the whole folder with every problem listed
(file and reason), so a half-read help center never goes into service.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from tandem.core.settings import ConfigError
from tandem.engines.assistant.kb import KnowledgeArticle

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def load_folder(folder: Path, topics: Collection[str], general_topic: str) -> list[KnowledgeArticle]:
    """Every `*.md` under the folder (recursively), sorted by id; ConfigError lists each bad file."""
    if not folder.is_dir():
        raise ConfigError(f"help_center.source: {folder} is not a folder")
    problems: list[str] = []
    articles: dict[str, KnowledgeArticle] = {}
    for path in sorted(folder.rglob("*.md")):
        try:
            article = parse_markdown(path.read_text(encoding="utf-8"), path.stem, topics, general_topic)
        except (ConfigError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        if article.id in articles:
            problems.append(f"{path}: id {article.id!r} is used by another article too")
        articles[article.id] = article
    if problems:
        raise ConfigError("the help center has bad files (nothing was loaded):\n"
                          + "\n".join(f"  {p}" for p in problems))
    return [articles[k] for k in sorted(articles)]


def parse_markdown(text: str, default_id: str, topics: Collection[str], general_topic: str) -> KnowledgeArticle:
    """One article from its text; ConfigError says what is wrong."""
    head, body = _split(text)
    meta = _front_matter(head)
    article_id = str(meta.get("id") or default_id)
    if not _ID.match(article_id):
        raise ConfigError(f"id {article_id!r}: letters, digits, '.', '_' or '-' only, at most 128")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigError("front matter needs a non-empty 'title'")
    topic = str(meta.get("topic") or general_topic)
    if topic not in topics:
        raise ConfigError(f"topic {topic!r} is not one of the configured topics {sorted(topics)}")
    if not body.strip():
        raise ConfigError("the article has no body")
    return KnowledgeArticle(article_id, title.strip(), topic, body.strip(), _strings(meta, "questions"),
                            _strings(meta, "tags"))


def _split(text: str) -> tuple[str, str]:
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ConfigError("must start with a '---' line opening the front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ConfigError("the front matter is not closed by a '---' line")
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1:])


def _front_matter(head: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ConfigError("front matter must be 'key: value' lines")
    return meta


def _strings(meta: dict[str, Any], key: str) -> tuple[str, ...]:
    value = meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())
