"""The live dispatcher with a large gig pool: pass time, escalation -> offer latency, CPU and transactions.

    python bench/live_dispatch.py --agents 100,1000,10000 --rate 20 --escalations 200 --json
    python bench/live_dispatch.py --agents 10000 --rate 20 --escalations 400 --scaled 2 --json

For each pool size the bench does two things, in this process and in this run:

1. **Pass time** (`pass_ms_*`): a fresh SQLite database with N available agents (created directly, no Argon2),
   every one of them eligible for the conversation. Each timed step is one `dispatch.make_offers` transaction
   with exactly one conversation waiting, commit included; between steps (untimed) a conversation is escalated
   and, after the pass, accepted and resolved, so the pool stays the same. `--passes` steps after a warm-up.
   The dispatcher is built exactly as `api.app.DispatchLoop` builds it (`dispatch.new_pass_state`).
2. **Live** (`offer_ms_*`, `cpu_ms_per_cycle`, `transactions_per_cycle`, `db_heartbeat_writes_per_s`): a real
   `tandem serve` on 127.0.0.1 (embedded SQLite; with `--scaled K`, K replicas on a fresh PostgreSQL database
   and Redis) with N agents made available directly and sessions inserted directly (no Argon2). `--sockets`
   of them (at least 200) hold an agent WebSocket, ping every 10 s like the console, and accept, reply and
   resolve every offer they get; the rest heartbeat every 10 s through the server's presence code
   (`services.presence`), batched. Only the socket agents hold the `account` topic, which is where a customer's
   "talk to a person" goes before the assistant knows the topic, so every offer lands on a measured socket;
   the others hold the other five topics and are online and available all along. Escalations (a customer
   creates a conversation and asks for a human over REST) arrive at `--rate` per second, `--escalations` in
   all. `offer_ms` is escalation request sent -> offer frame on the agent's socket. `cpu_ms_per_cycle` is the
   server processes' CPU time (user + system, from /proc) over the escalation phase divided by the completed
   escalate -> offer -> accept -> first reply -> resolve cycles; it includes the socket pings and the
   heartbeats of that phase (their share is printed as `idle_cpu_ms_per_s`, measured before the phase).
   `transactions_per_cycle` is the servers' committed transactions (`tandem_db_transactions_total`) over
   the same phase, per cycle, idle transactions subtracted; `transactions_per_cycle_gross` the same without the
   subtraction (the idle rate is `idle_transactions_per_s`: mostly the dispatcher's timer passes, which the
   escalation phase's queue-triggered passes partly replace, so the net figure undercounts a pass's cost), and
   `dispatch_passes_per_cycle_gross` the dispatcher passes over the phase per cycle. `frames_per_cycle` is the
   WebSocket frames the socket consoles received over the phase per cycle (pongs included, nothing subtracted),
   `frames_per_cycle_by_type` the same by the frame's "type" (queue hints are `queue.changed`/`agents.changed`).
   The bench's consoles do not reload the queue on a hint, as the real console does (GET /api/agent/queue), so
   that cost is not in `cpu_ms_per_cycle`.

Output with --json: one object {"runs": [{"agents": ..., "pass_ms_p50": ..., ...}, ...]}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from tandem.core.ids import new_id, new_token, token_digest
from tandem.core.settings import Settings
from tandem.domain.conversation import ConversationState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.services import agents as agent_service
from tandem.services import conversations, dispatch, queue
from tandem.services.bootstrap import build_services
from tandem.services.context import Services
from tandem.storage.models import Agent, AgentSession, AgentSkill, Offer
from tandem.testing import pg

# one Argon2 hash for every bench agent: sessions are inserted, only --login-burst logs in with the password
PASSWORD = "bench-password"
PASSWORD_HASH = agent_service.hash_password(PASSWORD)
PING_S = 10.0
PG_ADMIN = pg.ADMIN_URL  # TANDEM_TEST_PG
REDIS = os.environ.get("TANDEM_TEST_REDIS", "redis://127.0.0.1:6379/0")


def pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_email(i: int, agent_id: str) -> str:
    return f"bench{i}-{agent_id[-6:]}@agents.example"


def add_agents(services: Services, count: int, socket_topics: int = 0) -> tuple[list[str], list[str]]:
    """Create `count` available agents directly (bulk, no Argon2). The first `socket_topics` get the account
    topic only (plus the others if socket_topics is 0: then everyone is eligible for everything).
    Return (agent ids, session tokens)."""
    now = services.clock.now()
    ids, tokens = [], []
    topics = list(Topic)
    with services.work() as work:
        agents, skills, sessions = [], [], []
        for i in range(count):
            aid = new_id("agt")
            ids.append(aid)
            agents.append(dict(id=aid, email=bench_email(i, aid), name=f"Bench {i}",
                               password_hash=PASSWORD_HASH, role="agent", languages=["en"], capacity=4, load=0,
                               presence=Presence.AVAILABLE.value, last_heartbeat=now, presence_since=now,
                               created_at=now, active=True))
            if not socket_topics:
                mine = topics
            elif i < socket_topics:
                mine = [Topic.ACCOUNT]
            else:
                mine = [t for t in topics if t is not Topic.ACCOUNT]
            skills += [dict(agent_id=aid, topic=t.value, tier=int(Tier.VERIFIED), granted_at=now,
                            granted_by="bench") for t in mine]
            token = new_token()
            tokens.append(token)
            sessions.append(dict(token_digest=token_digest(token), agent_id=aid, created_at=now,
                                 expires_at=now + 86400, revoked=False))
        work.session.execute(Agent.__table__.insert(), agents)
        work.session.execute(AgentSkill.__table__.insert(), skills)
        work.session.execute(AgentSession.__table__.insert(), sessions)
    return ids, tokens


# ---- 1. pass time, in this process -----------------------------------------------------------------------

def pass_times(agents: int, passes: int, warmup: int = 5) -> list[float]:
    """Milliseconds per make_offers transaction with one conversation waiting among `agents` eligible ones."""
    data = Path(tempfile.mkdtemp(prefix="tandem-pass-"))
    # offers outlive the slowest pass (tens of seconds at 10,000 agents before the in-memory engine)
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'pass.sqlite3'}", env="test",
                        intent_model=False, offer_timeout_s=3600)
    services = build_services(settings, with_demo_backend=False)
    add_agents(services, agents)
    state = dispatch.new_pass_state(services)
    if hasattr(state, "note"):  # as api.app.DispatchLoop wires it: committed routing changes reach the engine
        services.on_routing_change = state.note
    out: list[float] = []
    for step in range(warmup + passes):
        with services.work() as work:
            conv, _ = conversations.create(work, language="en")
            queue.request_human(work, conv, reason="bench", topic=Topic.PAYMENTS.value)
            cid = conv.id
        t0 = time.perf_counter()
        with services.work() as work:
            made = dispatch.make_offers(work, state)
        elapsed = (time.perf_counter() - t0) * 1000
        if made != 1:
            raise SystemExit(f"pass {step} with {agents} agents made {made} offers, expected 1")
        if step >= warmup:
            out.append(elapsed)
        with services.work() as work:  # accept and resolve: the agent is free again
            offer = work.session.query(Offer).filter_by(conversation_id=cid, state="pending").one()
            agent = agent_service.get(work, offer.agent_id)
            conv = dispatch.accept(work, agent, offer.id)
            dispatch.release(work, conv, target=ConversationState.RESOLVED, reason="resolved")
    services.db.dispose()
    return out


# ---- 2. live: a real server ------------------------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def metric(text: str, name: str) -> float:
    m = re.search(rf"^{name} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


class Live:
    """N agents in a database, K server processes on it."""

    def __init__(self, agents: int, sockets: int, scaled: int, ws_deflate: bool = False,
                 login_threads: int = 0, login_nice: bool = True) -> None:
        self.agents, self.sockets, self.scaled = agents, sockets, scaled
        # the embedded server's WebSocket compression and Argon2 pool (threads 0: what `tandem serve` uses)
        self.ws_deflate, self.login_threads, self.login_nice = ws_deflate, login_threads, login_nice
        self.procs: list[subprocess.Popen[bytes]] = []
        self.bases: list[str] = []
        self.database: str | None = None
        self.data = Path(tempfile.mkdtemp(prefix="tandem-live-"))
        if scaled:
            self.database = self.url = pg.create_database(f"tandem_live_{agents}", PG_ADMIN)
        else:
            self.url = f"sqlite:///{self.data / 'tandem.sqlite3'}"
        self.prefix = prefix = f"tandem-bench-{os.getpid()}-{agents}"
        env = {"database_url": self.url, "env": "test", "intent_model": False, "data_dir": self.data,
               "rate_limit": False}
        if scaled:
            env.update(redis_url=REDIS, redis_prefix=prefix)
        self.settings = Settings(**env)  # type: ignore[arg-type]
        self.services = build_services(self.settings, with_demo_backend=False)
        self.ids, self.tokens = add_agents(self.services, agents, socket_topics=sockets)

    def start(self) -> None:
        self.make_available()
        if not self.scaled:
            self._start_embedded()
            return
        for i in range(self.scaled):
            port = free_port()
            env = {**os.environ, "TANDEM_DATABASE_URL": self.url, "TANDEM_RATE_LIMIT": "false",
                   "TANDEM_INTENT_MODEL": "false", "TANDEM_ENV": "test",
                   "TANDEM_DATA_DIR": str(self.data / f"r{i}")}
            if self.scaled:
                env.update(TANDEM_REDIS_URL=REDIS, TANDEM_REDIS_PREFIX=self.prefix)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "tandem", "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.bases.append(f"http://127.0.0.1:{port}")
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        for base, proc in zip(self.bases, self.procs, strict=True):
            for _ in range(600):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    raise SystemExit(f"server {base} exited with {proc.returncode}")
                time.sleep(0.1)

    def _start_embedded(self) -> None:
        """`tandem serve`'s app in a subprocess of this script (`--serve-embedded`), which also sends the
        non-socket agents' heartbeats through the server's own presence store from a thread of that process:
        an in-memory store cannot be reached from outside, and the beats' cost belongs to the server anyway."""
        port = free_port()
        beat_file = self.data / "beat-ids.txt"
        beat_file.write_text("\n".join(self.ids[self.sockets:]))
        env = {**os.environ, "TANDEM_DATABASE_URL": self.url, "TANDEM_RATE_LIMIT": "false",
               "TANDEM_INTENT_MODEL": "false", "TANDEM_ENV": "test", "TANDEM_DATA_DIR": str(self.data / "r0")}
        self.procs.append(subprocess.Popen([sys.executable, __file__, "--serve-embedded", str(port),
                                            "--beat-file", str(beat_file),
                                            "--ws-deflate", "on" if self.ws_deflate else "off",
                                            "--login-threads", str(self.login_threads),
                                            "--login-nice", "on" if self.login_nice else "off"], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.bases.append(f"http://127.0.0.1:{port}")
        self._wait_healthy()

    def make_available(self) -> None:
        """Every bench agent available with a fresh sign of life (the heartbeat loops take over from here)."""
        from sqlalchemy import update

        with self.services.work() as work:
            work.session.execute(update(Agent).values(presence=Presence.AVAILABLE.value, last_heartbeat=work.now,
                                                      presence_since=work.now))

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.services.db.dispose()
        if self.database:
            pg.drop_database(self.database, PG_ADMIN)
        shutil.rmtree(self.data, ignore_errors=True)  # the SQLite file, replicas' data dirs, the beat-id file

    def metrics(self) -> str:
        return "\n".join(httpx.get(b + "/metrics", timeout=30).text for b in self.bases)

    def passes(self) -> float:
        """Dispatcher passes so far, over all servers (the pass-time summary's count, at most its ring's size)."""
        return sum(metric(t, "tandem_dispatch_pass_seconds_count")
                   for t in self.metrics().split("# HELP tandem_queue_length"))

    def totals(self) -> tuple[float, float, float]:
        """(server CPU seconds, transactions, DB heartbeat writes) over all servers."""
        text_all = self.metrics()
        tx = sum(metric(t, "tandem_db_transactions_total") for t in text_all.split("# HELP tandem_queue_length"))
        hb = sum(metric(t, "tandem_db_heartbeat_writes_total")
                 for t in text_all.split("# HELP tandem_queue_length"))
        return cpu_seconds([p.pid for p in self.procs]), tx, hb


def frame_type(raw: str | bytes) -> str:
    """A frame's "type" without parsing it (the server writes "type" first); "other" when it is not there."""
    if isinstance(raw, bytes):
        return "binary"
    if raw.startswith('{"type": "') or raw.startswith('{"type":"'):
        start = raw.index('"', 8) + 1
        end = raw.find('"', start)
        if end > start:
            return raw[start:end]
    return "other"


async def socket_agent(base: str, token: str, offers: dict[str, float], cycles: list[int],
                       stop: asyncio.Event, ready: asyncio.Event, counter: list[int], total: int,
                       gate: asyncio.Semaphore, frames: dict[str, int]) -> None:
    """One console: pings every PING_S, takes every offer (accept, first reply, resolve) without blocking its
    reader, and skips the queue hints unparsed so the bench keeps up with the frames it receives. Every frame
    it receives is counted in `frames` by type (over all consoles)."""
    ws_base = base.replace("http://", "ws://")
    auth = {"Authorization": f"Bearer {token}"}
    async with gate:  # connect a few at a time, as consoles do after a deploy, not 200 in one instant
        ws = await websockets.connect(f"{ws_base}/ws/agent", max_queue=None, open_timeout=120)
        await ws.send(json.dumps({"type": "auth", "token": token}))
    counter[0] += 1
    if counter[0] == total:
        ready.set()

    async def pinger() -> None:
        await asyncio.sleep(random.uniform(0, PING_S))
        while True:
            await ws.send('{"type": "ping"}')
            await asyncio.sleep(PING_S)

    async def take(http: httpx.AsyncClient, offer_id: str) -> None:
        r = await http.post(f"/api/agent/offers/{offer_id}/accept", headers=auth)
        if r.status_code != 200:
            return
        cid = r.json()["conversation_id"]
        await http.post(f"/api/agent/conversations/{cid}/messages", headers=auth,
                        json={"body": "Hello, I can help with that.", "client_id": "first"})
        if (await http.post(f"/api/agent/conversations/{cid}/resolve", headers=auth)).status_code == 200:
            cycles[0] += 1

    async def closer() -> None:
        await stop.wait()
        await ws.close()

    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        helpers = [asyncio.create_task(pinger()), asyncio.create_task(closer())]
        jobs = []
        try:
            async for raw in ws:
                kind = frame_type(raw)
                frames[kind] = frames.get(kind, 0) + 1
                if '"offer"' not in raw[:20]:  # hints, pongs, assigned/released: not needed here
                    continue
                event = json.loads(raw)
                offers.setdefault(event["offer"]["conversation_id"], time.perf_counter())
                jobs.append(asyncio.create_task(take(http, event["offer"]["id"])))
        except websockets.ConnectionClosed:
            pass
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)


def beat_loop(services: Services, ids: list[str], stop: threading.Event) -> None:
    """Heartbeats of agents without a socket, every PING_S in batches each second, through the server's presence
    code: its heartbeat store (memory when embedded, the shared Redis set when scaled), or, for a server
    without one (the code before services.presence had a store), the row update it used."""
    store = getattr(services, "heartbeats", None)
    batches = [ids[i::int(PING_S)] for i in range(int(PING_S))]
    k = 0
    while not stop.wait(1.0) and ids:
        batch = batches[k % len(batches)]
        k += 1
        if store is not None:
            store.beat(batch, services.clock.now())
            continue
        with services.work() as work:
            for aid in batch:
                agent_service.heartbeat(work, aid)


def serve_embedded(port: int, beat_file: Path, ws_deflate: bool, login_threads: int, login_nice: bool) -> None:
    """The embedded server for the live run, with the heartbeat batches in a thread (see Live._start_embedded).
    uvicorn runs with `tandem serve`'s WebSocket options, compression as asked."""
    import uvicorn

    from tandem.api.app import create_app
    from tandem.cli.serve import websocket_options

    if login_threads or not login_nice:  # another Argon2 pool than the server's own (services/agents.py)
        agent_service.HASH_POOL = agent_service.make_hash_pool(
            login_threads or agent_service.hash_threads(os.cpu_count()),
            agent_service.HASH_NICE if login_nice else 0)
    settings = Settings()
    services = build_services(settings, with_demo_backend=False)
    ids = [line for line in beat_file.read_text().splitlines() if line]
    stop = threading.Event()
    threading.Thread(target=beat_loop, args=(services, ids, stop), daemon=True).start()
    uvicorn.run(create_app(services), host="127.0.0.1", port=port, log_level="warning",
                **websocket_options(settings, per_message_deflate=ws_deflate))
    stop.set()


async def escalate(bases: list[str], count: int, rate: float) -> dict[str, float]:
    asked: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=60) as http:
        async def one(base: str) -> None:
            conv = (await http.post(base + "/api/conversations", json={"language": "en"})).json()
            t = time.perf_counter()
            r = await http.post(f"{base}/api/conversations/{conv['id']}/handoff",
                                headers={"X-Conversation-Token": conv["token"]})
            if r.status_code == 202:
                asked[conv["id"]] = t

        tasks = []
        start = time.perf_counter()
        for k in range(count):
            tasks.append(asyncio.create_task(one(bases[k % len(bases)])))
            await asyncio.sleep(max(0.0, start + (k + 1) / rate - time.perf_counter()))
        await asyncio.gather(*tasks)
    return asked


