"""`tandem demo`, `tandem serve` and `tandem migrate`."""

from __future__ import annotations

import os
import threading
import webbrowser
from pathlib import Path

import click

from tandem.core import logsafe
from tandem.core.settings import Settings


def _run(settings: Settings, host: str, port: int, open_browser: bool, demo: bool, traffic: bool = False) -> None:
    import uvicorn

    from tandem.api.app import create_app
    from tandem.services.bootstrap import build_services

    services = build_services(settings)
    if demo:
        _seed_demo(services)
    if traffic:
        from tandem.demo.traffic import start_traffic

        start_traffic(services)
    app = create_app(services)
    base = f"http://{host if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}"
    click.echo(f"\nTandem is running on {services.settings.db_url.split('://')[0]}\n")
    click.echo(f"  Customer chat:     {base}/chat")
    click.echo(f"  Agent console:     {base}/agent")
    click.echo(f"  Operations page:   {base}/ops")
    click.echo(f"  API docs:          {base}/docs\n")
    if demo:
        from tandem.demo.agents import DEMO_AGENTS, DEMO_PASSWORD

        click.echo(f"  Demo agents (password '{DEMO_PASSWORD}'): " + ", ".join(a.email for a in DEMO_AGENTS))
        click.echo("  Demo customer in the chat: Maya (maya@example.com)\n")
    if open_browser:
        threading.Timer(1.5, lambda: webbrowser.open(f"{base}/chat")).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", ws_ping_interval=20)


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
def demo(host: str, port: int, data_dir: Path, no_browser: bool, traffic: bool) -> None:
    """Seed a demo company (customers, orders, help center, agents) and serve it on embedded defaults."""
    logsafe.install()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, demo=True, env="development",
                        public_url=f"http://{host}:{port}")
    _run(settings, host, port, open_browser=not no_browser and not os.environ.get("CI"), demo=True, traffic=traffic)


@click.command()
@click.option("--host", default=None, help="Default: TANDEM_HOST or 127.0.0.1.")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Default: TANDEM_PORT or 8000.")
def serve(host: str | None, port: int | None) -> None:
    """Serve Tandem without demo data, configured by TANDEM_* environment variables."""
    logsafe.install()
    settings = Settings()
    _run(settings, host or os.environ.get("TANDEM_HOST", "127.0.0.1"),
         port or int(os.environ.get("TANDEM_PORT", "8000")), open_browser=False, demo=settings.demo)


@click.command()
def migrate() -> None:
    """Bring the database schema (TANDEM_DATABASE_URL) to the newest version."""
    from tandem.storage.db import Database
    from tandem.storage.db import migrate as run_migrations

    db = Database(Settings().db_url)
    run_migrations(db.engine)
    click.echo(f"schema up to date on {db.engine.dialect.name}")
