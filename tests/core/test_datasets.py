"""The shared data resolver: environment variable, then shared/data beside the repository, then a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.core.datasets import ENV_VAR, SharedDataMissing, shared_data_dir, shared_data_path


def make_repo(tmp_path: Path, with_shared: bool) -> Path:
    repo = tmp_path / "clone"
    repo.mkdir()
    if with_shared:
        (tmp_path / "shared" / "data" / "callcenter").mkdir(parents=True)
        (tmp_path / "shared" / "data" / "callcenter" / "calls.csv").write_text("x\n")
    return repo


def test_environment_variable_wins(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, with_shared=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert shared_data_dir({ENV_VAR: str(elsewhere)}, repo) == elsewhere


def test_shared_data_beside_the_clone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, with_shared=True)
    data = tmp_path / "shared" / "data"
    assert shared_data_dir({}, repo) == data
    assert shared_data_path("callcenter/calls.csv", {}, repo) == data / "callcenter" / "calls.csv"


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, with_shared=False)
    target = tmp_path / "mine.csv"
    assert shared_data_path(target, {}, repo) == target


def test_missing_data_says_where_to_put_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, with_shared=False)
    with pytest.raises(SharedDataMissing) as err:
        shared_data_dir({}, repo)
    assert str(tmp_path / "shared" / "data") in str(err.value) and ENV_VAR in str(err.value)
    with pytest.raises(SharedDataMissing, match="is not a directory"):
        shared_data_dir({ENV_VAR: str(tmp_path / "nope")}, repo)


def test_missing_file_inside_the_data_dir(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, with_shared=True)
    with pytest.raises(SharedDataMissing, match="callcenter/other.csv"):
        shared_data_path("callcenter/other.csv", {}, repo)


def test_scenario_paths_resolve_inside_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tandem.engines.sim.callcenter import load_callcenter

    data = tmp_path / "data"
    (data / "cc").mkdir(parents=True)
    (data / "cc" / "calls.csv").write_text(
        "date,q_start,q_time,outcome,ser_time\n"
        "1999-08-02,9:00:00,30,AGENT,120\n"
        "1999-08-02,9:01:00,45,HANG,0\n"
        "1999-08-02,0:00:00,0,AGENT,60\n"  # never queued: dropped
        "1999-08-02,9:02:00,0,PHANTOM,0\n")
    monkeypatch.setenv(ENV_VAR, str(data))
    calls = load_callcenter("cc/calls.csv")
    assert calls.arrivals.tolist() == [540.0, 541.0]
    assert calls.served.tolist() == [True, False]
