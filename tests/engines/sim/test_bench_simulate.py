"""bench/simulate.py: the P3 interface (ciw and Tandem side by side, customers per second and the ratio)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "simulate.py"
SMALL = ["--skip-klarna", "--skip-engine", "--ciw-minutes", "300", "--customers", "30000"]


def bench() -> ModuleType:
    pytest.importorskip("ciw")
    spec = importlib.util.spec_from_file_location("bench_simulate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_json_has_the_required_keys(capsys: pytest.CaptureFixture[str]) -> None:
    bench().main([*SMALL, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["tandem_customers_per_s"] > 0 and out["ciw_customers_per_s"] > 0
    assert out["ratio"] == pytest.approx(out["tandem_customers_per_s"] / out["ciw_customers_per_s"], rel=0.01)
    for who in ("tandem", "ciw", "exact"):
        assert 0 < out[f"{who}_p_abandon"] < out[f"{who}_p_wait"] < 1
    assert out["exact_p_abandon"] == pytest.approx(0.0510, abs=5e-4)
    assert out["exact_p_wait"] == pytest.approx(0.3476, abs=5e-4)
    assert "klarna_month" not in out


def test_text_output_names_both_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    bench().main(SMALL)
    text = capsys.readouterr().out
    assert "tandem" in text and "ciw" in text and "ratio" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
