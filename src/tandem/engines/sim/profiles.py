"""Arrival profiles: a synthetic daily x weekly curve at any scale, a CSV history, or the call-center data.

Every profile returns sorted arrival times in minutes from the start of the run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tandem.engines.sim.callcenter import DEFAULT_PATH, load_callcenter
from tandem.engines.sim.scenario import Arrivals


def hourly_means(spec: Arrivals) -> np.ndarray:
    """Expected arrivals per hour of the horizon, scaled so they sum to `spec.total`."""
    hours = int(round(spec.days * 24))
    if len(spec.hourly) != 24 or len(spec.weekly) != 7:
        raise ValueError("hourly needs 24 weights and weekly 7")
    idx = np.arange(hours)
    weights = np.asarray(spec.hourly)[idx % 24] * np.asarray(spec.weekly)[(idx // 24) % 7]
    return spec.total * weights / weights.sum()


def synthetic_arrivals(spec: Arrivals, rng: np.random.Generator) -> np.ndarray:
    """A Poisson process with a piecewise-constant hourly rate."""
    counts = rng.poisson(hourly_means(spec))
    starts = np.repeat(np.arange(len(counts)) * 60.0, counts)
    return np.sort(starts + rng.random(starts.size) * 60.0)


def csv_arrivals(path: Path, column: str) -> np.ndarray:
    """Arrival times from a CSV column: minutes as numbers, or ISO timestamps (made relative to the first)."""
    import csv
    from datetime import datetime

    with open(path, newline="") as handle:
        values = [row[column] for row in csv.DictReader(handle)]
    try:
        times = np.array([float(v) for v in values])
    except ValueError:
        stamps = [datetime.fromisoformat(v).timestamp() / 60 for v in values]
        times = np.array(stamps) - min(stamps)
    return np.sort(times)


def arrivals_for(spec: Arrivals, rng: np.random.Generator, base_dir: str = ".") -> np.ndarray:
    """Dispatch on `spec.kind`."""
    if spec.kind == "synthetic":
        return synthetic_arrivals(spec, rng)
    if spec.kind == "csv":
        return csv_arrivals(Path(base_dir) / spec.path, spec.column)
    if spec.kind == "callcenter":
        return load_callcenter(spec.path or DEFAULT_PATH, spec.days_filter).arrivals
    raise ValueError(f"unknown arrival kind {spec.kind!r}")
