"""`tandem init DIR` (a starter company) and `tandem config check` (validate and print the effective config)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import click

from tandem.cli.common import cli_settings, config_option
from tandem.core.settings import ConfigError, Settings, masked

STARTER = resources.files("tandem.cli") / "starter"


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--company", default="Example Company", show_default=True, help="The company's name.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, company: str, force: bool) -> None:
    """Write a commented tandem.toml, a sample help center and a sample certification bank into DIRECTORY."""
    files = starter_files(company)
    existing = [p for p in files if (directory / p).exists()]
    if existing and not force:
        raise click.ClickException(f"{directory} already has {', '.join(existing)}; nothing was written "
                                   "(--force overwrites)")
    for rel, text in files.items():
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(files)} files to {directory}:")
    for rel in files:
        click.echo(f"  {rel}")
    click.echo(f"\nNext: edit {directory / 'tandem.toml'}, then\n"
               f"  tandem --config {directory / 'tandem.toml'} config check")


def starter_files(company: str) -> dict[str, str]:
    """The starter company's files by relative path, with the company's name filled in."""
    out: dict[str, str] = {}
    # package folder -> the folder written (a package name cannot hold a hyphen)
    for package, folder in (("", ""), ("help_center", "help-center"), ("certification", "certification")):
        base = STARTER / package if package else STARTER
        for entry in sorted(base.iterdir(), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith(("_", ".")) and not entry.name.endswith(".py"):
                rel = f"{folder}/{entry.name}" if folder else entry.name
                out[rel] = entry.read_text(encoding="utf-8").replace("{{company}}", company)
    return out


@click.group("config")
def config_group() -> None:
    """Check the company configuration."""


@config_group.command("check")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the effective configuration as JSON.")
def check(config: Path | None, as_json: bool) -> None:
    """Validate tandem.toml, TANDEM_* variables, the help center and the question banks; print the result.

    Secrets and passwords in URLs are shown as '********'. Exit status 1 when anything is invalid.
    """
    settings = cli_settings(config)
    summary = check_content(settings)
    data = masked(settings)
    if as_json:
        click.echo(json.dumps({"config_file": str(settings.config_file or ""), "settings": data, **summary},
                              indent=2))
        return
    click.echo(f"# configuration file: {settings.config_file or '(none: defaults and TANDEM_* variables)'}")
    for key, value in flatten(data):
        click.echo(f"{key} = {json.dumps(value)}")
    click.echo(f"# help center: {summary['articles']} articles; question banks: "
               + (", ".join(f"{t} ({n})" for t, n in summary["banks"].items()) or "none"))
    for warning in summary["warnings"]:
        click.echo(f"# warning: {warning}")
    click.echo("# configuration OK")


def check_content(settings: Settings) -> dict[str, Any]:
    """Load the help center and the banks exactly as `tandem serve` would; ClickException when invalid."""
    from tandem.services.bootstrap import help_center, question_banks

    try:
        kb = help_center(settings)
        banks = question_banks(settings, kb)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    warnings = []
    if not kb.articles:
        warnings.append("the help center is empty: the assistant will offer a person for every question")
    missing = [t for t in settings.topic_names if not banks.bank(t)]
    if missing:
        warnings.append(f"no certification bank for {', '.join(missing)}: gig agents cannot certify in them")
    return {"articles": len(kb.articles), "banks": {t: len(b) for t, b in banks.by_topic.items()},
            "warnings": warnings}


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted keys to leaf values, in order."""
    if isinstance(data, dict):
        out: list[tuple[str, Any]] = []
        for key, value in data.items():
            out += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, data)]
