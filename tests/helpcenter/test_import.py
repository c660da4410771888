"""`tandem kb import`: Markdown, HTML and Zendesk/Intercom JSON into the database, idempotent, all-or-nothing, and
picked up by running servers without a restart (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tandem.cli import main
from tandem.core.clock import FakeClock
from tandem.core.settings import Settings
from tandem.engines.assistant.base import TurnContext
from tandem.services.bootstrap import build_services
from tandem.services.help_center import (
    LiveHelpCenter,
    import_help_center,
    stored_article,
    stored_articles,
    stored_help_center,
    stored_out_of_scope,
    stored_version,
)
from tandem.storage.db import Database, migrate

BRIGHTWAVE = Path(__file__).resolve().parents[2] / "evals" / "retrieval" / "brightwave" / "kb"


def _db(url: str) -> Database:
    db = Database(url)
    migrate(db.engine)
    return db


def _folder(tmp_path: Path, names: tuple[str, ...] = ("puk-code", "voicemail", "returns", "5g")) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name in names:
        shutil.copy(BRIGHTWAVE / f"{name}.md", folder / f"{name}.md")
    return folder


def test_markdown_import_is_idempotent_updates_and_prunes(db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    folder = _folder(tmp_path)
    first = import_help_center(db, folder)
    assert first.applied and sorted(first.added) == ["5g", "puk-code", "returns", "voicemail"]
    assert first.version == 1
    again = import_help_center(db, folder)
    assert again.applied and not again.added and not again.updated and len(again.unchanged) == 4
    assert again.version == 1  # nothing changed, servers need not reload
    text = (folder / "voicemail.md").read_text()
    (folder / "voicemail.md").write_text(text.replace("after 20 seconds", "after 25 seconds"))
    (folder / "5g.md").unlink()
    (folder / "no-id-in-front-matter.md").write_text("---\ntitle: Paying in a shop\ntags: shop\n---\nBring cash.\n")
    changed = import_help_center(db, folder)
    assert changed.updated == ["voicemail"] and changed.added == ["no-id-in-front-matter"]
    assert changed.removed == []  # without --prune a missing file keeps its article
    assert changed.version == 2
    pruned = import_help_center(db, folder, prune=True)
    assert pruned.removed == ["5g"] and pruned.version == 3
    assert [a.id for a in stored_articles(db)] == ["no-id-in-front-matter", "puk-code", "returns", "voicemail"]
    article, meta = stored_article(db, "voicemail") or pytest.fail("missing")
    assert "after 25 seconds" in article.body and article.tags == ("voicemail", "messages")
    assert meta["source"].endswith("voicemail.md")
    assert stored_article(db, "no-id-in-front-matter")[0].tags == ("shop",)  # type: ignore[index]
    db.dispose()


def test_bad_files_change_nothing_and_are_all_listed(db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    folder = _folder(tmp_path)
    import_help_center(db, folder)
    (folder / "puk-code.md").write_text("---\ntitle: Changed title\n---\nChanged body.\n")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (folder / "untitled.md").write_text("---\nid: untitled\ntags: [a]\n---\nbody\n")
    (folder / "bad id.md").write_text("---\ntitle: A title\n---\nbody\n")
    (folder / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\nbody\n".encode("latin-1"))
    report = import_help_center(db, folder, prune=True)
    assert not report.applied
    reasons = {Path(p.path).name: p.reason for p in report.problems}
    assert set(reasons) == {"broken.md", "untitled.md", "bad id.md", "latin1.md"}
    assert "not valid YAML (line 2)" in reasons["broken.md"]
    assert reasons["untitled.md"] == "title is missing or empty"
    assert "'bad id' must be" in reasons["bad id.md"]
    assert reasons["latin1.md"] == "not UTF-8 text"
    assert stored_version(db) == 1 and stored_article(db, "puk-code")[0].title == "SIM locked: your PUK code"  # type: ignore[index]
    skipped = import_help_center(db, folder, prune=True, skip_invalid=True)
    assert skipped.applied and skipped.updated == ["puk-code"] and len(skipped.problems) == 4
    db.dispose()


ZENDESK = {"articles": [
    {"id": 360001, "title": "Reset your router", "label_names": ["router", "wifi"], "draft": False, "locale": "en-us",
     "body": "<p>Unplug the router for <strong>30 seconds</strong>.</p><h2>Still offline?</h2><ul><li>Check the "
             "cable</li><li>Call us</li></ul>"},
    {"id": 360002, "title": "Draft article", "draft": True, "body": "<p>Not yet.</p>"},
], "next_page": None, "count": 2}
INTERCOM = {"type": "list", "data": [
    {"type": "article", "id": "7001", "title": "Change your plan", "state": "published",
     "body": "<p>Open <b>Plan</b> in the app.</p><script>alert(1)</script>"},
    {"type": "article", "id": "7002", "title": "Unpublished", "state": "draft", "body": "<p>x</p>"},
]}


def test_zendesk_intercom_and_html_are_detected_from_content(db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "zendesk.json").write_text(json.dumps(ZENDESK))
    (folder / "intercom.json").write_text(json.dumps(INTERCOM))
    (folder / "page.html").write_text("<html><head><title>Site | Opening hours</title>"
                                      "<meta name='article-id' content='opening-hours'></head><body><nav>menu</nav>"
                                      "<h1>Opening hours</h1><p>We are open 9&ndash;17.</p></body></html>")
    report = import_help_center(db, folder)
    assert report.applied and sorted(report.added) == ["360001", "7001", "opening-hours"]
    assert report.skipped_drafts == 2
    zendesk = stored_article(db, "360001")[0]  # type: ignore[index]
    assert zendesk.tags == ("router", "wifi")
    assert zendesk.body == "Unplug the router for 30 seconds.\n\n## Still offline?\n\n- Check the cable\n- Call us"
    assert stored_article(db, "7001")[0].body == "Open Plan in the app."  # type: ignore[index]
    html_article = stored_article(db, "opening-hours")[0]  # type: ignore[index]
    assert (html_article.title, html_article.body) == ("Opening hours", "We are open 9–17.")
    (folder / "other.json").write_text('{"results": []}')
    refused = import_help_center(db, folder)
    assert not refused.applied and "neither a Zendesk Guide export" in refused.problems[0].reason
    db.dispose()


def test_running_servers_reload_without_restart(settings: Settings, clock: FakeClock, tmp_path: Path) -> None:
    first = build_services(settings, clock)
    second = build_services(settings, clock)  # another replica on the same database
    try:
        assert first.extras["kb"].get("pay-in-4") is not None  # empty database in demo mode: the demo help center
        report = import_help_center(first.db, _folder(tmp_path))
        assert report.applied
        for replica in (first, second):
            live: LiveHelpCenter = replica.extras["help_center"]
            assert live.refresh() is True
            assert live.refresh() is False  # same version: nothing to do
            assert replica.extras["kb"].get("pay-in-4") is None and replica.extras["kb"].get("puk-code")
            turn = replica.assistant.respond(TurnContext("c1", "my phone is asking for a PUK code", "en"))
            assert [c.article_id for c in turn.citations] == ["puk-code"]
        third = build_services(settings, clock)  # a server started after the import answers from it at once
        assert third.extras["kb"].get("puk-code") is not None and third.extras["help_center"].version == 1
        third.db.dispose()
    finally:
        first.db.dispose()
        second.db.dispose()


def test_production_with_no_import_has_an_empty_help_center(db_url: str, tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path, database_url=db_url, env="test", demo=False,
                                       intent_model=False), FakeClock(), with_demo_backend=False)
    try:
        assert services.extras["kb"].articles == ()
        turn = services.assistant.respond(TurnContext("c1", "how do i pay in 4", "en"))
        assert turn.no_answer
    finally:
        services.db.dispose()


def test_cli_import_list_show(tmp_path: Path) -> None:
    env = {"TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    runner = CliRunner()
    folder = _folder(tmp_path)
    ok = runner.invoke(main, ["kb", "import", str(folder), "--json"], env=env)
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["version"] == 1
    listed = runner.invoke(main, ["kb", "list", "--json"], env=env)
    assert [a["id"] for a in json.loads(listed.output)] == ["5g", "puk-code", "returns", "voicemail"]
    shown = runner.invoke(main, ["kb", "show", "puk-code"], env=env)
    assert "# SIM locked: your PUK code  (puk-code)" in shown.output
    missing = runner.invoke(main, ["kb", "show", "nope"], env=env)
    assert missing.exit_code != 0 and "no article 'nope'" in missing.output
    (folder / "broken.md").write_text("no front matter\n")
    bad = runner.invoke(main, ["kb", "import", str(folder)], env=env)
    assert bad.exit_code == 1
    assert "broken.md: must start with a '---' front-matter line" in bad.output
    assert "nothing was imported" in bad.output


def test_refresh_loop_installs_an_import_and_the_help_page_serves_it(
    settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    import asyncio

    from tandem.api.app import help_article_page
    from tandem.services.help_center import refresh_loop

    services = build_services(settings, clock)
    live: LiveHelpCenter = services.extras["help_center"]

    async def scenario() -> None:
        task = asyncio.create_task(refresh_loop(live, interval_s=0.05))
        await asyncio.to_thread(import_help_center, services.db, _folder(tmp_path))
        for _ in range(400):
            if live.version == 1:
                break
            await asyncio.sleep(0.05)
        task.cancel()

    try:
        asyncio.run(scenario())
        assert live.version == 1
        page = help_article_page(services, "puk-code")
        assert "SIM locked: your PUK code" in bytes(page.body).decode()
    finally:
        services.db.dispose()


def test_out_of_scope_examples_are_imported_replaced_pruned_and_reloaded(db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    folder = _folder(tmp_path, ("puk-code", "voicemail"))
    (folder / "out_of_scope.txt").write_text("# questions we do not answer\n\nDo you sell tablets?\n"
                                             "Can I pay my gas bill here?\nDo you sell tablets?\n")
    first = import_help_center(db, folder)
    assert first.applied and first.out_of_scope == "replaced" and first.out_of_scope_questions == 2
    assert stored_out_of_scope(db) == ["Do you sell tablets?", "Can I pay my gas bill here?"]
    live = LiveHelpCenter(db, stored_help_center(db), stored_version(db), lambda kb: None)
    assert live.kb.out_of_scope == ("Do you sell tablets?", "Can I pay my gas bill here?")
    again = import_help_center(db, folder)
    assert again.out_of_scope is None and again.version == first.version  # unchanged: no reload
    (folder / "out_of_scope.txt").write_text("Do you sell tablets?\n")
    changed = import_help_center(db, folder)
    assert changed.out_of_scope == "replaced" and changed.version == (first.version or 0) + 1
    assert live.refresh() and live.kb.out_of_scope == ("Do you sell tablets?",)
    (folder / "out_of_scope.txt").unlink()
    kept = import_help_center(db, folder)
    assert kept.out_of_scope is None and stored_out_of_scope(db) == ["Do you sell tablets?"]  # only --prune removes
    pruned = import_help_center(db, folder, prune=True)
    assert pruned.out_of_scope == "removed" and stored_out_of_scope(db) == []
    db.dispose()


def test_an_unreadable_out_of_scope_file_is_a_problem_and_nothing_is_imported(db_url: str, tmp_path: Path) -> None:
    db = _db(db_url)
    folder = _folder(tmp_path, ("puk-code",))
    (folder / "out_of_scope.txt").write_bytes(b"\xff\xfe not utf-8")
    report = import_help_center(db, folder)
    assert not report.applied
    assert [(Path(p.path).name, p.reason) for p in report.problems] == [("out_of_scope.txt", "not UTF-8 text")]
    assert stored_version(db) is None
    db.dispose()
