"""Benchmark the assistant's understanding step: latency of wants_human() and NLU.understand(), and memory.

    .venv/bin/python bench/assistant_nlu.py [--messages 500] [--cache-dir DIR]

Prints one JSON object: training (or cache-load) seconds, p50/p95/p99 wall and CPU milliseconds per message, peak RSS
in MB and the machine's load average (other processes on a 2-core machine change the wall-clock numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tandem.engines.assistant.handoff import wants_human
from tandem.engines.assistant.nlu.understanding import NLU

HERE = Path(__file__).resolve().parent
EVALS = HERE.parent / "evals" / "handoff.jsonl"


def messages(count: int) -> list[str]:
    """A reproducible sample of customer messages from the handoff evaluation corpus."""
    lines = [json.loads(line)["text"] for line in EVALS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return random.Random(5).sample(lines, min(count, len(lines)))


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of a list of milliseconds."""
    ordered = sorted(samples_ms)
    return {f"p{q}_ms": round(ordered[min(len(ordered) - 1, q * len(ordered) // 100)], 3) for q in (50, 95, 99)}


def timed(function: Callable[[str], object], texts: list[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (CPU time is less disturbed by other processes)."""
    wall, cpu = [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.process_time()
        function(text)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def summary(function: Callable[[str], object], texts: list[str]) -> dict[str, dict[str, float]]:
    """Wall and CPU percentiles of function over texts."""
    wall, cpu = timed(function, texts)
    return {"wall": percentiles(wall), "cpu": percentiles(cpu)}


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="tandem-nlu-"))
    nlu = NLU(cache_dir)
    start = time.perf_counter()
    nlu.classifier()
    ready_s = time.perf_counter() - start
    texts = messages(args.messages)
    nlu.understand("warm up")
    wants_human("warm up")
    result = {
        "model_ready_s": round(ready_s, 2),
        "messages": len(texts),
        "wants_human": summary(wants_human, texts),
        "understand": summary(nlu.understand, texts),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
