"""`tandem kb`: import the company's help center into the configured database, list it, show an article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def _database() -> Any:
    from tandem.cli.common import cli_settings
    from tandem.storage.db import Database, migrate

    db = Database(cli_settings().db_url)
    migrate(db.engine)
    return db


@click.group(name="kb")
def kb_group() -> None:
    """The help center the assistant answers from (stored in the database)."""


@kb_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Remove stored articles that are no longer in the source.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid articles even if some files are bad.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def import_command(path: Path, prune: bool, skip_invalid: bool, as_json: bool) -> None:
    """Import PATH: a folder of Markdown (YAML front matter) or HTML files, or a Zendesk/Intercom JSON export.

    A folder may also hold out_of_scope.txt: example questions the help center does not answer, one a line (the
    assistant declines questions like them); it replaces the stored list, and --prune removes the list when the
    file is gone. One transaction; unchanged articles are left alone. If any file is bad, every bad file is listed
    and nothing changes (exit 1) unless --skip-invalid. Running servers pick the new help center up within
    seconds."""
    from tandem.services.help_center import import_help_center

    report = import_help_center(_database(), path, prune=prune, skip_invalid=skip_invalid)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for problem in report.problems:
            click.echo(f"{problem.path}: {problem.reason}", err=True)
        if report.applied:
            click.echo(f"added {len(report.added)}, updated {len(report.updated)}, unchanged "
                       f"{len(report.unchanged)}, removed {len(report.removed)}"
                       + (f", skipped {len(report.problems)} bad file(s)" if report.problems else "")
                       + (f", left out {report.skipped_drafts} draft(s)" if report.skipped_drafts else "")
                       + (f", out-of-scope examples {report.out_of_scope} ({report.out_of_scope_questions})"
                          if report.out_of_scope else "")
                       + f"; help center version {report.version}")
        else:
            click.echo("nothing was imported: the help center in the database is unchanged"
                       + ("" if skip_invalid else " (fix the files above, or pass --skip-invalid)"), err=True)
    if not report.applied:
        raise SystemExit(1)


@kb_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(as_json: bool) -> None:
    """List the stored articles: id, title, tags."""
    from tandem.services.help_center import stored_articles, stored_version

    db = _database()
    articles = stored_articles(db)
    if as_json:
        click.echo(json.dumps([{"id": a.id, "title": a.title, "topic": a.topic, "tags": list(a.tags)}
                               for a in articles], ensure_ascii=False))
        return
    version = stored_version(db)
    if version is None:
        click.echo("no help center imported (tandem kb import PATH)")
        return
    for a in articles:
        click.echo(f"{a.id}\t{a.title}" + (f"\t[{', '.join(a.tags)}]" if a.tags else ""))
    click.echo(f"{len(articles)} article(s), version {version}")


@kb_group.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def show_command(article_id: str, as_json: bool) -> None:
    """Show one stored article."""
    from tandem.services.help_center import stored_article

    found = stored_article(_database(), article_id)
    if found is None:
        raise click.ClickException(f"no article {article_id!r} in the help center (tandem kb list)")
    article, meta = found
    if as_json:
        click.echo(json.dumps({"id": article.id, "title": article.title, "topic": article.topic,
                               "tags": list(article.tags), "questions": list(article.questions),
                               "body": article.body, **meta}, ensure_ascii=False))
        return
    click.echo(f"# {article.title}  ({article.id})")
    if article.tags:
        click.echo(f"tags: {', '.join(article.tags)}")
    for question in article.questions:
        click.echo(f"question: {question}")
    click.echo(f"source: {meta['source']}  hash: {meta['content_hash'][:12]}")
    click.echo("")
    click.echo(article.body)
