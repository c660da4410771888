"""Build evals/handoff.jsonl: explicit requests for a human (and hard negatives) from public data plus our own.

    python evals/build_handoff.py /work/shared/data evals/handoff.jsonl

Positives are *explicit* requests only. Dataset rows labelled "handoff" that are really complaints or
frustration ("pathetic service", "this is urgent") are left out (EXCLUDED below), not counted as negatives:
the escalation policy, not wants_human(), is meant to catch those. Contact-detail questions (Bitext
contact_customer_service, HINT3 CALL_CENTER) are left out for the same reason.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

Row = dict[str, object]
HERE = Path(__file__).parent

EXCLUDED = {
    # NLU++ handoff rows that do not ask for a person
    "this is really frustrating",
    "this conversation is not working at all",
    "I don't feel comfortable sharing my personal details with a machine",
    "i don't want to talk to you!",
    # Bitext contact_human_agent rows that only say the bot is not helping
    "you arre't helping", "I can't understand you", "u are not helping", "you're not helping", "I don't understand you",
}  # fmt: skip
# Rows whose source label is specific to that data set's bot but which are explicit requests (or callback
# requests, which Tandem treats as requests for a person).
POSITIVE_OVERRIDES = {
    "Want to talk to an live agent", "Connect to an agent", "Schedule a callback", "Arrange a call back",
    "I want a call back", "I need a call back",
}  # fmt: skip
NEGATIVE_OVERRIDES = {"No, you don't need to transfer me to a real person", "I do not need chat agent"}
HINT3_EXPLICIT = {
    "Chat with agent", "I want to chat with an agent", "I need to talk to someone", "I want to speak with a human",
    "hello, is ther anyone available to assist", "Can i talk to a human", "Could I chat with a human please",
    "Live agent", "live person to talk", "I want to speak with a live agent", "real person available",
    "human to answer", "connect me to supervisor", "Talk to agent", "I want to talk to your executive",
    "Chat With an Agent", "Talk with an agent", "Need to chat with an agent", "Need to connect with an agent",
    "Agent", "Connect to agent", "Talk to an agent", "Need to talk to an agent", "Connect with agent",
    "Agent to chat", "I am facing issue connect to agent",
    "I ask a number of question to the bot but the query is not answered can you connect to Agent",
}  # fmt: skip
HINT3_HANDOFF_LABELS = {"CHAT_WITH_AGENT", "CHAT_WITH_AN_AGENT"}
HINT3_SKIPPED = {"CALL_CENTER"}


def row(text: str, wants_human: bool, source: str, language: str = "en") -> Row:
    """One evaluation line."""
    return {"text": text.strip(), "wants_human": wants_human, "language": language, "source": source}


def bitext(root: Path, rng: random.Random, negatives: int = 1500) -> Iterator[Row]:
    """All Bitext contact_human_agent rows, and a sample of its other intents as negatives."""
    others: list[str] = []
    for path in sorted(root.glob("bitext-*/*.csv")):
        with open(path, encoding="utf-8-sig") as handle:
            for item in csv.DictReader(handle):
                if item["utterance"].strip() in EXCLUDED:
                    continue
                if item["intent"] == "contact_human_agent":
                    yield row(item["utterance"], True, "bitext")
                elif item["intent"] != "contact_customer_service":
                    others.append(item["utterance"])
    yield from (row(text, False, "bitext") for text in rng.sample(others, negatives))


def nlupp(root: Path) -> Iterator[Row]:
    """NLU++ (banking and hotels): handoff rows as positives, every other row as a negative."""
    for path in sorted(root.glob("nlupp/*/fold*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            text = item["text"].strip()
            if text in EXCLUDED:
                continue
            positive = "handoff" in item.get("intents", []) and text not in NEGATIVE_OVERRIDES
            yield row(text, positive, "nlupp")


def hint3(root: Path) -> Iterator[Row]:
    """HINT3: explicit agent requests as positives, other intents as negatives; vague handoff rows left out."""
    for path in sorted(root.glob("hint3/train/*.csv")):
        with open(path, encoding="utf-8") as handle:
            for item in csv.DictReader(handle):
                text, label = item["sentence"].strip(), item["label"]
                if label in HINT3_SKIPPED:
                    continue
                if label in HINT3_HANDOFF_LABELS:
                    if text in HINT3_EXPLICIT or text in NEGATIVE_OVERRIDES:
                        yield row(text, text in HINT3_EXPLICIT, "hint3")
                    continue
                yield row(text, text in POSITIVE_OVERRIDES, "hint3")


def public_negatives(root: Path, rng: random.Random) -> Iterator[Row]:
    """BANKING77 (sample) and DSTC11 NatCS (all, incl. "find an insurance agent") as negatives."""
    with open(root / "banking77" / "train.csv", encoding="utf-8") as handle:
        texts = [item["text"] for item in csv.DictReader(handle)]
    yield from (row(text, False, "banking77") for text in rng.sample(texts, 1000))
    with open(root / "dstc11-natcs" / "development-utterances.jsonl", encoding="utf-8") as handle:
        yield from (row(json.loads(line)["utterance"], False, "dstc11") for line in handle if line.strip())


def handwritten() -> Iterator[Row]:
    """Our multilingual requests and hard negatives."""
    for line in (HERE / "handoff_handwritten.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, label, text = line.split("\t", 2)
            yield row(text, label == "1", "handwritten", language)


def build(root: Path) -> list[Row]:
    """All evaluation lines, deduplicated by text."""
    rng = random.Random(11)
    rows, seen = [], set()
    for item in (*bitext(root, rng), *nlupp(root), *hint3(root), *public_negatives(root, rng), *handwritten()):
        key = str(item["text"]).lower()
        if key and key not in seen:
            seen.add(key)
            rows.append(item)
    return rows


if __name__ == "__main__":
    data_root, out = Path(sys.argv[1]), Path(sys.argv[2])
    lines = build(data_root)
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    print(f"{len(lines)} lines, {sum(bool(x['wants_human']) for x in lines)} positives -> {out}")