async def login_burst(live: Live, args: argparse.Namespace, offers: dict[str, float]) -> dict[str, Any]:
    """--login-burst N: N agents without a socket log in for real (Argon2, one connection each, all at once)
    while escalations keep arriving at --rate until the last login is answered. Reports logins per second and
    the offer latency of the escalations sent while logins were in flight (main() divides by the calm phase's)."""
    n = args.login_burst
    first = live.agents - n  # the last n agents: none of them holds a socket
    if first < min(args.sockets, live.agents):
        raise SystemExit(f"--login-burst {n} needs {n} agents without a socket; there are "
                         f"{live.agents - min(args.sockets, live.agents)}")
    login_ms: list[float] = []
    failures, failed_escalations = [0], [0]
    asked: dict[str, float] = {}
    # a connection of its own for every login, as N consoles have; escalations on another client, never
    # waiting for a free connection (a slow server must show in offer_ms, not in the bench's own pool)
    storm_limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=900, limits=storm_limits) as http, \
            httpx.AsyncClient(timeout=httpx.Timeout(120, pool=None),
                              limits=httpx.Limits(max_connections=None)) as customers:
        async def log_in(k: int) -> None:
            sent = time.perf_counter()
            try:
                r = await http.post(f"{live.bases[k % len(live.bases)]}/api/agent/login",
                                    json={"email": bench_email(k, live.ids[k]), "password": PASSWORD})
                ok = r.status_code == 200 and bool(r.json().get("token"))
            except httpx.HTTPError:
                ok = False
            if ok:
                login_ms.append((time.perf_counter() - sent) * 1000)
            else:
                failures[0] += 1

        async def escalate_one(base: str) -> None:
            try:
                conv = (await customers.post(base + "/api/conversations", json={"language": "en"})).json()
                t = time.perf_counter()
                r = await customers.post(f"{base}/api/conversations/{conv['id']}/handoff",
                                         headers={"X-Conversation-Token": conv["token"]})
            except httpx.HTTPError:
                failed_escalations[0] += 1
                return
            if r.status_code == 202:
                asked[conv["id"]] = t

        start = time.perf_counter()
        storm = asyncio.ensure_future(asyncio.gather(*(log_in(k) for k in range(first, live.agents))))
        escalations, k = [], 0
        while not storm.done():
            escalations.append(asyncio.create_task(escalate_one(live.bases[k % len(live.bases)])))
            k += 1
            await asyncio.sleep(max(0.0, start + k / args.rate - time.perf_counter()))
        burst_s = time.perf_counter() - start
        await asyncio.gather(*escalations)
    deadline = time.perf_counter() + 60
    while any(c not in offers for c in asked) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    latencies = [(offers[c] - t) * 1000 for c, t in asked.items() if c in offers]
    return {"login_burst": n, "login_burst_s": round(burst_s, 2), "logins_per_s": round(len(login_ms) / burst_s, 2),
            "login_ms_p50": pct(login_ms, 0.5), "login_ms_p99": pct(login_ms, 0.99), "login_failures": failures[0],
            "burst_escalations": len(asked), "burst_escalations_failed": failed_escalations[0],
            "burst_offered": len(latencies),
            "burst_offer_ms_p50": pct(latencies, 0.5), "burst_offer_ms_p99": pct(latencies, 0.99)}


