"""`tandem demo`, `tandem serve`, `tandem check-deploy` and `tandem migrate`."""

from __future__ import annotations

import os
import threading
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from tandem.cli.common import cli_settings, config_option
from tandem.core import deploy, logsafe
from tandem.core.settings import ConfigError, Settings, proxy_entries

if TYPE_CHECKING:
    from fastapi import FastAPI

    from tandem.services.context import Services


def build_app(settings: Settings, demo: bool, traffic: bool = False) -> tuple[FastAPI, Services]:
    """The app `tandem serve` / `tandem demo` runs: services from the settings, demo data only when asked."""
    from tandem.api.app import create_app
    from tandem.services.bootstrap import build_services

    try:
        services = build_services(settings)
    except ConfigError as exc:  # a bad help center or question bank: say which file and why, start nothing
        raise click.ClickException(str(exc)) from None
    if demo:
        _seed_demo(services)
    if traffic:
        from tandem.demo.traffic import start_traffic

        start_traffic(services)
    return create_app(services), services


def _run(settings: Settings, host: str, port: int, open_browser: bool, demo: bool, traffic: bool = False) -> None:
    import uvicorn

    app, services = build_app(settings, demo, traffic)
    base = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}"
    click.echo(f"\nTandem is running on {services.settings.db_url.split('://')[0]}\n")
    click.echo(f"  Customer chat:     {base}/chat")
    click.echo(f"  Agent console:     {base}/agent")
    click.echo(f"  Operations page:   {base}/ops")
    docs_on = settings.api_docs if settings.api_docs is not None else settings.env != "production"
    click.echo(f"  API docs:          {base}/docs\n" if docs_on else
               "  API docs:          off in production (api_docs = true turns them on)\n")
    if demo:
        from tandem.demo.agents import DEMO_AGENTS, DEMO_PASSWORD

        click.echo(f"  Demo agents (password '{DEMO_PASSWORD}'): " + ", ".join(a.email for a in DEMO_AGENTS))
        click.echo("  Demo customer in the chat: Maya (maya@example.com)\n")
    if open_browser:
        threading.Timer(1.5, lambda: webbrowser.open(f"{base}/chat")).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", **websocket_options(services.settings),
                **proxy_options(services.settings))


class ProxyOptions(TypedDict):
    proxy_headers: bool
    forwarded_allow_ips: list[str]


def proxy_options(settings: Settings) -> ProxyOptions:
    """uvicorn reads X-Forwarded-For (the customer's address) and X-Forwarded-Proto only from the peers in
    `trusted_proxies`; from anyone else the peer itself is the client, so a customer cannot pick the address its
    rate limits count against."""
    return {"proxy_headers": True, "forwarded_allow_ips": proxy_entries(settings.trusted_proxies)}


class WebSocketOptions(TypedDict):
    ws_ping_interval: float
    ws_max_size: int
    ws_per_message_deflate: bool


def websocket_options(settings: Settings, per_message_deflate: bool = False) -> WebSocketOptions:
    """uvicorn's WebSocket options for `tandem serve` (bench/live_dispatch.py runs its server with the same).

    The transport drops a frame far past the limit (close 1009) before buffering it; frames just past it get a
    clear error frame from the app instead (api/ws.py). Per-message compression is off: Tandem's frames are
    small JSON events, and deflating each one for every console costs server CPU per frame that offers wait
    behind (measured in docs/operations.md, "WebSocket compression").
    """
    return {"ws_ping_interval": 20.0, "ws_max_size": 4 * settings.max_frame_bytes,
            "ws_per_message_deflate": per_message_deflate}


def _seed_demo(services: object) -> None:
    from tandem.backend.seed import seed_demo
    from tandem.demo.agents import seed_agents

    seed_agents(services)  # type: ignore[arg-type]
    backend = getattr(services, "backend", None)
    if backend is not None:
        seed_demo(backend)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("var/demo"),
              show_default=True, help="Where the SQLite database lives.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
@click.option("--traffic", is_flag=True, help="Simulate customers and agents so the operations page comes alive.")
@click.option("--use-database-url", is_flag=True,
              help="Seed the database in TANDEM_DATABASE_URL (demo agents share a public password: never production).")
