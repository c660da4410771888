// Agent console: offers with a countdown, the waiting queue, several chats at once, masked customer data.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  let me = null, ws = null, pingTimer = null, active = null, offers = new Map(), chats = new Map();
  const auth = () => ({ Authorization: "Bearer " + token });
  const showError = (m) => { $("error").textContent = m || ""; };

  async function start() {
    try { me = await T.api("GET", "/api/agent/me", undefined, auth()); }
    catch (_) { token = null; sessionStorage.removeItem("tandem.agent.token"); $("login").hidden = false; return; }
    $("login").hidden = true; $("app").hidden = false; $("presence").hidden = false; $("logout").hidden = false;
    $("me").textContent = `${me.name} · ${me.languages.join(", ")} · up to ${me.capacity} chats`;
    $("presence").value = me.presence === "offline" ? "offline" : me.presence;
    connect();
    await Promise.all([loadQueue(), loadChats(), loadOffers()]);
  }

  function connect() {
    ws = new WebSocket(T.wsUrl("/ws/agent"));
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", token }));
      clearInterval(pingTimer);
      pingTimer = setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ type: "ping" })), 10000);
    };
    ws.onmessage = (ev) => onEvent(JSON.parse(ev.data));
    ws.onclose = (ev) => {
      clearInterval(pingTimer);
      if (ev.code === 4401) { sessionStorage.removeItem("tandem.agent.token"); location.reload(); return; }
      setTimeout(() => { connect(); loadChats(); loadOffers(); }, 1000);
    };
  }

  function onEvent(e) {
    if (e.type === "offer") { offers.set(e.offer.id, e.offer); renderOffers(); }
    else if (e.type === "offer.closed") { offers.delete(e.offer_id); renderOffers(); }
    else if (e.type === "queue.changed" || e.type === "agents.changed") loadQueue();
    else if (e.type === "assigned") { loadChats().then(() => select(e.conversation_id)); }
    else if (e.type === "released") { chats.delete(e.conversation_id); if (active === e.conversation_id) clearConvo(); renderTabs(); }
    else if (e.type === "message") {
      const c = chats.get(e.conversation_id);
      if (!c) return;
      if (e.message.seq > c.lastSeq) {
        c.messages.push(e.message); c.lastSeq = e.message.seq;
        if (active === e.conversation_id) appendMsg(e.message); else { c.unread++; renderTabs(); }
      }
    } else if (e.type === "presence") { $("presence").value = e.presence; }
  }

  function renderOffers() {
    const box = $("offers"); box.replaceChildren();
    for (const o of offers.values()) {
      const pay = o.pay, count = T.el("span", { class: "count" });
      const card = T.el("div", { class: "card offer", "data-offer": o.id },
        T.el("strong", {}, "New conversation"), T.el("div", {}, `Topic: ${o.topic || "general"} · Language: ${o.language}`),
        T.el("div", { class: "muted" }, `Reason: ${o.reason}`),
        T.el("div", {}, `Pay: $${pay.base} + $${pay.per_minute}/min` + (Number(pay.surge_bonus) > 0 ? ` + surge $${pay.surge_bonus}` : "")),
        T.el("div", {}, "Expires in ", count),
        T.el("div", { style: "display:flex; gap:8px; margin-top:8px" },
          T.el("button", { class: "primary", onclick: () => answer(o.id, "accept") }, "Accept"),
          T.el("button", { onclick: () => answer(o.id, "decline") }, "Decline")));
      const tick = () => {
        const left = o.expires_at - Date.now() / 1000;
        count.textContent = left > 0 ? Math.ceil(left) + " s" : "expired";
        if (left <= 0) { offers.delete(o.id); card.remove(); } else setTimeout(tick, 250);
      };
      tick();
      box.append(card);
    }
  }

  async function answer(offerId, verb) {
    try {
      const r = await T.api("POST", `/api/agent/offers/${offerId}/${verb}`, verb === "decline" ? { reason: "busy" } : undefined, auth());
      offers.delete(offerId); renderOffers();
      if (r && r.conversation_id) { await loadChats(); select(r.conversation_id); }
    } catch (e) { showError(e.message); offers.delete(offerId); renderOffers(); }
  }

  async function loadOffers() {
    const r = await T.api("GET", "/api/agent/offers", undefined, auth());
    offers = new Map(r.offers.map((o) => [o.id, o])); renderOffers();
  }

  async function loadQueue() {
    const r = await T.api("GET", "/api/agent/queue", undefined, auth());
    $("qlen").textContent = r.waiting.length;
    const box = $("queue"); box.replaceChildren();
    if (!r.waiting.length) box.append(T.el("div", { class: "muted" }, "Nobody is waiting."));
    for (const w of r.waiting) {
      box.append(T.el("div", { class: "qrow", "data-conversation": w.conversation_id },
        T.el("div", {}, T.el("div", {}, `${w.topic || "general"} · ${w.language}`),
          T.el("div", { class: "muted" }, `${w.reason} · waiting ${T.ago(r.now - w.waiting_since)}`)),
        T.el("button", { onclick: () => take(w.conversation_id) }, "Take")));
    }
  }

  async function take(id) {
    try { await T.api("POST", `/api/agent/conversations/${id}/claim`, undefined, auth()); await loadChats(); select(id); }
    catch (e) { showError(e.message); loadQueue(); }
  }

  async function loadChats() {
    const r = await T.api("GET", "/api/agent/conversations", undefined, auth());
    const ids = new Set(r.conversations.map((c) => c.id));
    for (const id of [...chats.keys()]) if (!ids.has(id)) chats.delete(id);
    for (const c of r.conversations) {
      if (!chats.has(c.id)) chats.set(c.id, { info: c, messages: [], lastSeq: 0, unread: 0, customer: null });
    }
    await Promise.all([...chats.keys()].map(fetchConvo));
    renderTabs();
  }

  async function fetchConvo(id) {
    const c = chats.get(id);
    const r = await T.api("GET", `/api/agent/conversations/${id}?after=${c.lastSeq}`, undefined, auth());
    c.info = r; c.customer = r.customer;
    for (const m of r.messages) if (m.seq > c.lastSeq) { c.messages.push(m); c.lastSeq = m.seq; }
  }

  function renderTabs() {
    const tabs = $("tabs"); tabs.replaceChildren();
    for (const [id, c] of chats) {
      tabs.append(T.el("button", { class: id === active ? "active" : "", role: "tab", onclick: () => select(id) },
        (c.info.customer_name || "Customer") + " · " + (c.info.language || ""), c.unread ? ` (${c.unread})` : ""));
    }
  }

  function clearConvo() {
    active = null; $("msgs").replaceChildren(T.el("div", { class: "msg system" }, "No conversation selected."));
    $("composer").hidden = true; $("actions").hidden = true;
  }

  function select(id) {
    const c = chats.get(id);
    if (!c) return;
    active = id; c.unread = 0; renderTabs();
    $("msgs").replaceChildren(); c.messages.forEach(appendMsg);
    $("composer").hidden = false; $("actions").hidden = false;
    renderContext(c);
    $("reply").focus();
  }

  function appendMsg(m) {
    const who = { customer: "Customer", ai: "Assistant", agent: (m.meta && m.meta.agent_name) || "Agent", system: "" }[m.author];
    const node = T.el("div", { class: "msg " + (m.author === "customer" ? "agent" : m.author === "agent" ? "customer" : m.author) },
      who ? T.el("span", { class: "who" }, who) : null, m.body);
    $("msgs").append(node); $("msgs").scrollTop = $("msgs").scrollHeight;
  }

  function renderContext(c) {
    const box = $("context"); box.replaceChildren(T.el("h3", { style: "margin-top:0" }, "Handoff"));
    const i = c.info;
    box.append(T.el("dl", {}, T.el("dt", {}, "Reason"), T.el("dd", {}, (i.handoff && i.handoff.reason) || i.escalation_reason || "—"),
      T.el("dt", {}, "Intent"), T.el("dd", {}, i.intent || "—"), T.el("dt", {}, "Topic"), T.el("dd", {}, i.topic || "—"),
      T.el("dt", {}, "Language"), T.el("dd", {}, i.language || "—")));
    box.append(T.el("h3", {}, "Customer"));
    const cust = c.customer;
    if (!cust) { box.append(T.el("div", { class: "muted" }, "Anonymous chat — no account linked.")); return; }
    if (cust.unavailable) { box.append(T.el("div", { class: "error" }, "Account system unavailable.")); return; }
    box.append(T.el("dl", {}, T.el("dt", {}, "Name"), T.el("dd", {}, cust.name), T.el("dt", {}, "Email"), T.el("dd", {}, cust.email),
      T.el("dt", {}, "Phone"), T.el("dd", {}, cust.phone), T.el("dt", {}, "Card"), T.el("dd", {}, cust.card),
      T.el("dt", {}, "Status"), T.el("dd", {}, cust.status)));
    box.append(T.el("h4", {}, "Recent orders"));
    for (const o of cust.orders) {
      box.append(T.el("div", { class: "qrow" }, T.el("div", {}, T.el("div", {}, `${o.merchant} · ${o.total} ${o.currency}`),
        T.el("div", { class: "muted" }, `${o.plan} · ${o.status}` + (o.dispute !== "none" ? ` · dispute ${o.dispute}` : "")))));
    }
  }

  $("composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = $("reply").value.trim();
    if (!body || !active) return;
    try {
      await T.api("POST", `/api/agent/conversations/${active}/messages`, { body, client_id: T.uuid() }, auth());
      $("reply").value = ""; showError("");
    } catch (e) { showError(e.message); }
  });
  $("reply").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("composer").requestSubmit(); }
  });
  const release = (verb) => async () => {
    if (!active) return;
    try { await T.api("POST", `/api/agent/conversations/${active}/${verb}`, undefined, auth()); chats.delete(active); clearConvo(); renderTabs(); }
    catch (e) { showError(e.message); }
  };
  $("resolve").addEventListener("click", release("resolve"));
  $("handback").addEventListener("click", release("handback"));
  $("presence").addEventListener("change", async () => {
    try { await T.api("PUT", "/api/agent/me/presence", { presence: $("presence").value }, auth()); }
    catch (e) { showError(e.message); }
  });
  $("logout").addEventListener("click", async () => {
    try { await T.api("POST", "/api/agent/logout", undefined, auth()); } catch (_) { /* already gone */ }
    sessionStorage.removeItem("tandem.agent.token"); location.reload();
  });
  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await T.api("POST", "/api/agent/login", { email: $("email").value, password: $("password").value });
      token = r.token; sessionStorage.setItem("tandem.agent.token", token); $("login-error").textContent = "";
      start();
    } catch (e) { $("login-error").textContent = e.message; }
  });
  if (token) start(); else $("login").hidden = false;
})();
