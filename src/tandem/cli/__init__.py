"""The `tandem` command: a click group whose subcommands load lazily.

Each subcommand lives in its own module of this package, so heavy imports (models, the web stack) happen only
for the command that needs them, and separate features never edit the same file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

# name -> "module:attribute" of a click command or group
SUBCOMMANDS: dict[str, str] = {
    "demo": "tandem.cli.serve:demo",
    "serve": "tandem.cli.serve:serve",
    "migrate": "tandem.cli.serve:migrate",
    "check-deploy": "tandem.cli.serve:check_deploy",
    "keys": "tandem.cli.keys:keys_command",
    "embed": "tandem.cli.embed:embed_group",
    "eval": "tandem.cli.eval:eval_group",
    "kb": "tandem.cli.kb:kb_group",
    "staffing": "tandem.cli.staffing:staffing_group",
    "forecast": "tandem.cli.forecast:forecast",
    "simulate": "tandem.cli.simulate:simulate",
    "init": "tandem.cli.config:init",
    "config": "tandem.cli.config:config_group",
    "users": "tandem.cli.users:users_group",
    "train": "tandem.cli.train:train_group",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return None
        command: Any = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tandem")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The company's tandem.toml (default: TANDEM_CONFIG, else defaults and TANDEM_* variables).")
def main(config: Path | None) -> None:
    """Tandem: AI-first customer service with a human always one step away."""
