"""Resident memory of a server process with every model loaded: build the services as `tandem serve` does
(demo help center, intent classifier, multilingual encoder), check each message for a request for a person as
flows.assistant_turn does (rules, then the e5 handoff backstop), answer the others, print RSS.

    .venv/bin/python bench/server_rss.py [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from tandem.core.clock import SystemClock
from tandem.core.settings import Settings
from tandem.engines.assistant.base import TurnContext
from tandem.engines.assistant.human_request import detect_request
from tandem.services.bootstrap import build_services

QUESTIONS = ("How long does a refund take?", "Wann wird mein Geld erstattet?", "Hur pausar jag en betalning?",
             "Comment fermer mon compte ?", "what's the weather tomorrow", "I want to talk to a person")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "tandem" / "models")
    args = parser.parse_args()
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/t.sqlite3", env="test", demo=True,
                            intent_model=True, model_dir=args.cache_dir)
        started = time.perf_counter()
        services = build_services(settings, SystemClock())
        built = time.perf_counter() - started
        ready = getattr(services.assistant, "_ready", None)
        if ready is not None:
            ready.wait(600)
        for q in QUESTIONS * 3:
            if detect_request(q) is None:  # as flows.assistant_turn: rules, then the e5 handoff backstop
                services.assistant.respond(TurnContext("c1", q, "en"))
        print(json.dumps({"python_baseline_rss_mb": round(before, 1), "services_built_s": round(built, 2),
                          "rss_mb_after_messages": round(rss_mb(), 1),
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
        services.db.dispose()


if __name__ == "__main__":
    main()
