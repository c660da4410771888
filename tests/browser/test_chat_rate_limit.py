"""The chat widget loses nothing to the per-conversation message limit: refused messages are sent again when
the server says, and all of them end up stored in order (issue 14, finding 6)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tandem.storage.db import Database
from tandem.storage.models import Message

from .conftest import run_demo


@pytest.fixture(scope="module")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("tight")
    with run_demo(folder, TANDEM_CONVERSATION_MESSAGE_LIMIT="2/2seconds") as base:
        yield base, folder


def test_messages_over_the_limit_are_resent_and_stored(tight_server: tuple[str, Path], browser: Any) -> None:
    base, folder = tight_server
    page = browser.new_context().new_page()
    page.goto(base + "/chat")
    bodies = [f"quick question number {i}" for i in range(5)]
    for body in bodies:
        page.fill("#text", body)
        page.press("#text", "Enter")
    # (wait_for_function evaluates a string, which the page's CSP forbids: poll the DOM instead)
    page.locator(".msg.customer").nth(4).wait_for(timeout=10_000)
    deadline = time.monotonic() + 30
    while page.locator(".msg.customer.pending").count() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert page.locator(".msg.customer.pending").count() == 0
    assert page.locator(".msg.customer.failed").count() == 0
    db = Database(f"sqlite:///{(folder / 'tandem.sqlite3').resolve()}")
    try:
        with db.transaction() as session:
            stored = list(session.scalars(select(Message.body).where(Message.author == "customer")
                                          .order_by(Message.conversation_id, Message.seq)))
    finally:
        db.dispose()
    assert sorted(stored) == sorted(bodies) and len(stored) == 5
