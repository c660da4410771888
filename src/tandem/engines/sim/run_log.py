"""Per-conversation records (columns of equal length) and the run summary computed from them."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Records:
    """Flat records: `columns[name][i]` is conversation i's value; `labels` decode coded columns."""

    columns: dict[str, np.ndarray]
    labels: dict[str, tuple[str, ...]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def rows(self) -> Iterator[dict[str, Any]]:
        """Yield one dict per conversation, codes decoded."""
        names = list(self.columns)
        lists = [self._decoded(name) for name in names]
        for values in zip(*lists, strict=True):
            yield dict(zip(names, values, strict=True))

    def _decoded(self, name: str) -> list[Any]:
        values = self.columns[name].tolist()
        labels = self.labels.get(name)
        if labels is None:
            return values
        return [labels[v] if v >= 0 else "" for v in values]

    def write_csv(self, path: Path) -> None:
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows(zip(*(self._decoded(n) for n in self.columns), strict=True))

    def write_parquet(self, path: Path) -> bool:
        """Write Parquet if pyarrow is installed; return whether it was written."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            return False
        arrays = {}
        for name, col in self.columns.items():
            labels = self.labels.get(name)
            if labels is None:
                arrays[name] = pa.array(col)
            else:
                dictionary = pa.array(("", *labels))
                arrays[name] = pa.DictionaryArray.from_arrays(pa.array(col.astype(np.int32) + 1), dictionary)
        pq.write_table(pa.table(arrays), path)
        return True


def summarise(rec: Records, agent_minutes: float, human_cost: float, capacity: int,
              sl_seconds: float) -> dict[str, float | int]:
    """The headline numbers of a run."""
    c = rec.columns
    asked = c["escalated"]
    served = c["served"]
    waits = c["wait"][asked] * 60.0
    n_asked = max(int(asked.sum()), 1)
    resolved = int(c["resolved"].sum())
    total_cost = human_cost + float(c["ai_cost"].sum())
    handled = float(c["handle"][served].sum())
    return {
        "conversations": len(rec),
        "ai_resolved_share": round(float(c["ai_resolved"].mean()), 4),
        "human_requests": int(asked.sum()),
        "service_level": round(float(np.count_nonzero(served & (c["wait"] * 60 <= sl_seconds))) / n_asked, 4),
        "service_level_seconds": sl_seconds,
        "wait_p50_s": round(float(np.percentile(waits, 50)), 1) if waits.size else 0.0,
        "wait_p90_s": round(float(np.percentile(waits, 90)), 1) if waits.size else 0.0,
        "abandonment": round(float(c["abandoned"].sum()) / n_asked, 4),
        "agent_hours": round(agent_minutes / 60.0, 1),
        "occupancy": round(handled / max(agent_minutes * capacity, 1e-9), 4),
        "resolved_share": round(resolved / max(len(rec), 1), 4),
        "total_cost": round(total_cost, 2),
        "cost_per_resolution": round(total_cost / max(resolved, 1), 3),
        "mean_csat": round(float(c["csat"].mean()), 3),
    }
