"""The company's help center in the database: import from files, read back, and reload in running servers.

`import_help_center` reads a folder or export (`engines.assistant.kb_sources`) and applies it in one transaction:
new articles are added, changed ones (by content hash) updated, unchanged ones left alone, and with `prune` the
ones no longer in the source removed. If any file is bad, nothing is applied unless `skip_invalid`. Every import
that changes something bumps the `kb_version` row; each server (every replica) polls that row every
`kb_refresh_s` seconds (`refresh_loop`) and swaps in the new help center once its retriever is built, so the
previous one answers until then.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from tandem.engines.assistant.kb import KnowledgeArticle, KnowledgeBase
from tandem.engines.assistant.kb_sources import Problem, SourceRead, content_hash, read_source
from tandem.storage.db import Database
from tandem.storage.models_kb import KbArticle, KbVersion

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    applied: bool
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_drafts: int = 0
    version: int | None = None
    # out_of_scope.txt: "replaced" (its questions are now the stored list), "removed" (--prune, no file), or None
    out_of_scope: str | None = None
    out_of_scope_questions: int = 0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["problems"] = [{"path": p.path, "reason": p.reason} for p in self.problems]
        return out


def help_center_source(path: Path) -> SourceRead:
    """Read and validate a help-center source (folder of Markdown/HTML, or a Zendesk/Intercom JSON export)
    without touching the database: its articles and every problem found, with file and reason. For `tandem
    config check` and `tandem init`; `import_help_center` applies it."""
    return read_source(path)


def import_help_center(db: Database, path: Path, *, prune: bool = False, skip_invalid: bool = False,
                       now: Callable[[], float] = time.time) -> ImportReport:
    """Apply a help-center source to the database in one transaction (see the module docstring)."""
    source = read_source(path)
    report = ImportReport(applied=False, problems=list(source.problems), skipped_drafts=source.skipped_drafts)
    if source.problems and not skip_invalid:
        return report
    if not source.articles:
        report.problems.append(Problem(str(path), "no valid articles to import; the help center is left as it was"))
        return report
    stamp = now()
    with db.transaction() as session:
        existing = {row.id: row for row in session.scalars(select(KbArticle))}
        for article in source.articles:
            digest = content_hash(article)
            row = existing.get(article.id)
            if row is None:
                session.add(KbArticle(id=article.id, title=article.title, topic=article.topic, body=article.body,
                                      questions=list(article.questions), tags=list(article.tags),
                                      content_hash=digest, source=source.origin[article.id], updated_at=stamp))
                report.added.append(article.id)
            elif row.content_hash != digest:
                row.title, row.topic, row.body = article.title, article.topic, article.body
                row.questions, row.tags = list(article.questions), list(article.tags)
                row.content_hash, row.source, row.updated_at = digest, source.origin[article.id], stamp
                report.updated.append(article.id)
            else:
                report.unchanged.append(article.id)
        if prune:
            report.removed = sorted(set(existing) - set(source.origin))
            if report.removed:
                session.execute(delete(KbArticle).where(KbArticle.id.in_(report.removed)))
        version = session.get(KbVersion, 1)
        stored = list(version.out_of_scope) if version is not None else []
        wanted = source.out_of_scope if source.out_of_scope is not None else ([] if prune else stored)
        if wanted != stored:
            report.out_of_scope = "replaced" if source.out_of_scope is not None else "removed"
        report.out_of_scope_questions = len(wanted)
        changed = bool(report.added or report.updated or report.removed or report.out_of_scope)
        if version is None:
            version = KbVersion(id=1, version=1, updated_at=stamp, out_of_scope=wanted)
            session.add(version)
        elif changed:
            version.out_of_scope = wanted
            session.flush()
            session.execute(update(KbVersion).where(KbVersion.id == 1)
                            .values(version=KbVersion.version + 1, updated_at=stamp))
            session.flush()
            session.refresh(version)
        report.version = version.version
    report.applied = True
    return report


def stored_version(db: Database) -> int | None:
    """The help center's version in the database; None when nothing was ever imported."""
    with db.transaction() as session:
        row = session.get(KbVersion, 1)
        return row.version if row is not None else None


def stored_out_of_scope(db: Database) -> list[str]:
    """The imported out-of-scope example questions (`out_of_scope.txt`), in file order."""
    with db.transaction() as session:
        row = session.get(KbVersion, 1)
        return list(row.out_of_scope) if row is not None else []


def stored_help_center(db: Database) -> KnowledgeBase:
    """The imported help center: its articles and its out-of-scope examples, read in one transaction (so never an
    import's new list beside the previous import's articles)."""
    with db.transaction() as session:
        rows = session.scalars(select(KbArticle).order_by(KbArticle.id)).all()
        version = session.get(KbVersion, 1)
        return KnowledgeBase([_article(row) for row in rows],
                             out_of_scope=list(version.out_of_scope) if version is not None else [])


def stored_articles(db: Database) -> list[KnowledgeArticle]:
    """Every imported article, sorted by id."""
    with db.transaction() as session:
        rows = session.scalars(select(KbArticle).order_by(KbArticle.id)).all()
        return [_article(row) for row in rows]


def stored_article(db: Database, article_id: str) -> tuple[KnowledgeArticle, dict[str, Any]] | None:
    """One imported article and its bookkeeping (hash, source file, updated_at)."""
    with db.transaction() as session:
        row = session.get(KbArticle, article_id)
        if row is None:
            return None
        return _article(row), {"content_hash": row.content_hash, "source": row.source, "updated_at": row.updated_at}


def _article(row: KbArticle) -> KnowledgeArticle:
    return KnowledgeArticle(row.id, row.title, row.topic, row.body, tuple(row.questions), tuple(row.tags))


class LiveHelpCenter:
    """The help center a running server answers from, swapped in place when the database's version moves."""

    def __init__(self, db: Database, kb: KnowledgeBase, version: int | None,
                 install: Callable[[KnowledgeBase], None]) -> None:
        self.db = db
        self.kb = kb
        self.version = version
        self._install = install

    def refresh(self) -> bool:
        """Load the stored help center if its version changed; True when a new one was installed."""
        version = stored_version(self.db)
        if version is None or version == self.version:
            return False
        kb = stored_help_center(self.db)
        if not kb.articles:
            return False
        articles = kb.articles
        self._install(kb)  # builds the retriever (embeds only changed articles), then swaps
        self.kb, self.version = kb, version
        log.info("help center reloaded: version %s, %d articles", version, len(articles))
        return True


async def refresh_loop(live: LiveHelpCenter, interval_s: float) -> None:
    """Poll the version row until cancelled; a failed check is logged and retried at the next interval."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            await asyncio.to_thread(live.refresh)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("help-center reload check failed; the current help center stays in service", exc_info=True)
