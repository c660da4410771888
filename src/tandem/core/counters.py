"""Process-wide counters and timings for /metrics and the benches (no dependency: plain ints and a ring).

Each replica counts its own work; Prometheus sums across replicas. Increments happen under the GIL from
request threads and the dispatcher thread; a lost increment under a race would only blur a rate, never a
decision, so no lock is taken on the hot path.
"""

from __future__ import annotations

from collections import Counter, deque

COUNTS: Counter[str] = Counter()
# the last dispatcher passes, in seconds (for quantiles on /metrics)
PASS_SECONDS: deque[float] = deque(maxlen=2048)


def count(name: str, n: int = 1) -> None:
    COUNTS[name] += n


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prometheus_lines() -> list[str]:
    """The counters and the pass-time quantiles in the Prometheus text format."""
    lines: list[str] = []
    helps = {
        "db_transactions": "Database transactions committed by this process",
        "db_heartbeat_writes": "Heartbeat writes to the relational database by this process",
        "routing_disagreements": "Differences found between the in-memory routing engine and the database",
        "routing_restores": "Full restores of the in-memory routing engine from the database",
        "routing_reconciles": "Reconciles of the in-memory routing engine against the database",
    }
    for key, help_text in helps.items():
        name = f"tandem_{key}_total"
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter", f"{name} {COUNTS[key]}"]
    passes = list(PASS_SECONDS)
    name = "tandem_dispatch_pass_seconds"
    lines += [f"# HELP {name} Dispatcher pass time over the last {PASS_SECONDS.maxlen} passes",
              f"# TYPE {name} summary"]
    lines += [f'{name}{{quantile="{q}"}} {quantile(passes, q):.6f}' for q in (0.5, 0.99)]
    lines += [f"{name}_sum {sum(passes):.6f}", f"{name}_count {len(passes)}"]
    return lines
