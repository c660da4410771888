"""SQL statements, transactions and CPU per step of the live service's cycle (issue 17), deterministically.

    python bench/cycle_statements.py                       # embedded SQLite, 200 cycles after 20 warm-up
    python bench/cycle_statements.py --cycles 500 --json
    python bench/cycle_statements.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

One process, no sockets: the real app (`api.app.create_app`, its dispatcher loop not started) behind FastAPI's
TestClient, and the live dispatcher built as the server builds it (`api.app.DispatchLoop` with its lease), its
passes run by hand with `LeaderLoop.run_once` (lease check, the pass, the fence and renewal: exactly a live pass).
`--agents` agents are inserted directly, available, with sessions (no Argon2); every one of them holds the
`account` topic, where a customer's request for a person goes before the assistant knows the topic.

Each cycle, one after the other: a customer creates a conversation (`create`), asks for a person (`handoff`),
one dispatcher pass offers it (`pass`), the offered agent accepts (`accept`), replies (`first_reply`) and
resolves (`resolve`); then a second pass runs only if one of the cycle's requests asked for one after the
offer (`pass_after`: `context.wakes_dispatcher` and `DispatchLoop.poke`'s rule). The clock is a FakeClock that
moves `--step-s` per cycle (default 0.05 s: 20 escalations a second, so caches with a one-second lifetime are
read as often as at that rate), and the dispatcher looks for idle seniors to offer reviews at most once per
REVIEW_OFFER_S of that clock, as the server does on its real clock. The first `--warmup` cycles (the first
pass restores the engine from the database) are not counted.

Per step: SQL statements (`tandem.testing.sql.statements`; SELECT / INSERT / UPDATE / DELETE / other), database
transactions begun and committed (the engine's `begin` and `commit` events), whether it asked the dispatcher for
a pass, and the process CPU time (`time.process_time`, every thread; the secondary, noisy number). Statement and
transaction counts are the same from run to run for the same code; CPU is not (say the load average beside it).
`--sql` prints each step's statements of the last measured cycle.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert, text

from tandem.api.app import REVIEW_OFFER_S, DispatchLoop, create_app
from tandem.core.clock import FakeClock
from tandem.core.ids import new_id, new_token, token_digest
from tandem.core.settings import Settings
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.services.bootstrap import build_services
from tandem.services.context import Services
from tandem.storage.models import Agent, AgentSession, AgentSkill
from tandem.testing import pg
from tandem.testing.sql import statements

STEPS = ("create", "handoff", "pass", "accept", "first_reply", "resolve", "pass_after")
KINDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def kind(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    return word if word in KINDS else "other"


def add_agents(services: Services, count: int) -> dict[str, str]:
    """`count` available agents holding every topic at the verified tier, with sessions; {agent id: token}."""
    now = services.clock.now()
    tokens: dict[str, str] = {}
    agents, skills, sessions = [], [], []
    for i in range(count):
        aid = new_id("agt")
        token = new_token()
        tokens[aid] = token
        agents.append(dict(id=aid, email=f"cycle{i}@agents.example", name=f"Cycle {i}", password_hash="-",
                           role="agent", languages=["en"], capacity=4, load=0, presence=Presence.AVAILABLE.value,
                           last_heartbeat=now, presence_since=now, created_at=now, active=True))
        skills += [dict(agent_id=aid, topic=t.value, tier=int(Tier.VERIFIED), granted_at=now, granted_by="bench")
                   for t in Topic]
        sessions.append(dict(token_digest=token_digest(token), agent_id=aid, created_at=now,
                             expires_at=now + 30 * 86400, revoked=False))
    with services.work() as work:
        work.session.execute(insert(Agent), agents)
        work.session.execute(insert(AgentSkill), skills)
        work.session.execute(insert(AgentSession), sessions)
    return tokens


class Recorder:
    """Statements, transactions and CPU of each step, summed over the measured cycles."""

    def __init__(self, services: Services) -> None:
        self.engine = services.db.engine
        self.begins = 0
        self.commits = 0
        self.measure = False
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.kinds: dict[str, Counter[str]] = defaultdict(Counter)
        self.transactions: dict[str, list[int]] = defaultdict(list)
        self.committed: dict[str, list[int]] = defaultdict(list)
        self.cpu_ms: dict[str, list[float]] = defaultdict(list)
        self.wakes: dict[str, int] = defaultdict(int)
        self.last_sql: dict[str, list[str]] = {}
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "commit", self._commit)

    def _begin(self, _conn: Any) -> None:
        self.begins += 1

    def _commit(self, _conn: Any) -> None:
        self.commits += 1

    def close(self) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "commit", self._commit)

    @contextmanager
    def step(self, name: str, pokes: list[bool]) -> Iterator[None]:
        pokes.clear()
        begins, commits = self.begins, self.commits
        with statements(self.engine) as seen:
            cpu = time.process_time()
            yield
            cpu = time.process_time() - cpu
        if not self.measure:
            return
        self.statements[name].append(len(seen))
        self.kinds[name].update(kind(s) for s in seen)
        self.transactions[name].append(self.begins - begins)
        self.committed[name].append(self.commits - commits)
        self.cpu_ms[name].append(cpu * 1000)
        self.wakes[name] += any(pokes)
        self.last_sql[name] = list(seen)


def run(args: argparse.Namespace) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="tandem-cycle-"))
    url = args.database_url or f"sqlite:///{data / 'cycle.sqlite3'}"
    database = None
    if url.startswith("postgresql"):  # a fresh database next to the one named, dropped at the end
        database = url = pg.create_database("tandem_cycle", args.database_url)
    clock = FakeClock()
    settings = Settings(data_dir=data, database_url=url, env="test", intent_model=False, rate_limit=False,
                        offer_timeout_s=3600)
    services = build_services(settings, clock, with_demo_backend=False)
    try:
        return cycles(services, clock, args)
    finally:
        services.db.dispose()
        if database is not None:
            pg.drop_database(database, args.database_url)
        shutil.rmtree(data, ignore_errors=True)


def cycles(services: Services, clock: FakeClock, args: argparse.Namespace) -> dict[str, Any]:
    tokens = add_agents(services, args.agents)
    services.heartbeats.beat(list(tokens), clock.now())
    dispatcher = DispatchLoop(services)
    pokes: list[bool] = []

    def poke(room_only: bool) -> None:  # DispatchLoop.poke's rule: freed room alone wakes no pass while idle
        pokes.append(not (room_only and dispatcher.live.idle()))

    services.on_queue_change = poke
    services.on_routing_change = dispatcher.live.note
    next_reviews = [0.0]

    def run_pass() -> None:
        # DispatchLoop.run_pass on the bench's clock: new review offers are looked for once per REVIEW_OFFER_S
        dispatcher._next_reviews = 0.0 if clock.now() >= next_reviews[0] else float("inf")
        if clock.now() >= next_reviews[0]:
            next_reviews[0] = clock.now() + REVIEW_OFFER_S
        if not dispatcher.loop.run_once():
            raise SystemExit("the dispatcher pass did not run (lease not held?)")

    recorder = Recorder(services)
    app = create_app(services, run_dispatcher=False)
    with TestClient(app) as client:
        run_pass()  # takes the lease and restores the engine; nothing waits yet
        for n in range(args.warmup + args.cycles):
            recorder.measure = n >= args.warmup
            clock.advance(args.step_s)
            services.heartbeats.beat(list(tokens), clock.now())  # every agent's console is alive
            with recorder.step("create", pokes):
                r = client.post("/api/conversations", json={"language": "en"})
            expect(r, 201)
            cid, customer = r.json()["id"], {"X-Conversation-Token": r.json()["token"]}
            with recorder.step("handoff", pokes):
                expect(client.post(f"/api/conversations/{cid}/handoff", headers=customer), 202)
            with recorder.step("pass", pokes):
                run_pass()
            offer = services.db.engine.connect()
            try:
                row = offer.execute(text("SELECT id, agent_id FROM offers WHERE conversation_id = :c "
                                         "AND state = 'pending'"), {"c": cid}).one()
            finally:
                offer.close()
            auth = {"Authorization": f"Bearer {tokens[row.agent_id]}"}
            woken = False
            with recorder.step("accept", pokes):
                expect(client.post(f"/api/agent/offers/{row.id}/accept", headers=auth), 200)
            woken |= any(pokes)
            with recorder.step("first_reply", pokes):
                expect(client.post(f"/api/agent/conversations/{cid}/messages", headers=auth,
                                   json={"body": "Hello, I can help with that.", "client_id": "first"}), 201)
            woken |= any(pokes)
            with recorder.step("resolve", pokes):
                expect(client.post(f"/api/agent/conversations/{cid}/resolve", headers=auth), 200)
            woken |= any(pokes)
            if woken:
                with recorder.step("pass_after", pokes):
                    run_pass()
    recorder.close()
    return report(recorder, args)


def expect(r: Any, status: int) -> None:
    if r.status_code != status:
        raise SystemExit(f"{r.request.method} {r.request.url.path}: {r.status_code} (expected {status}): {r.text}")


def report(rec: Recorder, args: argparse.Namespace) -> dict[str, Any]:
    n = args.cycles
    steps: dict[str, Any] = {}
    for name in STEPS:
        runs = len(rec.statements[name])
        if not runs:
            steps[name] = {"runs": 0}
            continue
        steps[name] = {
            "runs": runs,
            "statements": round(sum(rec.statements[name]) / runs, 2),
            "statements_min_max": [min(rec.statements[name]), max(rec.statements[name])],
            "by_kind": {k: round(rec.kinds[name][k] / runs, 2) for k in (*KINDS, "other") if rec.kinds[name][k]},
            "transactions": round(sum(rec.transactions[name]) / runs, 2),
            "commits": round(sum(rec.committed[name]) / runs, 2),
            "wakes_dispatcher": round(rec.wakes[name] / runs, 2),
            "cpu_ms_p50": round(statistics.median(rec.cpu_ms[name]), 3),
            "cpu_ms_mean": round(statistics.fmean(rec.cpu_ms[name]), 3),
        }
    total = {
        "statements": round(sum(sum(v) for v in rec.statements.values()) / n, 2),
        "transactions": round(sum(sum(v) for v in rec.transactions.values()) / n, 2),
        "commits": round(sum(sum(v) for v in rec.committed.values()) / n, 2),
        "cpu_ms_mean": round(sum(sum(v) for v in rec.cpu_ms.values()) / n, 3),
    }
    out: dict[str, Any] = {"agents": args.agents, "cycles": n, "warmup": args.warmup, "step_s": args.step_s,
                           "database": "postgresql" if args.database_url else "sqlite", "steps": steps,
                           "per_cycle": total, "load_average": list(os.getloadavg())}
    if args.sql:
        out["sql"] = rec.last_sql
    return out


def table(result: dict[str, Any]) -> str:
    lines = [f"{result['cycles']} cycles, {result['agents']} agents, {result['database']}, clock step "
             f"{result['step_s']} s, load average {' '.join(f'{x:.2f}' for x in result['load_average'])}",
             f"{'step':<12} {'runs':>5} {'stmts':>6} {'min-max':>8} {'sel/ins/upd/del':>16} {'tx':>5} {'commit':>6} "
             f"{'wakes':>5} {'cpu p50':>8} {'cpu mean':>8}"]
    for name, s in result["steps"].items():
        if not s["runs"]:
            lines.append(f"{name:<12} {0:>5}")
            continue
        k = s["by_kind"]
        kinds = "/".join(f"{k.get(x, 0):g}" for x in KINDS)
        lo, hi = s["statements_min_max"]
        lines.append(f"{name:<12} {s['runs']:>5} {s['statements']:>6g} {f'{lo}-{hi}':>8} {kinds:>16} "
                     f"{s['transactions']:>5g} {s['commits']:>6g} {s['wakes_dispatcher']:>5g} "
                     f"{s['cpu_ms_p50']:>7.2f}ms {s['cpu_ms_mean']:>6.2f}ms")
    t = result["per_cycle"]
    lines.append(f"{'per cycle':<12} {'':>5} {t['statements']:>6g} {'':>8} {'':>16} {t['transactions']:>5g} "
                 f"{t['commits']:>6g} {'':>5} {'':>8} {t['cpu_ms_mean']:>6.2f}ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agents", type=int, default=1000, help="available agents (all eligible)")
    p.add_argument("--cycles", type=int, default=200, help="measured cycles")
    p.add_argument("--warmup", type=int, default=20, help="cycles run first and not counted")
    p.add_argument("--step-s", type=float, default=0.05, help="seconds the clock moves per cycle (1/rate)")
    p.add_argument("--database-url", help="PostgreSQL server URL (a fresh database is made on it); default "
                                          "embedded SQLite in a temporary directory")
    p.add_argument("--sql", action="store_true", help="print each step's statements of the last measured cycle")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.agents < 1 or args.cycles < 1 or args.warmup < 1 or args.step_s <= 0:
        p.error("--agents, --cycles and --warmup must be at least 1, --step-s above 0")
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(table(result))
    if args.sql:
        for name, sql in result["sql"].items():
            print(f"\n-- {name} ({len(sql)})")
            for s in sql:
                print("  " + " ".join(s.split())[:300])


if __name__ == "__main__":
    main()
