"""Production by default: `tandem serve` refuses unsafe settings and lists them all; `tandem check-deploy`;
`tandem demo` never seeds its public-password accounts into someone else's database (issue 14, findings 3, 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tandem.api.app import create_app
from tandem.cli import main
from tandem.core import deploy
from tandem.core.settings import Settings
from tandem.services.context import Services

GOOD = {"TANDEM_SECRET_KEY": "k" * 32, "TANDEM_METRICS_TOKEN": "m" * 32,
        "TANDEM_PUBLIC_URL": "https://support.example.com"}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str | None]:
    """No TANDEM_* variable from the outside; the data dir in tmp."""
    for key in list(os.environ):
        if key.startswith("TANDEM_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return {}


def _invoke(*args: str, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_settings_are_production_unless_told_otherwise(clean_env: dict[str, str]) -> None:
    assert Settings().env == "production"


def test_serve_with_no_configuration_refuses_and_lists_every_problem(clean_env: dict[str, str]) -> None:
    code, out = _invoke("serve", "--port", "1")
    assert code == 2
    assert "will not start in production" in out
    for setting in ("TANDEM_SECRET_KEY", "TANDEM_METRICS_TOKEN", "TANDEM_PUBLIC_URL"):
        assert setting in out
    assert "secrets.token_urlsafe" in out  # says what to do, not only what is wrong


def test_a_short_secret_is_refused_in_production(clean_env: dict[str, str]) -> None:
    code, out = _invoke("serve", "--port", "1", **{**GOOD, "TANDEM_SECRET_KEY": "x"})
    assert code == 2
    assert "TANDEM_SECRET_KEY: is 1 bytes; at least 32" in out
    assert "TANDEM_METRICS_TOKEN" not in out


def test_demo_mode_is_refused_in_production(clean_env: dict[str, str]) -> None:
    code, out = _invoke("serve", "--port", "1", TANDEM_ENV="production", TANDEM_DEMO="true", **GOOD)
    assert code == 2
    assert "TANDEM_DEMO" in out


def test_check_deploy_lists_the_same_problems_and_exits_1(clean_env: dict[str, str]) -> None:
    code, out = _invoke("check-deploy", TANDEM_DEMO="true", TANDEM_RATE_LIMIT="false",
                        TANDEM_PUBLIC_URL="http://support.example.com")
    assert code == 1
    for setting in ("TANDEM_SECRET_KEY", "TANDEM_METRICS_TOKEN", "TANDEM_PUBLIC_URL", "TANDEM_DEMO",
                    "TANDEM_RATE_LIMIT"):
        assert setting in out
    assert out.startswith("5 unsafe setting(s)")


def test_check_deploy_passes_a_safe_configuration(clean_env: dict[str, str]) -> None:
    code, out = _invoke("check-deploy", **GOOD)
    assert (code, out.strip()) == (0, "no unsafe settings found")


def test_check_deploy_flags_a_development_environment(clean_env: dict[str, str]) -> None:
    code, out = _invoke("check-deploy", TANDEM_ENV="development", **GOOD)
    assert code == 1 and "TANDEM_ENV" in out


def test_the_app_itself_refuses_unsafe_production_settings(services: Services, tmp_path: Path) -> None:
    services.settings = Settings(data_dir=tmp_path, env="production", secret_key="short", demo=True)
    with pytest.raises(deploy.UnsafeDeployment) as caught:
        create_app(services, run_dispatcher=False)
    assert {p.setting for p in caught.value.problems} >= {"TANDEM_SECRET_KEY", "TANDEM_DEMO"}


def test_demo_refuses_a_foreign_database_url(clean_env: dict[str, str], tmp_path: Path) -> None:
    code, out = _invoke("demo", "--no-browser", "--data-dir", str(tmp_path / "demo"),
                        TANDEM_DATABASE_URL="postgresql+psycopg://prod@127.0.0.1:1/customers")
    assert code == 1
    assert "would seed demo agents with a public password" in out


def test_demo_refuses_a_production_environment(clean_env: dict[str, str], tmp_path: Path) -> None:
    code, out = _invoke("demo", "--no-browser", "--data-dir", str(tmp_path / "demo"), TANDEM_ENV="production")
    assert code == 1
    assert "will not run in a production environment" in out


def test_demo_accepts_its_own_sqlite_file_in_the_environment(tmp_path: Path) -> None:
    from tandem.cli.serve import demo_refusal

    own = f"sqlite:///{(tmp_path / 'tandem.sqlite3').resolve()}"
    assert demo_refusal(Settings(database_url=own), own, False) is None
    assert demo_refusal(Settings(database_url="sqlite:////elsewhere.db"), own, True) is None
    assert demo_refusal(Settings(database_url="sqlite:////elsewhere.db"), own, False) is not None
    assert demo_refusal(Settings(), own, False) is None  # production is only the default, not what was said
    assert demo_refusal(Settings(env="production"), own, False) is not None
