"""`tandem users create | list | disable` on the configured database: the first supervisor logs in."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tandem.api.app import create_app
from tandem.cli import main
from tandem.core.clock import FakeClock
from tandem.core.settings import Settings
from tandem.services.bootstrap import build_services


def test_create_list_disable_and_log_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_ENV", "test")
    runner = CliRunner()
    made = runner.invoke(main, ["users", "create", "--email", "Lead@Nordlys.example", "--name", "Lea Lead",
                                "--role", "supervisor", "--languages", "en,sv", "--password-stdin"],
                         input="correct horse battery\n")
    assert made.exit_code == 0, made.output
    again = runner.invoke(main, ["users", "create", "--email", "lead@nordlys.example", "--name", "X",
                                 "--password-stdin"], input="another password\n")
    assert again.exit_code == 1 and "exists" in again.output
    short = runner.invoke(main, ["users", "create", "--email", "b@n.example", "--name", "B", "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 1 and "password must be 8 to 200 characters" in short.output
    listed = runner.invoke(main, ["users", "list"])
    assert "lead@nordlys.example\tsupervisor\ten,sv\tactive" in listed.output
    services = build_services(Settings(data_dir=tmp_path, env="test", intent_model=False), FakeClock())
    try:
        with TestClient(create_app(services, run_dispatcher=False)) as client:
            body = {"email": "lead@nordlys.example", "password": "correct horse battery"}
            assert client.post("/api/agent/login", json=body).status_code == 200
            assert runner.invoke(main, ["users", "disable", "lead@nordlys.example"]).exit_code == 0
            assert client.post("/api/agent/login", json=body).status_code == 401
    finally:
        services.db.dispose()


def test_reset_password_ends_sessions_and_is_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from tandem.storage.models import AuditEntry

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_ENV", "test")
    runner = CliRunner()
    made = runner.invoke(main, ["users", "create", "--email", "rosa@nordlys.example", "--name", "Rosa",
                                "--password-stdin"], input="first password 1\n")
    assert made.exit_code == 0, made.output
    services = build_services(Settings(data_dir=tmp_path, env="test", intent_model=False), FakeClock())
    try:
        with TestClient(create_app(services, run_dispatcher=False)) as client:
            old = {"email": "rosa@nordlys.example", "password": "first password 1"}
            token = client.post("/api/agent/login", json=old).json()["token"]
            me = {"Authorization": f"Bearer {token}"}
            assert client.get("/api/agent/me", headers=me).status_code == 200
            short = runner.invoke(main, ["users", "reset-password", "rosa@nordlys.example", "--password-stdin"],
                                  input="short\n")
            assert short.exit_code == 1 and "8 to 200" in short.output
            assert client.get("/api/agent/me", headers=me).status_code == 200  # a refused reset changes nothing
            unknown = runner.invoke(main, ["users", "reset-password", "nobody@x.example", "--password-stdin"],
                                    input="second password 2\n")
            assert unknown.exit_code == 1 and "no account" in unknown.output
            done = runner.invoke(main, ["users", "reset-password", "Rosa@nordlys.example", "--password-stdin"],
                                 input="second password 2\n")
            assert done.exit_code == 0 and "1 session(s) ended" in done.output, done.output
            assert client.get("/api/agent/me", headers=me).status_code == 401  # logged out everywhere
            assert client.post("/api/agent/login", json=old).status_code == 401
            new = {"email": "rosa@nordlys.example", "password": "second password 2"}
            assert client.post("/api/agent/login", json=new).status_code == 200
        with services.work() as work:
            rows = work.session.scalars(select(AuditEntry).where(AuditEntry.action == "agent.password_reset")).all()
            assert len(rows) == 1 and rows[0].detail == {"sessions_ended": 1}
            assert "second password" not in str(rows[0].detail)
    finally:
        services.db.dispose()
