// Supervisor live view: every active conversation, long waits, expiring offers; read, whisper, take over.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.supervisor.token");
  let me = null, open = null, lastSeq = 0, timer = null;
  const auth = () => ({ Authorization: "Bearer " + token });
  const showError = (m) => { $("error").textContent = m || ""; };

  async function start() {
    try { me = await T.api("GET", "/api/agent/me", undefined, auth()); }
    catch (_) { token = null; sessionStorage.removeItem("tandem.supervisor.token"); $("login").hidden = false; return; }
    if (me.role !== "supervisor") { $("login").hidden = false; $("login-error").textContent = "Supervisors only."; return; }
    $("login").hidden = true; $("main").hidden = false;
    refresh(); timer = setInterval(refresh, 2000);
  }

  async function refresh() {
    let r;
    try { r = await T.api("GET", `/api/workbench/live?long_wait_s=${Number($("long-wait").value) || 0}`, undefined, auth()); }
    catch (e) { $("updated").textContent = "update failed: " + e.message; return; }
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    $("count").textContent = r.conversations.length;
    $("live").replaceChildren(...r.conversations.map((c) => T.el("tr", { class: c.id === open ? "selected" : "", "data-conversation": c.id },
      T.el("td", {}, c.customer_name || "anonymous"), T.el("td", {}, c.state), T.el("td", {}, c.agent_name || "—"),
      T.el("td", {}, `${c.language} · ${c.topic || "general"}`), T.el("td", {}, T.ago(c.waited_s)),
      T.el("td", { class: "muted" }, c.last_message ? `${c.last_message.author}: ${c.last_message.body}` : ""),
      T.el("td", {}, T.el("button", { onclick: () => read(c.id) }, "Read")))));
    $("long").replaceChildren(...(r.long_waiting.length ? r.long_waiting.map((c) => T.el("div", { class: "qrow" },
      T.el("span", {}, `${c.customer_name || "anonymous"} · ${c.language} · ${c.escalation_reason || ""}`),
      T.el("span", {}, T.ago(c.waited_s), " ", T.el("button", { onclick: () => read(c.id) }, "Read"))))
      : [T.el("div", { class: "muted" }, "Nobody.")]));
    $("expiring").replaceChildren(...(r.expiring_agents.length ? r.expiring_agents.map((a) => T.el("div", { class: "qrow" },
      T.el("span", {}, a.name), T.el("span", {}, `${a.expired} of ${a.offers} offers expired`)))
      : [T.el("div", { class: "muted" }, "None.")]));
    if (open) loadTranscript();
  }

  async function read(id) {
    if (open !== id) { open = id; lastSeq = 0; $("transcript").replaceChildren(); showError(""); }
    $("reader").hidden = false;
    const card = await T.api("GET", `/api/workbench/conversations/${id}/card`, undefined, auth());
    $("reader-title").textContent = "Conversation · " + (card.customer && card.customer.name ? card.customer.name : "anonymous");
    $("reader-summary").textContent = card.summary;
    await loadTranscript();
  }

  async function loadTranscript() {
    const id = open;
    const r = await T.api("GET", `/api/agent/conversations/${id}?after=${lastSeq}`, undefined, auth());
    if (id !== open) return;
    for (const m of r.messages) {
      if (m.seq <= lastSeq) continue;
      const who = { customer: "Customer", ai: "Assistant", agent: (m.meta && m.meta.agent_name) || "Agent", system: "" }[m.author];
      $("transcript").append(T.el("div", { class: "msg " + (m.author === "customer" ? "agent" : m.author === "agent" ? "customer" : m.author) },
        who ? T.el("span", { class: "who" }, who) : null, m.body));
      lastSeq = m.seq;
    }
    $("transcript").scrollTop = $("transcript").scrollHeight;
    const w = await T.api("GET", `/api/workbench/conversations/${id}/whispers`, undefined, auth());
    $("whispers").replaceChildren(...w.whispers.map((x) => T.el("div", { class: "whisper" }, `${x.author_name} (private): ${x.body}`)));
    setMine(r.state === "with_human" && takenByMe.has(id));
  }

  const takenByMe = new Set();
  function setMine(mine) {
    $("sup-composer").hidden = !mine; $("sup-resolve").hidden = !mine; $("takeover").hidden = mine;
  }

  $("whisper-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = $("whisper-text").value.trim();
    if (!body || !open) return;
    try { await T.api("POST", `/api/workbench/conversations/${open}/whispers`, { body }, auth()); $("whisper-text").value = ""; loadTranscript(); }
    catch (e) { showError(e.message); }
  });
  $("takeover").addEventListener("click", async () => {
    if (!open) return;
    try { await T.api("POST", `/api/workbench/conversations/${open}/takeover`, undefined, auth()); takenByMe.add(open); setMine(true); loadTranscript(); $("sup-reply").focus(); }
    catch (e) { showError(e.message); }
  });
  $("sup-composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = $("sup-reply").value.trim();
    if (!body || !open) return;
    try { await T.api("POST", `/api/agent/conversations/${open}/messages`, { body, client_id: T.uuid() }, auth()); $("sup-reply").value = ""; loadTranscript(); }
    catch (e) { showError(e.message); }
  });
  $("sup-reply").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("sup-composer").requestSubmit(); }
  });
  $("sup-resolve").addEventListener("click", async () => {
    try { await T.api("POST", `/api/agent/conversations/${open}/resolve`, undefined, auth()); takenByMe.delete(open); setMine(false); refresh(); }
    catch (e) { showError(e.message); }
  });
  T.loginForm("tandem.supervisor.token", (t) => { token = t; start(); });
  if (token) start(); else $("login").hidden = false;
})();
