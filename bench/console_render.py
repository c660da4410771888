"""Agent console responsiveness: 4 concurrent chats of 200 messages each, in real Chromium.

    python bench/console_render.py            # a table
    python bench/console_render.py --json

Starts `tandem demo` on loopback (rate limits off), opens 4 conversations for the demo customer, fills each
with 200 messages (customer and agent turns) and assigns them all to one agent with capacity 4 (the demo
supervisor, who can use the console too). Then, in the console:

* cold load: from pressing "Log in" to the 4 tabs shown with the active chat's 200 messages on screen;
* tab switch: `select()` as timed by the page itself (`window.tandemPerf.switches`, performance.now around
  swapping in the chat's cached message nodes and redrawing the handoff card, customer card and suggestions),
  and switch-to-paint: a click on the tab until the next animation frame has run (style, layout, paint);
* baseline in the same page: what the first console did on every switch, rebuilding all 200 message nodes
  and scrolling after each one (which forces a layout per message);
* live message: a customer message posted over REST until its text is visible in the active chat
  (server, bus, WebSocket and render), and the page's own append time.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
AGENT = "sam@agents.example"
PASSWORD = "tandem-demo"

BASELINE_JS = """(msgs) => {
  // the first console's select(): rebuild every node and scroll after each (a forced layout per message)
  const box = document.getElementById('msgs');
  const t0 = performance.now();
  box.replaceChildren();
  for (const m of msgs) {
    const node = document.createElement('div');
    node.className = 'msg ' + m.author;
    const who = document.createElement('span'); who.className = 'who'; who.textContent = m.author;
    node.append(who, document.createTextNode(m.body));
    box.append(node); box.scrollTop = box.scrollHeight;
  }
  return performance.now() - t0;
}"""

SWITCH_TO_PAINT_JS = """(id) => new Promise((done) => {
  const t0 = performance.now();
  document.querySelector(`#tabs button[data-conversation='${id}']`).click();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "TANDEM_RATE_LIMIT": "false", "TANDEM_OFFER_TIMEOUT_S": "20"}
    proc = subprocess.Popen([sys.executable, "-m", "tandem", "demo", "--port", str(port), "--data-dir", str(data),
                             "--no-browser"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the demo server did not start")


def fill_chats(base: str, http: httpx.Client, chats: int, per_chat: int) -> tuple[list[tuple[str, dict[str, str]]],
                                                                                   dict[str, str]]:
    """Open chats, queue them, let the agent claim them, and exchange messages until each holds per_chat."""
    token = http.post(f"{base}/api/agent/login", json={"email": AGENT, "password": PASSWORD}).json()["token"]
    agent = {"Authorization": f"Bearer {token}"}
    http.put(f"{base}/api/agent/me/presence", json={"presence": "available"}, headers=agent)
    out = []
    for _ in range(chats):
        data = http.post(f"{base}/api/conversations", json={"language": "en", "customer_ref": "cus_demo_maya"}).json()
        cid, customer = data["id"], {"X-Conversation-Token": data["token"]}
        http.post(f"{base}/api/conversations/{cid}/handoff", headers=customer)
        http.post(f"{base}/api/agent/conversations/{cid}/claim", headers=agent).raise_for_status()
        n = 2  # the handoff and "joined" system messages
        while n < per_chat:
            who, path, headers = (("customer", f"/api/conversations/{cid}/messages", customer) if n % 2 else
                                  ("agent", f"/api/agent/conversations/{cid}/messages", agent))
            body = f"{who} message {n}: my payment plan question, with a few more words to wrap the line like chat."
            http.post(base + path, json={"body": body}, headers=headers).raise_for_status()
            if n % 25 == 0:  # an agent silent past the heartbeat timeout loses their chats
                http.post(f"{base}/api/agent/me/heartbeat", headers=agent)
            n += 1
        out.append((cid, customer))
    http.put(f"{base}/api/agent/me/presence", json={"presence": "away"}, headers=agent)  # no offers meanwhile
    return out, agent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "median_ms": round(statistics.median(values), 2), "p95_ms": round(pct(values, 0.95), 2),
            "max_ms": round(max(values), 2)}


def measure(base: str, chats: list[tuple[str, dict[str, str]]], per_chat: int, rounds: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    ids = [cid for cid, _ in chats]
    with sync_playwright() as pw, httpx.Client(timeout=10) as http:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(f"{base}/agent")
        page.fill("#email", AGENT)
        page.fill("#password", PASSWORD)
        t0 = time.perf_counter()
        page.click("#login button[type=submit]")
        page.locator("#tabs button").nth(len(ids) - 1).wait_for(timeout=60_000)
        page.locator("#tabs button.active").wait_for(timeout=60_000)
        page.wait_for_function(f"document.querySelectorAll('#msgs .msg').length >= {per_chat}", timeout=60_000)
        cold_ms = (time.perf_counter() - t0) * 1000

        page.evaluate("window.tandemPerf.switches.length = 0")
        paint = [page.evaluate(SWITCH_TO_PAINT_JS, ids[i % len(ids)]) for i in range(rounds)]
        switches = page.evaluate("window.tandemPerf.switches")
        bodies = http.get(f"{base}/api/conversations/{ids[0]}/messages", headers=chats[0][1]).json()["messages"]
        baseline = [page.evaluate(BASELINE_JS, bodies) for _ in range(max(5, rounds // 4))]

        page.evaluate(SWITCH_TO_PAINT_JS, ids[0])
        page.evaluate("window.tandemPerf.appends.length = 0")
        live = []
        for i in range(20):
            text = f"live check {i} at {time.perf_counter():.3f}s"  # short: long digit runs may look like cards
            start = time.perf_counter()
            r = http.post(f"{base}/api/conversations/{ids[0]}/messages", json={"body": text}, headers=chats[0][1])
            try:
                page.locator("#msgs .msg", has_text=text).wait_for(timeout=10_000)
            except Exception:
                state = http.get(f"{base}/api/conversations/{ids[0]}", headers=chats[0][1]).json()
                shown = page.evaluate("document.querySelectorAll('#msgs .msg').length")
                raise SystemExit(f"message {i} not shown ({r.status_code}; {shown} on screen; {state})") from None
            live.append((time.perf_counter() - start) * 1000)
        appends = page.evaluate("window.tandemPerf.appends")
        shown = page.evaluate("document.querySelectorAll('#msgs .msg').length")
        browser.close()
    return {"chats": len(ids), "messages_per_chat": per_chat, "messages_in_active_chat": shown,
            "cold_load_ms": round(cold_ms, 1), "switch_js": summary(switches), "switch_to_paint": summary(paint),
            "baseline_rebuild_js": summary(baseline),
            "speedup_vs_baseline": round(statistics.median(baseline) / max(1e-3, statistics.median(switches)), 1),
            "live_message_visible": summary(live), "live_append_js": summary(appends)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=4)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40, help="tab switches to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp))
        try:
            with httpx.Client(timeout=10) as http:
                chats, _ = fill_chats(base, http, args.chats, args.messages)
            result = measure(base, chats, args.messages, args.rounds)
        finally:
            proc.terminate()
            proc.wait(10)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['chats']} chats x {result['messages_per_chat']} messages; cold load {result['cold_load_ms']} ms")
    for key in ("switch_js", "switch_to_paint", "baseline_rebuild_js", "live_message_visible", "live_append_js"):
        s = result[key]
        print(f"  {key:22} median {s['median_ms']:8.2f} ms  p95 {s['p95_ms']:8.2f} ms  max {s['max_ms']:8.2f} ms")
    print(f"  switch vs baseline rebuild: {result['speedup_vs_baseline']}x faster; load {result['load_average']}")


if __name__ == "__main__":
    main()
