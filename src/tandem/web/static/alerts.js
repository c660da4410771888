// A gig agent's surge alerts: opt in (and an optional webhook), see the alerts, answer "On my way".
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const ACK_WINDOW_S = 20 * 60;  // the server counts an answer for this long after the alert
  let token = sessionStorage.getItem("tandem.agent.token");
  const auth = () => ({ Authorization: "Bearer " + token });

  async function start() {
    try {
      const me = await T.api("GET", "/api/agent/me", undefined, auth());
      $("me").textContent = me.name;
    } catch (_) { token = null; sessionStorage.removeItem("tandem.agent.token"); $("login").hidden = false; return; }
    $("login").hidden = true; $("app").hidden = false;
    try {
      const s = await T.api("GET", "/api/surge/notifications", undefined, auth());
      $("opted-in").checked = s.opted_in; $("webhook").value = s.webhook_url || "";
    } catch (e) { $("error").textContent = e.message; }
    await load();
    setInterval(load, 15000);
  }

  async function load() {
    try {
      const [current, list] = await Promise.all([
        T.api("GET", "/api/surge/current", undefined, auth()),
        T.api("GET", "/api/surge/notices?limit=50", undefined, auth()),
      ]);
      $("level").textContent = current.level === "NONE" ? "No surge: enough agents online" : current.message;
      $("level").classList.toggle("on", current.level !== "NONE");
      render(list.notices);
      $("error").textContent = "";
    } catch (e) { $("error").textContent = e.message; }
  }

  function render(notices) {
    const ul = $("notices"); ul.replaceChildren();
    const now = Date.now() / 1000;
    for (const n of notices) {
      let action = null;
      if (n.kind === "surge" && n.acked_at) {
        action = T.el("span", { class: "acked muted" }, "On my way · " + new Date(n.acked_at * 1000).toLocaleTimeString());
      } else if (n.kind === "surge" && now - n.at < ACK_WINDOW_S) {
        action = T.el("button", { class: "primary ack", type: "button", onclick: () => ack(n.id) }, "On my way");
      }
      ul.append(T.el("li", { class: n.kind, "data-notice": String(n.id) },
        T.el("span", { class: "when muted" }, new Date(n.at * 1000).toLocaleString()),
        T.el("span", { class: "msg" }, n.message),  // text only, never HTML
        action));
    }
    $("empty").hidden = notices.length > 0;
  }

  async function ack(id) {
    try { await T.api("POST", `/api/surge/notices/${id}/ack`, undefined, auth()); await load(); }
    catch (e) { $("error").textContent = e.message; await load(); }
  }

  $("settings").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("saved").textContent = "";
    const url = $("webhook").value.trim();
    try {
      const saved = await T.api("PUT", "/api/surge/notifications",
        { opted_in: $("opted-in").checked, webhook_url: url || null }, auth());
      $("saved").textContent = "Saved"; $("error").textContent = "";
      // shown this once: the server keeps no copy it could show again
      $("secret-box").hidden = !saved.webhook_secret;
      $("secret").textContent = saved.webhook_secret || "";
    } catch (e) { $("error").textContent = e.message; }
  });

  T.loginForm("tandem.agent.token", (t) => { token = t; start(); }, (message) => { $("error").textContent = message; });
  if (token) start(); else $("login").hidden = false;
})();