async def live_run(live: Live, args: argparse.Namespace) -> dict[str, Any]:
    offers: dict[str, float] = {}
    cycles = [0]
    stop, ready = asyncio.Event(), asyncio.Event()
    counter = [0]
    frames: dict[str, int] = {}  # frames the consoles received, by type
    n_sock = min(args.sockets, live.agents)
    homes = [live.bases[i % len(live.bases)] for i in range(n_sock)]
    beat_stop = threading.Event()
    if live.scaled:  # embedded: the server process beats them itself (serve_embedded)
        threading.Thread(target=beat_loop, args=(live.services, live.ids[n_sock:], beat_stop), daemon=True).start()
    gate = asyncio.Semaphore(10)
    tasks = [asyncio.create_task(socket_agent(homes[i], live.tokens[i], offers, cycles, stop, ready, counter,
                                              n_sock, gate, frames)) for i in range(n_sock)]
    await asyncio.wait_for(ready.wait(), 300)
    await asyncio.sleep(3)
    # idle cost: pings and heartbeats with nothing to dispatch
    idle_s = args.idle
    cpu0, tx0, hb0 = live.totals()
    await asyncio.sleep(idle_s)
    cpu1, tx1, hb1 = live.totals()
    passes1 = live.passes()
    idle_cpu_s, idle_tx_s = (cpu1 - cpu0) / idle_s, (tx1 - tx0) / idle_s
    hb_per_s = (hb1 - hb0) / idle_s
    frames1 = dict(frames)
    t0 = time.perf_counter()
    asked = await escalate(live.bases, args.escalations, args.rate)
    deadline = time.perf_counter() + 60
    while cycles[0] < len(asked) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    phase = time.perf_counter() - t0
    cpu2, tx2, _ = live.totals()
    passes2 = live.passes()
    frames2 = dict(frames)
    burst = await login_burst(live, args, offers) if args.login_burst else {}
    stop.set()
    beat_stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(offers[c] - t) * 1000 for c, t in asked.items() if c in offers]
    with live.services.work() as work:
        from sqlalchemy import select

        sock_ids = set(live.ids[:n_sock])
        presence: dict[str, int] = {}
        for aid, state in work.session.execute(select(Agent.id, Agent.presence)):
            key = f"{'socket' if aid in sock_ids else 'other'}_{state}"
            presence[key] = presence.get(key, 0) + 1
    done = max(1, cycles[0])
    text_all = live.metrics()
    return burst | {
        "offer_ms_p50": pct(latencies, 0.5), "offer_ms_p95": pct(latencies, 0.95),
        "offer_ms_p99": pct(latencies, 0.99),
        "cpu_ms_per_cycle": round(((cpu2 - cpu1) - idle_cpu_s * phase) * 1000 / done, 2),
        "transactions_per_cycle": round(((tx2 - tx1) - idle_tx_s * phase) / done, 2),
        "transactions_per_cycle_gross": round((tx2 - tx1) / done, 2), "idle_transactions_per_s": round(idle_tx_s, 2),
        "dispatch_passes_per_cycle_gross": round((passes2 - passes1) / done, 2),
        "db_heartbeat_writes_per_s": round(hb_per_s, 1),
        # frames the socket consoles received over the escalation phase, per completed cycle (pongs included)
        "frames_per_cycle": round((sum(frames2.values()) - sum(frames1.values())) / done, 2),
        "frames_per_cycle_by_type": {k: round((n - frames1.get(k, 0)) / done, 2)
                                     for k, n in sorted(frames2.items()) if n > frames1.get(k, 0)},
        "idle_cpu_ms_per_s": round(idle_cpu_s * 1000, 1),
        "presence_after": presence, "escalations": len(asked),
        "routing_restores": metric(text_all, "tandem_routing_restores_total"),
        "routing_disagreements": metric(text_all, "tandem_routing_disagreements_total"),
        "offered": len(latencies), "cycles": cycles[0],
        "live_pass_ms_p50": round(metric(text_all, 'tandem_dispatch_pass_seconds{quantile="0.5"}') * 1000, 2),
        "live_pass_ms_p99": round(metric(text_all, 'tandem_dispatch_pass_seconds{quantile="0.99"}') * 1000, 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agents", default="100,1000,10000", help="comma-separated pool sizes")
    p.add_argument("--rate", type=float, default=20.0, help="escalations per second")
    p.add_argument("--escalations", type=int, default=200)
    p.add_argument("--scaled", type=int, default=0, help="replicas on PostgreSQL + Redis (0: embedded SQLite)")
    p.add_argument("--sockets", type=int, default=200, help="agents with a WebSocket (at least 200)")
    p.add_argument("--passes", type=int, default=50, help="timed passes per pool size")
    p.add_argument("--warmup", type=int, default=5, help="untimed passes first")
    p.add_argument("--idle", type=float, default=5.0, help="seconds of idle measurement before escalations")
    p.add_argument("--no-live", action="store_true", help="only the pass time")
    p.add_argument("--json", action="store_true")
    p.add_argument("--login-burst", type=int, default=0, metavar="N",
                   help="after the escalations, N agents log in for real (Argon2) at once while escalations go on")
    p.add_argument("--login-threads", type=int, default=0,
                   help="embedded: the server's Argon2 threads (0: its default, services.agents.hash_threads)")
    p.add_argument("--login-nice", choices=("on", "off", "both"), default="on",
                   help="embedded: Argon2 at a lower CPU priority (the server's default) or not; 'both' alternates")
    p.add_argument("--ws-deflate", choices=("off", "on", "both"), default="off",
                   help="embedded: WebSocket per-message compression; 'both' alternates on/off runs")
    p.add_argument("--rounds", type=int, default=1, help="live runs per pool size (per setting with 'both')")
    p.add_argument("--serve-embedded", type=int, help=argparse.SUPPRESS)
    p.add_argument("--beat-file", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve_embedded:
        serve_embedded(args.serve_embedded, args.beat_file, args.ws_deflate == "on", args.login_threads,
                       args.login_nice == "on")
        return
    if args.sockets < 200:
        raise SystemExit("--sockets must be at least 200")
    if args.login_burst < 0 or args.login_threads < 0 or args.rounds < 1:
        raise SystemExit("--login-burst and --login-threads must be >= 0, --rounds >= 1")
    if args.scaled and (args.ws_deflate != "off" or args.login_threads or args.login_nice != "on"):
        raise SystemExit("--ws-deflate and --login-* apply to the embedded server only")
    both = {"off": [False], "on": [True], "both": [True, False]}
    variants = [(d, n) for d in both[args.ws_deflate] for n in both[args.login_nice]]
    runs = []
    for n in (int(x) for x in args.agents.split(",")):
        times = pass_times(n, args.passes, args.warmup)
        for k in range(args.rounds * len(variants)):
            run: dict[str, Any] = {"agents": n, "pass_ms_p50": pct(times, 0.5), "pass_ms_p99": pct(times, 0.99)}
            if not args.no_live:
                # alternated, so a change in the machine's load falls on both settings alike
                deflate, nice = variants[k % len(variants)]
                live = Live(n, args.sockets, args.scaled, ws_deflate=deflate, login_threads=args.login_threads,
                            login_nice=nice)
                try:
                    live.start()
                    run.update(asyncio.run(live_run(live, args)))
                finally:
                    live.stop()
                run["ws_deflate"] = deflate
                if args.login_burst:
                    run["login_nice"] = nice
                if args.login_burst:
                    for q in ("p50", "p99"):
                        calm, busy = run.get(f"offer_ms_{q}"), run.get(f"burst_offer_ms_{q}")
                        run[f"burst_offer_{q}_ratio"] = round(busy / calm, 2) if calm and busy else None
            run["mode"] = f"scaled x{args.scaled}" if args.scaled else "embedded"
            run["load_average"] = os.getloadavg()[0]
            runs.append(run)
            if not args.json:
                print("  ".join(f"{k}={v}" for k, v in run.items()), flush=True)
            if args.no_live:
                break
    if args.json:
        print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
