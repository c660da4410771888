"""Build the product-intent training set from public data sets (run once; the result ships in tandem/data).

python -m tandem.engines.assistant.nlu.corpus /work/shared/data src/tandem/data/intents/product_intents.csv
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from tandem.engines.assistant.nlu.intents import BANKING77, BITEXT, BITEXT_SKIPPED, NLUPP, Intent
from tandem.engines.assistant.nlu.seed import SEED

PER_INTENT = 160
OTHER_COUNT = 320
Row = tuple[str, str, str]  # text, intent, source


def banking77_rows(root: Path) -> Iterator[Row]:
    """BANKING77 train rows with their product intent."""
    with open(root / "banking77" / "train.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["text"], BANKING77.get(row["category"], Intent.OTHER).value, "banking77"


def bitext_rows(root: Path) -> Iterator[Row]:
    """Bitext rows (both samples) with their product intent."""
    for path in sorted(root.glob("bitext-*/*.csv")):
        with open(path, encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if row["intent"] not in BITEXT_SKIPPED:
                    yield row["utterance"], BITEXT.get(row["intent"], Intent.OTHER).value, "bitext"


def nlupp_rows(root: Path) -> Iterator[Row]:
    """NLU++ banking rows that carry exactly one mapped label."""
    for path in sorted((root / "nlupp" / "banking").glob("fold*.json")):
        for example in json.loads(path.read_text(encoding="utf-8")):
            mapped = {NLUPP[label] for label in example.get("intents", []) if label in NLUPP}
            if len(mapped) == 1:
                yield example["text"], mapped.pop().value, "nlupp"


def seed_rows() -> Iterator[Row]:
    """The hand-written examples."""
    for intent, texts in SEED.items():
        for text in texts:
            yield text, intent.value, "seed"


def build(root: Path, seed: int = 7) -> list[Row]:
    """Sample a balanced, deduplicated training set: every seed row plus up to PER_INTENT public rows each."""
    rng = random.Random(seed)
    public = list(banking77_rows(root)) + list(bitext_rows(root)) + list(nlupp_rows(root))
    rng.shuffle(public)
    rows = list(seed_rows())
    seen = {text.lower() for text, _, _ in rows}
    counts = dict.fromkeys(Intent, 0)
    for text, intent, source in public:
        cap = OTHER_COUNT if intent == Intent.OTHER else PER_INTENT
        if counts[Intent(intent)] < cap and text.lower() not in seen:
            rows.append((text, intent, source))
            seen.add(text.lower())
            counts[Intent(intent)] += 1
    return rows


def main(argv: list[str]) -> None:
    """Write the training set as CSV (text, intent, source)."""
    root, out = Path(argv[0]), Path(argv[1])
    rows = build(root)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("text", "intent", "source"))
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
