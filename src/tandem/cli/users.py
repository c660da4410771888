"""`tandem users`: create the company's supervisors and agents, list them, disable one, reset a password
(with --config)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy import delete, select

from tandem.cli.common import cli_settings, config_option
from tandem.core.errors import TandemError

if TYPE_CHECKING:
    from tandem.services.context import Services


def _services(config: Path | None) -> Services:
    """Services on the configured database, migrated; account rows need no assistant (no model is loaded)."""
    from tandem.bus.inprocess import InProcessBus
    from tandem.core.clock import SystemClock
    from tandem.services.context import Services
    from tandem.storage.db import Database, migrate

    settings = cli_settings(config)
    db = Database(settings.db_url)
    migrate(db.engine)
    return Services(settings=settings, db=db, bus=InProcessBus(), clock=SystemClock(),
                    assistant=None)  # type: ignore[arg-type]


@click.group("users")
def users_group() -> None:
    """The company's people: supervisors and agents."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["supervisor", "agent"]), default="agent", show_default=True)
@click.option("--languages", default="en", show_default=True, help="Comma-separated ISO 639 codes, e.g. en,sv.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else prompted).")
@config_option
def create(email: str, name: str, role: str, languages: str, password_stdin: bool, config: Path | None) -> None:
    """Create a supervisor or agent who logs in with email and password (agents certify per topic)."""
    from tandem.services import agents, audit

    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        click.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = _services(config)
    try:
        with services.work() as work:
            agent = agents.create(work, email=email, name=name, password=password, role=role,
                                  languages=[x for x in languages.split(",") if x.strip()])
            audit.record(work, actor="cli", action="agent.created", subject=agent.id, role=role)
            click.echo(f"created {role} {agent.email} ({agent.id})")
    except TandemError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.db.dispose()


@users_group.command("list")
@config_option
def list_users(config: Path | None) -> None:
    """Every account: id, email, role, languages, active."""
    from tandem.storage.models import Agent

    services = _services(config)
    try:
        with services.work() as work:
            for a in work.session.scalars(select(Agent).order_by(Agent.email)):
                click.echo(f"{a.id}\t{a.email}\t{a.role}\t{','.join(a.languages)}\t"
                           f"{'active' if a.active else 'disabled'}")
    finally:
        services.db.dispose()


def _account(work: Any, email: str) -> Any:
    """The account with this email (case-insensitive), or a CLI error naming it."""
    from tandem.storage.models import Agent

    agent = work.session.scalars(select(Agent).where(Agent.email == email.strip().lower())).first()
    if agent is None:
        raise click.ClickException(f"no account with email {email!r}")
    return agent


@users_group.command("disable")
@click.argument("email")
@config_option
def disable(email: str, config: Path | None) -> None:
    """Disable an account: it cannot log in, and its sessions end now."""
    from tandem.services import audit
    from tandem.storage.models import AgentSession

    services = _services(config)
    try:
        with services.work() as work:
            agent = _account(work, email)
            agent.active = False
            work.session.execute(delete(AgentSession).where(AgentSession.agent_id == agent.id))
            audit.record(work, actor="cli", action="agent.disabled", subject=agent.id)
            click.echo(f"disabled {agent.email}")
    finally:
        services.db.dispose()


@users_group.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (else prompted).")
@config_option
def reset_password(email: str, password_stdin: bool, config: Path | None) -> None:
    """Set a new password for EMAIL: every session of the account ends now (audited, the password is not)."""
    from tandem.services import agents, audit

    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        click.prompt("New password", hide_input=True, confirmation_prompt=True)
    services = _services(config)
    try:
        with services.work() as work:
            agent = _account(work, email)
            ended = agents.set_password(work, agent, password)
            audit.record(work, actor="cli", action="agent.password_reset", subject=agent.id, sessions_ended=ended)
            click.echo(f"new password set for {agent.email}; {ended} session(s) ended")
    except TandemError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.db.dispose()
