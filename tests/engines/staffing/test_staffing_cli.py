import json

import pytest
from click.testing import CliRunner

from tandem.cli.staffing import staffing_group

CHECK = ["erlang-a", "--arrival-rate", "10", "--handle-time", "3", "--patience", "2"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(staffing_group, list(args))
    return result.exit_code, result.output


def test_check_case_json() -> None:
    code, out = run(*CHECK, "--agents", "32", "--target-seconds", "20", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert list(data)[:3] == ["p_wait", "p_abandon", "service_level"]
    assert round(data["p_abandon"], 4) == 0.0510 and round(data["p_wait"], 4) == 0.3476
    assert round(data["service_level"], 3) == 0.842


def test_least_agents_json() -> None:
    code, out = run(*CHECK, "--target-sl", "0.8", "--target-seconds", "20", "--max-abandon", "0.05", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["agents"] == 33 and data["p_abandon"] <= 0.05 and data["service_level"] >= 0.8


def test_concurrency_lowers_agents() -> None:
    args = ("--target-sl", "0.8", "--max-abandon", "0.05", "--json")
    single = json.loads(run(*CHECK, *args)[1])["agents"]
    triple = json.loads(run(*CHECK, "--concurrency", "3", *args)[1])["agents"]
    assert triple < single


@pytest.mark.parametrize(
    "extra",
    [
        ["--agents", "-1"],
        ["--agents", "3", "--concurrency", "0"],
        ["--target-sl", "0.8"],
        ["--target-sl", "1.2", "--max-abandon", "0.05"],
    ],
)
def test_bad_input_is_a_usage_error(extra: list[str]) -> None:
    code, out = run(*CHECK, *extra)
    assert code == 2 and "Error" in out


def test_negative_rate_is_rejected() -> None:
    code, out = run(
        "erlang-a", "--arrival-rate", "-5", "--handle-time", "3", "--patience", "2", "--agents", "3"
    )
    assert code == 2 and "arrival-rate" in out