def demo(host: str, port: int, data_dir: Path, no_browser: bool, traffic: bool, use_database_url: bool) -> None:
    """Seed a demo company (customers, orders, help center, agents) and serve it on embedded defaults."""
    logsafe.install()
    own = f"sqlite:///{(data_dir / 'tandem.sqlite3').resolve()}"
    environment = cli_settings()  # what TANDEM_* (and a root --config) say, before the demo's own choices
    refusal = demo_refusal(environment, own, use_database_url)
    if refusal:
        raise click.ClickException(refusal)
    data_dir.mkdir(parents=True, exist_ok=True)
    url = environment.database_url if use_database_url else own
    settings = cli_settings(data_dir=data_dir, database_url=url, demo=True, env="development",
                            public_url=f"http://{host}:{port}")
    if "currency" not in environment.pay.model_fields_set:  # Kestrel Pay's orders and pay are in US dollars
        settings = settings.model_copy(update={"pay": settings.pay.model_copy(update={"currency": "USD"})})
    # CI is the build machine's convention, not a Tandem setting: no browser window to open there
    _run(settings, host, port, open_browser=not no_browser and not os.environ.get("CI"), demo=True, traffic=traffic)


def demo_refusal(environment: Settings, own_url: str, use_database_url: bool) -> str | None:
    """Why `tandem demo` must not run with these settings, or None: it seeds a supervisor whose password is
    printed in the README, so it never touches a production database by accident."""
    if "env" in environment.model_fields_set and environment.env == "production":
        return ("TANDEM_ENV=production is set: `tandem demo` seeds accounts with a public password and will not run "
                "in a production environment. Use `tandem serve` there.")
    url = environment.database_url
    if url and url != own_url and not use_database_url:
        return ("TANDEM_DATABASE_URL is set to another database than the demo's own SQLite file; `tandem demo` "
                "would seed demo agents with a public password into it. Unset it, or pass --use-database-url "
                "if that database really is a throwaway demo.")
    return None


@click.command()
@click.option("--host", default=None, help="Default: host in tandem.toml, TANDEM_HOST, or 127.0.0.1.")
@click.option("--port", default=None, type=click.IntRange(1, 65535),
              help="Default: port in tandem.toml, TANDEM_PORT, or 8000.")
@config_option
def serve(host: str | None, port: int | None, config: Path | None) -> None:
    """Serve Tandem for the company in tandem.toml (--config or TANDEM_CONFIG) and TANDEM_* variables.

    Production unless TANDEM_ENV says otherwise: it refuses to start while any setting is unsafe, and lists
    them all (the same list as `tandem check-deploy`).
    """
    logsafe.install()
    settings = cli_settings(config)
    found = deploy.problems(settings)
    if settings.env == "production" and found:
        click.echo("Tandem will not start in production with these settings.\n" + deploy.report(found)
                   + "\n(`tandem check-deploy` prints this list; TANDEM_ENV=development runs it anyway, "
                   "for a laptop only.)", err=True)
        raise SystemExit(2)
    if found:
        click.echo(f"TANDEM_ENV={settings.env}: not for production.\n" + deploy.report(found), err=True)
    _run(settings, host or settings.host, port or settings.port, open_browser=False, demo=settings.demo)


@click.command("check-deploy")
@config_option
def check_deploy(config: Path | None) -> None:
    """List every unsafe production setting in tandem.toml and TANDEM_* (exit 1 when there is any)."""
    found = deploy.problems(cli_settings(config))
    if found:
        click.echo(deploy.report(found))
        raise SystemExit(1)
    click.echo("no unsafe settings found")


@click.command()
@config_option
def migrate(config: Path | None) -> None:
    """Bring the database schema (database_url / TANDEM_DATABASE_URL) to the newest version."""
    from tandem.storage.db import Database
    from tandem.storage.db import migrate as run_migrations

    db = Database(cli_settings(config).db_url)
    run_migrations(db.engine)
    click.echo(f"schema up to date on {db.engine.dialect.name}")
