"""The company's help center, once imported (`tandem kb import`): articles and one version row replicas poll."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tandem.storage.models import Base


class KbArticle(Base):
    """One help-center article as imported; `content_hash` makes a re-import of unchanged files a no-op."""

    __tablename__ = "kb_articles"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    topic: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
    questions: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(1000), default="")  # the file it came from
    updated_at: Mapped[float] = mapped_column(Float)


class KbVersion(Base):
    """A single row (id 1): bumped by every import that changes an article; servers reload when it moves."""

    __tablename__ = "kb_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[float] = mapped_column(Float)
    # the company's examples of questions its help center does not answer (`out_of_scope.txt`), one per item
    out_of_scope: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
