import json
from pathlib import Path

from click.testing import CliRunner

from tandem.cli.forecast import forecast


def test_json_rows_for_each_interval(tmp_path: Path) -> None:
    lines = ["arrived_at"] + [f"2024-01-{d:02d}T{h:02d}:10:00" for d in range(1, 22) for h in (9, 9, 10, 14)]
    history = tmp_path / "h.csv"
    history.write_text("\n".join(lines) + "\n")
    args = ["--history", str(history), "--start", "2024-01-22", "--days", "2", "--interval", "60", "--json"]
    result = CliRunner().invoke(forecast, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 48 and set(rows[0]) == {"start", "forecast", "low", "high"}
    assert rows[9]["start"] == "2024-01-22T09:00:00" and rows[9]["forecast"] == 2.0


def test_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    result = CliRunner().invoke(forecast, ["--history", str(bad), "--start", "2024-01-01"])
    assert result.exit_code == 1 and "arrived_at" in result.output


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(forecast, ["--history", "x.csv", "--start", "01/02/2024"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
