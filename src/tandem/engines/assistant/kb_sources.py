"""Read a company's help center from files: Markdown with YAML front matter, HTML pages, or a JSON export.

Formats, detected from content:

- a folder (searched recursively) of ``.md`` files, each starting with a YAML front-matter block::

      ---
      id: esim-activation        # optional: else the file name without .md
      title: Setting up an eSIM  # required
      tags: [esim, activation]   # optional
      topic: account             # optional: the routing topic of conversations this article answers
      questions:                 # optional: example questions customers ask
        - How do I set up an eSIM?
      ---
      Body in Markdown...

- ``.html`` / ``.htm`` files: the title from ``<title>`` or the first ``<h1>``; the id from
  ``<meta name="article-id" content="...">`` or the file name; headings, paragraphs and list items become Markdown.
- a ``.json`` file (or ``.json`` files in the folder) exported from the Zendesk Guide articles API
  (``{"articles": [{"id", "title", "body" (HTML), "label_names", "draft"}]}``) or the Intercom articles API
  (``{"type": "list", "data": [{"type": "article", "id", "title", "body" (HTML), "state"}]}``). Drafts and
  unpublished articles are left out.

Nothing here touches a database: :func:`read_source` returns the articles and every problem found (path and
reason), so the caller can refuse the whole import or skip the bad files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from tandem.engines.assistant.kb import KnowledgeArticle

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
MAX_BYTES = 2_000_000  # one article file or one JSON export larger than this is refused
_FRONT_KEYS = {"id", "title", "tags", "questions", "topic"}


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    reason: str


@dataclass
class SourceRead:
    articles: list[KnowledgeArticle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)  # article id -> file it came from
    skipped_drafts: int = 0
    out_of_scope: list[str] | None = None  # the folder's out_of_scope.txt, None when it has none


OUT_OF_SCOPE_FILE = "out_of_scope.txt"


def read_out_of_scope(folder: Path) -> tuple[list[str] | None, Problem | None]:
    """A help-center folder's `out_of_scope.txt`: example questions the company does not answer, one a line,
    `#` comments and blank lines skipped. (None, None) when the folder has no such file."""
    path = folder / OUT_OF_SCOPE_FILE
    if not folder.is_dir() or not path.is_file():
        return None, None
    try:
        text = _read_text(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, Problem(str(path), _reason(exc))
    lines = (line.strip() for line in text.splitlines())
    return list(dict.fromkeys(line for line in lines if line and not line.startswith("#"))), None


def _read_text(path: Path) -> str:
    """A source file's text: UTF-8 and at most MAX_BYTES (OSError, UnicodeDecodeError or ValueError otherwise)."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ValueError(f"file is larger than {MAX_BYTES} bytes")
    return raw.decode("utf-8")


