"""The Technion "Anonymous Bank" call-center data: arrivals to the agent queue, handling and patience fits.

Only calls that reached the agent queue count as customers asking for a human (a hang-up inside the VRU never
asked). PHANTOM rows are ignored, as the data's documentation says. Times become minutes since midnight of the
first day present in the file.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from tandem.core.datasets import shared_data_path

# relative paths are inside the shared data directory (tandem.core.datasets)
DEFAULT_PATH = "callcenter/anonymous_bank_calls_1999-08-01_to_24.csv"


@dataclass(frozen=True)
class CallCenterData:
    """Per queued call: arrival (min), wait (min), served flag, service time (min; 0 if not served)."""

    arrivals: np.ndarray
    waits: np.ndarray
    served: np.ndarray
    services: np.ndarray
    first_day: date

    def handle_fit(self) -> tuple[float, float]:
        """Lognormal fit of served handling times: (mean in minutes, log-sd)."""
        logs = np.log(self.services[self.served & (self.services > 0)])
        mu, sigma = float(logs.mean()), float(logs.std())
        return math.exp(mu + sigma**2 / 2), sigma

    def patience_fit(self) -> float:
        """Exponential patience MLE from censored waits: total waiting time over abandonments (minutes)."""
        abandons = int(np.count_nonzero(~self.served))
        return float(self.waits.sum() / max(abandons, 1))


def _minutes(hms: str) -> float:
    h, m, s = (int(x) for x in hms.split(":"))
    return h * 60 + m + s / 60


def load_callcenter(path: str | Path = DEFAULT_PATH, days: tuple[int, ...] = ()) -> CallCenterData:
    """Read the CSV (a relative path is inside the shared data directory); `days` keeps only those days of
    the month (empty keeps all). A run asks several times (arrivals, fits, surge loop): parsed once per file
    version, the arrays read-only."""
    full = shared_data_path(path)
    stat = full.stat()
    return _load(str(full), stat.st_mtime_ns, stat.st_size, tuple(days))


@lru_cache(maxsize=8)
def _load(path: str, _mtime: int, _size: int, days: tuple[int, ...]) -> CallCenterData:
    rows = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["outcome"] == "PHANTOM" or row["q_start"] == "0:00:00":
                continue
            day = date.fromisoformat(row["date"])
            if days and day.day not in days:
                continue
            entry = _minutes(row["q_start"])
            rows.append((day, entry, int(row["q_time"]), row["outcome"], int(row["ser_time"])))
    if not rows:
        raise ValueError(f"no queued calls in {path} for days {days}")
    first = min(r[0] for r in rows)
    rows.sort(key=lambda r: ((r[0] - first).days, r[1]))
    columns = (
        np.array([(r[0] - first).days * 1440 + r[1] for r in rows]),
        np.array([r[2] / 60 for r in rows]),
        np.array([r[3] == "AGENT" for r in rows]),
        np.array([r[4] / 60 for r in rows]),
    )
    for col in columns:
        col.flags.writeable = False
    return CallCenterData(*columns, first_day=first)
