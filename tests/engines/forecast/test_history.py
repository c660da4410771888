from datetime import datetime
from pathlib import Path

import pytest

from tandem.core.errors import InvalidInput
from tandem.engines.forecast import bin_arrivals, read_arrivals


def write(tmp_path: Path, text: str, name: str = "h.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_iso_column(tmp_path: Path) -> None:
    path = write(tmp_path, "id,arrived_at\n1,2024-03-04T09:15:00\n2,2024-03-04T10:05:30+02:00\n")
    assert read_arrivals(path) == [datetime(2024, 3, 4, 9, 15), datetime(2024, 3, 4, 10, 5, 30)]


def test_reads_callcenter_format_and_skips_phantoms(tmp_path: Path) -> None:
    text = "call_id,date,vru_entry,outcome\n1,2010-08-01,0:10:10,HANG\n2,2010-08-01,13:02:03,PHANTOM\n"
    text += "3,2010-08-02,23:59:59,AGENT\n"
    assert read_arrivals(write(tmp_path, text)) == [
        datetime(2010, 8, 1, 0, 10, 10),
        datetime(2010, 8, 2, 23, 59, 59),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "expected an 'arrived_at' column"),
        ("arrived_at\n", "no arrivals"),
        ("arrived_at\n2024-01-01T00:00\nyesterday\n", "line 3"),
        ("date,vru_entry\n2010-08-01,25:99\n", "line 2"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_arrivals(write(tmp_path, text))


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        read_arrivals(tmp_path / "nope.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81arrived_at\n")
    with pytest.raises(InvalidInput):
        read_arrivals(binary)


def test_bins_per_day_and_interval_with_gaps() -> None:
    stamps = [datetime(2024, 1, 1, 0, 0), datetime(2024, 1, 1, 0, 59), datetime(2024, 1, 3, 23, 30)]
    history = bin_arrivals(stamps, 60)
    assert history.counts.shape == (3, 24)
    assert history.counts[0, 0] == 2 and history.counts[1].sum() == 0 and history.counts[2, 23] == 1
    assert history.weekday(0) == 0


def test_rejects_intervals_that_do_not_divide_a_day() -> None:
    with pytest.raises(InvalidInput):
        bin_arrivals([datetime(2024, 1, 1)], 7)
