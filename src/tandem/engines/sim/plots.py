"""Plots of a run (matplotlib, optional): hourly demand, agents online, hourly abandonment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tandem.engines.sim.w1 import hourly_abandonment

if TYPE_CHECKING:
    from tandem.engines.sim.runner import RunResult


def plot_run(result: RunResult, path: Path) -> None:
    """Write a PNG or SVG (by suffix) with demand and agents online on top, abandonment below."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = result.records.columns
    hours = (c["arrival_min"][c["escalated"]] // 60).astype(int)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6), sharex=True)
    top.plot(np.bincount(hours), label="human requests / hour", lw=0.8)
    if result.levels:
        t, level, online = np.array(result.levels).T
        top.plot(t / 60, online, label="agents online", lw=0.8)
        top.plot(t / 60, level, label="surge level", lw=0.6)
    top.legend(loc="upper right")
    _, share = hourly_abandonment(result.records)
    busy = np.flatnonzero(np.bincount(hours) > 0)
    bottom.bar(busy, share, width=1.0, label="abandonment share")
    bottom.axhline(0.05, color="red", lw=0.8, label="5%")
    bottom.set_xlabel("hour of run")
    bottom.legend(loc="upper right")
    fig.suptitle(str(result.summary.get("scenario", "")))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
