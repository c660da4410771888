// Surge banner for the agent console: "Surge: HIGH, +$2.00 per conversation", or the release notice "you may log
// off". Self-contained: it reads the agent's session token, asks /api/surge/current, and listens on its own
// /ws/agent socket for "surge" and "release" events.
"use strict";
(() => {
  const TOKEN_KEY = "tandem.agent.token";
  const banner = document.createElement("div");
  banner.id = "surge-banner";
  banner.setAttribute("role", "status");
  banner.hidden = true;
  banner.style.cssText = "padding:6px 12px;text-align:center;font-weight:600;color:#fff;background:#b45309";
  let ws = null, retry = 1000;

  function show(level, message) {
    banner.hidden = !level || level === "NONE";
    banner.textContent = banner.hidden ? "" : message;  // text only, never HTML
    banner.style.background = level === "HIGH" ? "#b91c1c" : level === "MEDIUM" ? "#c2410c" : "#b45309";
  }

  async function load(token) {
    try {
      const res = await fetch("/api/surge/current", { headers: { Authorization: "Bearer " + token } });
      if (res.ok) { const s = await res.json(); show(s.level, s.message); }
    } catch (_) { /* the socket or the next retry brings the level */ }
  }

  function connect() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) { setTimeout(connect, 3000); return; }  // not logged in yet
    load(token);
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent");
    ws.onopen = () => { retry = 1000; ws.send(JSON.stringify({ type: "auth", token })); };
    ws.onmessage = (ev) => {
      const e = JSON.parse(ev.data);
      if (e.type === "surge") show(e.level, e.message);
      if (e.type === "release") {  // "you may log off": a suggestion, shown in a calm colour
        banner.hidden = false;
        banner.textContent = e.message;  // text only, never HTML
        banner.style.background = "#1d4ed8";
      }
    };
    ws.onclose = (ev) => {
      if (ev.code === 4401) show("NONE", "");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function start() {
    document.body.insertBefore(banner, document.body.firstChild);
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
