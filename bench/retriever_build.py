"""Time building the help-center retriever for one help center, as a server does at start or after an import.

    .venv/bin/python bench/retriever_build.py [--kb evals/retrieval/larkspur/kb] [--repeat 3]

Three cases, each timed (wall and CPU of the process) --repeat times:
- cold: an empty vector cache, so every article's passages and the off-topic reference questions are embedded
  (a first start, or a new model);
- articles changed: the reference vectors cached on disk, every article embedded again (a first import);
- warm: everything from the cache (a restart, or a reload after an import that changed nothing here).
The encoder is loaded (and warmed with one text) before any timing. Prints one JSON object with the medians.

To compare two versions of `tandem`, run the script with each version on PYTHONPATH, alternated, and give the
load average (`uptime`) beside the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tandem.engines.assistant import retrieval
from tandem.engines.assistant.kb import KnowledgeBase
from tandem.engines.assistant.kb_sources import read_source
from tandem.engines.assistant.nlu.multilingual import shared_multilingual


def timed(build: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    build()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("evals/retrieval/larkspur/kb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = read_source(args.kb)
    if source.problems:
        raise SystemExit(f"{args.kb}: {len(source.problems)} bad files, first: {source.problems[0].path}: "
                         f"{source.problems[0].reason}")
    kb = KnowledgeBase(source.articles)
    encoder = shared_multilingual()
    encoder.queries(["warm up"])
    results: dict[str, list[tuple[float, float]]] = {"cold": [], "articles_changed": [], "warm": []}
    for _ in range(args.repeat):
        directory = Path(tempfile.mkdtemp(prefix="tandem-build-"))
        try:
            # a fresh encoder memo per round: the reference vectors are otherwise kept in the process
            retrieval._REFERENCE_MEMO.clear()
            results["cold"].append(timed(lambda d=directory: retrieval.HybridRetriever(kb, encoder, cache_dir=d)))
            retrieval._REFERENCE_MEMO.clear()
            kept = {p.name for p in directory.glob("*.npy")}
            articles = {retrieval.article_key(a, "multilingual-e5-small") + ".npy" for a in kb.articles}
            for name in kept & articles:
                os.remove(directory / name)
            results["articles_changed"].append(
                timed(lambda d=directory: retrieval.HybridRetriever(kb, encoder, cache_dir=d)))
            retrieval._REFERENCE_MEMO.clear()
            results["warm"].append(timed(lambda d=directory: retrieval.HybridRetriever(kb, encoder, cache_dir=d)))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps({
        "kb": str(args.kb), "articles": len(kb.articles),
        "passages": sum(len(retrieval.passages(a)) for a in kb.articles),
        "reference_questions": len(retrieval.reference_questions()), "repeat": args.repeat,
        **{f"{case}_wall_s": round(statistics.median(w for w, _ in runs), 3) for case, runs in results.items()},
        **{f"{case}_cpu_s": round(statistics.median(c for _, c in runs), 3) for case, runs in results.items()},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