def content_hash(article: KnowledgeArticle) -> str:
    """A stable hash of everything that is stored and searched: an unchanged article is not rewritten."""
    payload = json.dumps(
        [article.id, article.title, article.topic, article.body, list(article.questions), list(article.tags)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def read_source(path: Path) -> SourceRead:
    """Read every article under ``path`` (a folder or one file); bad files are listed, never raised."""
    out = SourceRead()
    if not path.exists():
        out.problems.append(Problem(str(path), "no such file or folder"))
        return out
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    readable = [p for p in files if p.suffix.lower() in {".md", ".markdown", ".html", ".htm", ".json"}]
    if not readable:
        out.problems.append(Problem(str(path), "no .md, .html or .json files found"))
        return out
    for file in readable:
        try:
            text = _read_text(file)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            out.problems.append(Problem(str(file), _reason(exc)))
            continue
        suffix = file.suffix.lower()
        try:
            if suffix in {".md", ".markdown"}:
                found = [parse_markdown(text, file.stem)]
            elif suffix in {".html", ".htm"}:
                found = [parse_html(text, file.stem)]
            else:
                found, drafts = parse_json_export(text)
                out.skipped_drafts += drafts
        except ValueError as exc:
            out.problems.append(Problem(str(file), str(exc)))
            continue
        for article in found:
            if article.id in out.origin:
                also = out.origin[article.id]
                out.problems.append(Problem(str(file), f"duplicate id {article.id!r} (also in {also})"))
                continue
            out.origin[article.id] = str(file)
            out.articles.append(article)
    out.out_of_scope, problem = read_out_of_scope(path)
    if problem is not None:
        out.problems.append(problem)
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(exc)


def parse_markdown(text: str, default_id: str) -> KnowledgeArticle:
    """One Markdown article with YAML front matter; ValueError says what is wrong."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("must start with a '---' front-matter line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ValueError("front matter is not closed by '---'")
    try:
        fields = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ValueError(f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(fields, dict):
        raise ValueError("front matter must be key: value lines")
    unknown = sorted(str(k) for k in fields if k not in _FRONT_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_FRONT_KEYS))
        raise ValueError(f"unknown front-matter key(s): {', '.join(unknown)} (allowed: {allowed})")
    body = "\n".join(lines[end + 1 :]).strip()
    return _article(fields.get("id", default_id), fields.get("title"), body, fields.get("tags"),
                    fields.get("questions"), fields.get("topic"))


def _article(raw_id: Any, title: Any, body: str, tags: Any, questions: Any, topic: Any) -> KnowledgeArticle:
    article_id = str(raw_id).strip() if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else ""
    if not ID_PATTERN.fullmatch(article_id):
        raise ValueError(
            f"id {raw_id!r} must be 1-128 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title is missing or empty")
    if not body:
        raise ValueError("the article has no body")
    return KnowledgeArticle(
        id=article_id,
        title=" ".join(title.split()),
        topic=_text_or_empty(topic, "topic"),
        body=body,
        questions=_string_list(questions, "questions"),
        tags=_string_list(tags, "tags"),
    )


def _text_or_empty(value: Any, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value.strip()


def _string_list(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ValueError(f"{key} must be a list of texts")
    return tuple(str(v).strip() for v in value if str(v).strip())


# --- HTML ----------------------------------------------------------------------------------------------------

_BLOCK = {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "blockquote", "pre"}
_SKIP = {"script", "style", "head", "nav", "footer", "noscript", "template"}


class _HtmlText(HTMLParser):
    """HTML to light Markdown: headings as '##', list items as '- ', paragraphs separated by blank lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.meta_id = ""
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._prefix = ""
        self._skip = 0
        self._in_title = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            if (values.get("name") or "").lower() == "article-id" and values.get("content"):
                self.meta_id = str(values["content"])
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self._skip += 1
            return
        if tag in _BLOCK or tag in {"li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}:
            self._flush()
        if tag == "h1":
            self._in_h1 = True
        if tag in {"h2", "h3", "h4", "h5", "h6"}:
            self._prefix = "#" * int(tag[1]) + " "
        elif tag == "li":
            self._prefix = "- "

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "h1":
            self._in_h1 = False
            self._current = []  # the h1 is the title, not part of the body
            return
        if tag in _BLOCK or tag in {"li", "h2", "h3", "h4", "h5", "h6"}:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._in_h1:
            self.h1 += data
        self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(self._prefix + text)
        self._current = []
        self._prefix = ""

    def body(self) -> str:
        self._flush()
        out: list[str] = []
        for block in self.blocks:
            # consecutive list items stay together; everything else is its own paragraph
            if out and block.startswith("- ") and out[-1].startswith("- "):
                out[-1] += "\n" + block
            else:
                out.append(block)
        return "\n\n".join(out)


def html_to_text(html_text: str) -> tuple[str, str, str]:
    """(title, Markdown body, article id from a meta tag or '') of an HTML page or fragment."""
    parser = _HtmlText()
    parser.feed(html_text)
    parser.close()
    title = " ".join((parser.h1 or parser.title).split())
    return title, parser.body(), parser.meta_id


def parse_html(text: str, default_id: str) -> KnowledgeArticle:
    title, body, meta_id = html_to_text(text)
    return _article(meta_id or default_id, title, body, None, None, None)


# --- JSON exports --------------------------------------------------------------------------------------------


def parse_json_export(text: str) -> tuple[list[KnowledgeArticle], int]:
    """Articles of a Zendesk Guide or Intercom export, and how many drafts were left out."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    items, kind = _export_items(data)
    articles: list[KnowledgeArticle] = []
    drafts = 0
    bad: list[str] = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            bad.append(f"item {n}: not an object")
            continue
        unpublished = item.get("draft") if kind == "zendesk" else item.get("state", "published") != "published"
        if unpublished:
            drafts += 1
            continue
        html_body = item.get("body")
        if not isinstance(html_body, str):
            bad.append(f"item {n} (id {item.get('id')!r}): body must be HTML text")
            continue
        _, body, _ = html_to_text(html_body)
        tags = item.get("label_names") if kind == "zendesk" else None
        try:
            articles.append(_article(item.get("id"), item.get("title"), body, tags, None, None))
        except ValueError as exc:
            bad.append(f"item {n} (id {item.get('id')!r}): {exc}")
    if bad:
        more = f"; and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise ValueError(f"{kind} export: " + "; ".join(bad[:20]) + more)
    return articles, drafts


def _export_items(data: Any) -> tuple[list[Any], str]:
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        return data["articles"], "zendesk"
    if isinstance(data, dict) and data.get("type") == "list" and isinstance(data.get("data"), list):
        return data["data"], "intercom"
    if isinstance(data, dict) and data.get("type") == "article":
        return [data], "intercom"
    if isinstance(data, list) and data and all(isinstance(i, dict) and i.get("type") == "article" for i in data):
        return data, "intercom"
    raise ValueError("JSON is neither a Zendesk Guide export ({\"articles\": [...]}) nor an Intercom export "
                     "({\"type\": \"list\", \"data\": [...]})")
