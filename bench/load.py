"""Load over loopback against a real server: customer message -> AI reply, and escalation -> offer (P2).

Starts `tandem demo` (or uses --url), adds load-test agents directly in its database, then drives N concurrent
customers over REST + WebSocket and M agents over WebSocket. Prints latencies (p50/p95/p99) and throughput.
The M agents log in for real (Argon2) all at once, a login storm (row `agent_login_storm`: login -> socket open
-> available, and logins per second); escalations start once every agent is available.
Every loop is bounded in count and time, and only 127.0.0.1 is contacted.

    python bench/load.py --customers 200 --questions 3 --escalations 200 --agents 50 --json
    python bench/load.py --scaled 2 --customers 0 --escalations 400 --rate 20 --json

`--scaled N` runs scaled mode instead of the embedded demo: a fresh PostgreSQL database on 127.0.0.1:5432
(dropped afterwards), Redis on 127.0.0.1:6379, and N `tandem serve` replicas; agents and escalations are spread
round-robin over the replicas, so offers made by the one dispatcher reach agents through the Redis bus.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from tandem.testing import pg

QUESTIONS = ["How long does a refund take?", "Can I pause a payment?", "What is the late fee?",
             "How do I update my card?", "How does pay in 4 work?", "I didn't receive my order",
             "How do I change my due date?", "Can I pay off early?"]
PASSWORD = "load-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary(name: str, ms: list[float], seconds: float) -> dict[str, Any]:
    return {"name": name, "n": len(ms), "p50_ms": round(pct(ms, 0.50), 1), "p95_ms": round(pct(ms, 0.95), 1),
            "p99_ms": round(pct(ms, 0.99), 1), "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
            "per_s": round(len(ms) / seconds, 1) if seconds else None}


def wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    """Wait up to a minute for /healthz to answer; kill the process and exit if it never does."""
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server {base} did not start")


def start_server(data: Path, port: int, agents: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TANDEM_RATE_LIMIT": "false", "CI": "true"}
    proc = subprocess.Popen([sys.executable, "-m", "tandem", "demo", "--port", str(port), "--data-dir", str(data),
                             "--no-browser"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, proc)
    add_agents(data, agents)
    # measure the assistant as deployed: wait until the intent classifier has trained (or loaded from cache)
    for _ in range(600):
        if httpx.get(base + "/healthz", timeout=5).json().get("intent_classifier_ready"):
            break
        time.sleep(0.5)
    return proc


PG_ADMIN = pg.ADMIN_URL  # TANDEM_TEST_PG
DEMO_KB = Path(__file__).resolve().parents[1] / "src" / "tandem" / "demo" / "kb"
REDIS = os.environ.get("TANDEM_TEST_REDIS", "redis://127.0.0.1:6379/0")


def start_replicas(count: int, agents: int) -> tuple[list[subprocess.Popen[bytes]], list[str], str]:
    """A fresh PostgreSQL database with the load agents, and `count` replicas on it and Redis (and its URL)."""
    url = pg.create_database("tandem_load", PG_ADMIN)
    add_agents(None, agents, url)
    # the demo's help center, as an operator imports theirs: without one every question is unanswered, the assistant
    # hands the chat to the queue after two turns, and a customer's third question waits for a person, not the AI
    subprocess.run([sys.executable, "-m", "tandem", "kb", "import", str(DEMO_KB)], check=True,
                   env={**os.environ, "TANDEM_DATABASE_URL": url, "TANDEM_ENV": "test"}, stdout=subprocess.DEVNULL)
    procs, bases = [], []
    for i in range(count):
        port = free_port()
        env = {**os.environ, "TANDEM_DATABASE_URL": url, "TANDEM_REDIS_URL": REDIS, "TANDEM_RATE_LIMIT": "false",
               "TANDEM_INTENT_MODEL": "false", "TANDEM_ENV": "test",
               "TANDEM_DATA_DIR": tempfile.mkdtemp(prefix=f"tandem-load-r{i}-")}
        procs.append(subprocess.Popen([sys.executable, "-m", "tandem", "serve", "--host", "127.0.0.1", "--port",
                                       str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        bases.append(f"http://127.0.0.1:{port}")
    for base, proc in zip(bases, procs, strict=True):
        wait_healthy(base, proc)
    return procs, bases, url


def add_agents(data: Path | None, count: int, database_url: str | None = None) -> None:
    """Create load-test agents in the server's database (all topics, senior, English, capacity 4)."""
    from tandem.core.settings import Settings
    from tandem.domain.skills import Tier, Topic
    from tandem.services import agents
    from tandem.services.bootstrap import build_services
    from tandem.storage.db import migrate

    settings = (Settings(database_url=database_url, env="test", intent_model=False) if database_url
                else Settings(data_dir=data or Path("var"), env="test", demo=True, intent_model=False))
    services = build_services(settings)
    if database_url:
        migrate(services.db.engine)
    shared_hash = agents.hash_password(PASSWORD)  # one Argon2 hash for all: creating 500 agents takes no minutes
    with services.work() as work:
        for i in range(count):
            agent = agents.create(work, email=f"load{i}@agents.example", name=f"Load {i}", password=PASSWORD,
                                  languages=["en"], capacity=4, password_hash=shared_hash)
            for topic in Topic:
                agents.grant_skill(work, agent.id, topic, Tier.SENIOR, granted_by="bench")


