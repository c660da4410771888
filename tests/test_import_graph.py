"""No demo in the production path: `tandem serve`'s app factory imports nothing of the demo company."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DEMO_PREFIXES = ("tandem.demo", "tandem.backend.demo", "tandem.backend.seed")

SCRIPT = f"""
PREFIXES = {DEMO_PREFIXES!r}
import json, sys
from pathlib import Path
from tandem.cli.serve import build_app
from tandem.core.settings import load_settings

settings = load_settings(None, env=sys.argv[2], secret_key="k" * 48, data_dir=Path(sys.argv[1]),
                         intent_model=False, demo=sys.argv[3] == "demo", metrics_token="m" * 40,
                         public_url="https://support.example.com")
app, services = build_app(settings, demo=settings.demo)
assert app.routes and services.settings.demo == (sys.argv[3] == "demo")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(PREFIXES))))
"""


def demo_modules_loaded(tmp_path: Path, env: str, mode: str) -> list[str]:
    # a fresh interpreter: this test process has long imported the demo for other tests
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), env, mode], capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_production_serve_imports_nothing_of_the_demo(tmp_path: Path) -> None:
    assert demo_modules_loaded(tmp_path / "prod", "production", "production") == []


@pytest.mark.slow
def test_the_demo_does_load_them_so_the_check_can_fail(tmp_path: Path) -> None:
    loaded = demo_modules_loaded(tmp_path / "demo", "development", "demo")
    assert "tandem.demo.help_center" in loaded and "tandem.backend.demo" in loaded
