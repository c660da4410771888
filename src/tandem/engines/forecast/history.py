"""Read arrival history from CSV and bin it into counts per day and interval."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from tandem.core.errors import InvalidInput

CALLCENTER_COLUMNS = ("date", "vru_entry")
IGNORED_OUTCOMES = frozenset({"PHANTOM"})  # Technion data: virtual calls, not arrivals

RowParser = Callable[[dict[str, str]], datetime | None]


@dataclass(frozen=True)
class ArrivalHistory:
    """Arrival counts: one row per calendar day from `first_day`, one column per interval."""

    first_day: date
    interval_minutes: int
    counts: np.ndarray

    @property
    def days(self) -> int:
        """Return the number of days covered."""
        return int(self.counts.shape[0])

    @property
    def slots(self) -> int:
        """Return the number of intervals per day."""
        return int(self.counts.shape[1])

    def weekday(self, day_index: int) -> int:
        """Return the weekday (Monday = 0) of a day index."""
        return (self.first_day + timedelta(days=day_index)).weekday()

    def head(self, days: int) -> ArrivalHistory:
        """Return the first `days` days only."""
        return ArrivalHistory(self.first_day, self.interval_minutes, self.counts[:days])


def read_arrivals(path: str | Path) -> list[datetime]:
    """Return arrival times from a CSV with `arrived_at` or the call-center `date` + `vru_entry` columns."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"history file not found: {file}", path=str(file))
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            parse = _row_parser(list(reader.fieldnames or []), file)
            arrivals = list(_parse_rows(reader, parse, file))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"{file} is not a readable CSV file ({exc})", path=str(file)) from exc
    if not arrivals:
        raise InvalidInput(f"no arrivals in {file}", path=str(file))
    return arrivals


def _row_parser(columns: list[str] | tuple[str, ...], file: Path) -> RowParser:
    """Pick the parser for the file's format from its header."""
    names = {c.strip() for c in columns}
    if "arrived_at" in names:
        return _parse_iso_row
    if all(c in names for c in CALLCENTER_COLUMNS):
        return _parse_callcenter_row
    raise InvalidInput(
        f"{file}: expected an 'arrived_at' column or call-center columns 'date' and 'vru_entry', "
        f"found {sorted(names)}",
        path=str(file),
    )


def _parse_rows(reader: Iterable[dict[str, str]], parse: RowParser, file: Path) -> Iterator[datetime]:
    """Yield arrival times, naming the line of the first bad row."""
    for line, row in enumerate(reader, start=2):
        try:
            arrived = parse(row)
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(f"{file}, line {line}: cannot read arrival time ({exc})", line=line) from exc
        if arrived is not None:
            yield arrived


def _parse_iso_row(row: dict[str, str]) -> datetime:
    """Parse an ISO timestamp, keeping its wall-clock time."""
    return datetime.fromisoformat(row["arrived_at"].strip().replace("Z", "+00:00")).replace(tzinfo=None)


def _parse_callcenter_row(row: dict[str, str]) -> datetime | None:
    """Parse date + vru_entry (h:mm:ss); skip phantom calls."""
    if (row.get("outcome") or "").strip() in IGNORED_OUTCOMES:
        return None
    hours, minutes, seconds = (int(part) for part in row["vru_entry"].strip().split(":"))
    return datetime.combine(date.fromisoformat(row["date"].strip()), time(hours, minutes, seconds))


def bin_arrivals(arrivals: Iterable[datetime], interval_minutes: int) -> ArrivalHistory:
    """Count arrivals per calendar day and interval (missing days count zero)."""
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise InvalidInput(f"interval must divide a day into whole minutes, got {interval_minutes}")
    stamps = sorted(arrivals)
    if not stamps:
        raise InvalidInput("no arrivals to bin")
    first = stamps[0].date()
    counts = np.zeros(((stamps[-1].date() - first).days + 1, 1440 // interval_minutes))
    for moment in stamps:
        minute = moment.hour * 60 + moment.minute
        counts[(moment.date() - first).days, minute // interval_minutes] += 1
    return ArrivalHistory(first, interval_minutes, counts)
