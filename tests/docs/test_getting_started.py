"""docs/getting-started.md stays copy-pasteable: its bash blocks run, in order, in a fresh folder.

Every line but `make setup` (the folder borrows this checkout's .venv) and `tandem serve` (it does not return)
runs in one `bash -euo pipefail` script with no TANDEM_* variable from outside, on SQLite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)


def runnable(block: str) -> str:
    """The block without the lines a test cannot run (a continued command is one line here)."""
    lines = block.replace("\\\n", " ").splitlines()
    return "\n".join(x for x in lines if not x.startswith("make setup") and not re.search(r"\sserve\s*$", x))


def test_the_blocks_exist_in_order() -> None:
    text = "\n".join(shell_blocks(DOC.read_text()))
    order = ["tandem init", "TANDEM_SECRET_KEY", "config check", "check-deploy", "kb import", "users create",
             "users list", "serve"]
    positions = [text.index(step) for step in order]
    assert positions == sorted(positions)


def test_every_command_runs_in_a_fresh_folder(tmp_path: Path) -> None:
    venv = Path(sys.executable).parent.parent
    (tmp_path / ".venv").symlink_to(venv)
    script = "\n".join(runnable(b) for b in shell_blocks(DOC.read_text()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    out = proc.stdout
    assert "no unsafe settings found" in out
    assert "created supervisor lead@example.com" in out and "created agent agent@example.com" in out
    assert "lead@example.com" in out.split("created agent")[-1]  # users list shows both
    assert (tmp_path / "mycompany" / "tandem.toml").is_file()