async def customer(base: str, ws_base: str, questions: int, think_s: float, out: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        conv = (await http.post("/api/conversations", json={"language": "en"})).json()
        async with websockets.connect(f"{ws_base}/ws/conversations/{conv['id']}") as ws:
            await ws.send(json.dumps({"type": "auth", "token": conv["token"], "after": 0}))
            for i in range(questions):
                # people type: an open-loop arrival with an exponential pause (0 = back-to-back, a stress test)
                if think_s > 0:
                    await asyncio.sleep(random.expovariate(1 / think_s))
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "body": QUESTIONS[i % len(QUESTIONS)],
                                          "client_id": f"q{i}"}))
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if event.get("type") == "message" and event["message"]["author"] in ("ai", "system"):
                        out.append((time.perf_counter() - sent) * 1000)
                        break


async def agent(base: str, ws_base: str, i: int, offers: dict[str, float], stop: asyncio.Event,
                logins: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        # all agents log in at once, for real (Argon2): the server verifies a few at a time, so the last of 500
        # waits minutes, not the client's usual 30 s
        sent = time.perf_counter()
        token = (await http.post("/api/agent/login", json={"email": f"load{i}@agents.example",
                                                           "password": PASSWORD}, timeout=900)).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        async with websockets.connect(f"{ws_base}/ws/agent") as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            await http.put("/api/agent/me/presence", json={"presence": "available"}, headers=auth)
            logins.append((time.perf_counter() - sent) * 1000)  # logged in, on the socket and available
            last_ping = time.perf_counter()
            while not stop.is_set():
                if time.perf_counter() - last_ping > 10:  # heartbeats keep the agent online
                    await ws.send(json.dumps({"type": "ping"}))
                    last_ping = time.perf_counter()
                try:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except TimeoutError:
                    continue
                if event.get("type") == "offer":
                    offers[event["offer"]["conversation_id"]] = time.perf_counter()
                    r = await http.post(f"/api/agent/offers/{event['offer']['id']}/accept", headers=auth)
                    if r.status_code == 200:
                        await http.post(f"/api/agent/conversations/{r.json()['conversation_id']}/resolve",
                                        headers=auth)


async def escalations(bases: list[str], count: int, rate: float, offers: dict[str, float]) -> list[float]:
    asked: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        async def one(base: str) -> None:
            conv = (await http.post(base + "/api/conversations", json={"language": "en"})).json()
            asked[conv["id"]] = time.perf_counter()
            await http.post(f"{base}/api/conversations/{conv['id']}/handoff",
                            headers={"X-Conversation-Token": conv["token"]})

        tasks = []
        for k in range(count):
            tasks.append(asyncio.create_task(one(bases[k % len(bases)])))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 30
    while len([c for c in asked if c in offers]) < count and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    return [(offers[c] - t) * 1000 for c, t in asked.items() if c in offers]


async def run(args: argparse.Namespace, bases: list[str]) -> list[dict[str, Any]]:
    base = bases[0]
    ws_base = base.replace("http://", "ws://")
    results = []
    replies: list[float] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(customer(base, ws_base, args.questions, args.think, replies)
                           for _ in range(args.customers)))
    results.append({**summary("message_to_ai_reply", replies, time.perf_counter() - t0),
                    "concurrent_chats": args.customers, "think_s": args.think})
    offers: dict[str, float] = {}
    stop = asyncio.Event()
    homes = [bases[i % len(bases)] for i in range(args.agents)]
    logins: list[float] = []
    t0 = time.perf_counter()
    agent_tasks = [asyncio.create_task(agent(home, home.replace("http://", "ws://"), i, offers, stop, logins))
                   for i, home in enumerate(homes)]
    while len(logins) < args.agents and not any(t.done() for t in agent_tasks):
        await asyncio.sleep(0.1)
    for task in agent_tasks:
        if task.done():  # a login or connect failed: say so instead of measuring with fewer agents
            task.result()
    results.append({**summary("agent_login_storm", logins, time.perf_counter() - t0), "agents": args.agents})
    t0 = time.perf_counter()
    latencies = await escalations(bases, args.escalations, args.rate, offers)
    results.append({**summary("escalation_to_offer_on_agent_socket", latencies, time.perf_counter() - t0),
                    "escalations": args.escalations, "offered": len(latencies), "rate_per_s": args.rate,
                    "agents": args.agents, "mode": f"scaled x{len(bases)}" if args.scaled else "embedded"})
    stop.set()
    await asyncio.gather(*agent_tasks, return_exceptions=True)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=200)
    p.add_argument("--questions", type=int, default=3)
    p.add_argument("--think", type=float, default=10.0, help="mean seconds between a customer's messages (0: none)")
    p.add_argument("--escalations", type=int, default=200)
    p.add_argument("--rate", type=float, default=200.0, help="escalations per second")
    p.add_argument("--agents", type=int, default=50)
    p.add_argument("--scaled", type=int, default=0, help="replicas on PostgreSQL + Redis (0: embedded demo)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    database = None
    if args.scaled:
        procs, bases, database = start_replicas(args.scaled, args.agents)
    else:
        data = Path(tempfile.mkdtemp(prefix="tandem-load-"))
        port = free_port()
        procs, bases = [start_server(data, port, args.agents)], [f"http://127.0.0.1:{port}"]
    try:
        results = asyncio.run(run(args, bases))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)
        if database:
            pg.drop_database(database, PG_ADMIN)
    for r in results:
        print(json.dumps(r) if args.json else "  ".join(f"{k}={v}" for k, v in r.items()))


if __name__ == "__main__":
    main()
