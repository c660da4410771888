"""Accuracy of the non-English intent model on the hand-written translated sample (evals/intents_multilingual.tsv).

    .venv/bin/python bench/intents_multilingual.py --split dev [--no-seeds] [--cache-dir DIR]

Trains (or loads from --cache-dir) the shipped MultilingualIntents model and prints one JSON object: accuracy,
accuracy by language, the share of answers with confidence >= 0.8 (the account tools' hint bar) and their
precision. `dev` is for tuning; `test` and `test2` are held out (docs/assistant.md gives the one-time results).
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from collections import defaultdict
from pathlib import Path

from tandem.engines.assistant.nlu.multilingual import shared_multilingual
from tandem.engines.assistant.nlu.multilingual_intents import SEEDS_CSV, MultilingualIntents
from tandem.engines.assistant.nlu.understanding import TRAINING_CSV

SAMPLE = Path(__file__).resolve().parent.parent / "evals" / "intents_multilingual.tsv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "test", "test2"])
    parser.add_argument("--no-seeds", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    with open(SAMPLE, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["split"] == args.split]
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="tandem-ml-intents-"))
    model = MultilingualIntents(shared_multilingual(), TRAINING_CSV, cache, None if args.no_seeds else SEEDS_CSV)
    got = model.classify([r["text"] for r in rows])
    right = [intent == r["intent"] for (intent, _), r in zip(got, rows, strict=True)]
    sure = [p >= 0.8 for _, p in got]
    by_language: dict[str, list[bool]] = defaultdict(list)
    for ok, r in zip(right, rows, strict=True):
        by_language[r["lang"]].append(ok)
    confident = [ok for ok, s in zip(right, sure, strict=True) if s]
    print(json.dumps({
        "split": args.split, "n": len(rows), "seeds": not args.no_seeds,
        "accuracy": round(sum(right) / len(rows), 3),
        "confident_share": round(sum(sure) / len(rows), 3),
        "precision_when_confident": round(sum(confident) / len(confident), 3) if confident else None,
        "accuracy_by_language": {k: round(sum(v) / len(v), 2) for k, v in by_language.items()},
    }))


if __name__ == "__main__":
    main()
