"""Where the shared data sets live (call-center history, intent corpora), resolved in one place.

Order: the TANDEM_SHARED_DATA environment variable if set; else `shared/data` beside the repository (a clone at
`<dir>/main` finds `<dir>/shared/data`); else a clear error saying where to put the data. The variable is not
TANDEM_DATA_DIR: that one is the server's own data directory (`Settings.data_dir`).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TANDEM_SHARED_DATA"
REPO_ROOT = Path(__file__).resolve().parents[3]


class SharedDataMissing(FileNotFoundError):
    """The shared data directory (or a file in it) is not where it was looked for."""


def shared_data_dir(environ: dict[str, str] | None = None, repo_root: Path = REPO_ROOT) -> Path:
    """Return the shared data directory, or raise SharedDataMissing saying where it was looked for."""
    env = os.environ if environ is None else environ
    configured = env.get(ENV_VAR, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise SharedDataMissing(f"{ENV_VAR}={configured} is not a directory")
        return path
    beside = repo_root.parent / "shared" / "data"
    if beside.is_dir():
        return beside
    raise SharedDataMissing(
        f"shared data not found: put it in {beside} (shared/data beside the repository) or set {ENV_VAR} "
        "to its directory")


def shared_data_path(path: str | Path, environ: dict[str, str] | None = None, repo_root: Path = REPO_ROOT) -> Path:
    """An absolute path as given; a relative one inside the shared data directory (which must hold it)."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    root = shared_data_dir(environ, repo_root)
    full = root / path
    if not full.exists():
        raise SharedDataMissing(f"{path} is not in the shared data directory {root} ({ENV_VAR} or shared/data "
                                "beside the repository)")
    return full


def shared_data_available(path: str | Path = "") -> bool:
    """Whether the shared data directory (and `path` inside it, if given) can be found."""
    try:
        return shared_data_path(path).exists() if str(path) else shared_data_dir().is_dir()
    except SharedDataMissing:
        return False
