"""What every command shares: the `--config` option and building the settings from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tandem.core.settings import ConfigError, Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def config_option(fn: F) -> F:
    """`--config FILE` on a subcommand (the same as `tandem --config FILE <command>`)."""
    option = click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="The tandem.toml to read (default: TANDEM_CONFIG, else none).")
    return option(fn)


def cli_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from --config (this command's, else the root's), TANDEM_* and overrides; a clear error if bad."""
    if config is None:
        ctx = click.get_current_context(silent=True)
        config = ctx.find_root().params.get("config") if ctx is not None else None
    try:
        return load_settings(config, **overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
