// Agent console: offers, the queue, several chats at once, the handoff card, suggested replies, canned
// responses, account actions, transfers, whispers and translation. Text goes through textContent only.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  let me = null, ws = null, pingTimer = null, active = null, offers = new Map(), reviewOffers = new Map();
  const chats = new Map();
  const auth = () => ({ Authorization: "Bearer " + token });
  const showError = (m) => { $("error").textContent = m || ""; };
  const wb = (id, path) => `/api/workbench/conversations/${id}${path}`;
  // rendering times, read by the browser tests and bench/console_render.py
  const perf = window.tandemPerf = { switches: [], appends: [] };

  // --- cues: a short WebAudio beep (no sound files) and a flash --------------------------------------------
  let audio = null;
  function beep(freq = 880) {
    if (!$("sound").checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq; gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.18);
      osc.connect(gain).connect(audio.destination); osc.start(); osc.stop(audio.currentTime + 0.2);
    } catch (_) { /* audio unavailable: the visual cue remains */ }
  }
  function flash(node) { node.classList.remove("flash"); void node.offsetWidth; node.classList.add("flash"); }
  function updateTitle() {
    const unread = [...chats.values()].reduce((n, c) => n + c.unread, 0) + offers.size + reviewOffers.size;
    document.title = (unread ? `(${unread}) ` : "") + "Tandem — Agent console";
  }

  async function start() {
    try { me = await T.api("GET", "/api/agent/me", undefined, auth()); }
    catch (_) { token = null; sessionStorage.removeItem("tandem.agent.token"); $("login").hidden = false; return; }
    $("login").hidden = true; $("app").hidden = false;
    for (const id of ["presence", "logout", "sound-wrap"]) $(id).hidden = false;
    $("me").textContent = `${me.name} · ${me.languages.join(", ")} · up to ${me.capacity} chats`;
    $("presence").value = me.presence === "offline" ? "offline" : me.presence;
    connect();
    await Promise.all([loadQueue(), loadChats(), loadOffers()]);
    if (!active && chats.size) select(chats.keys().next().value);
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
    if (e.type === "offer") { offers.set(e.offer.id, e.offer); renderOffers(); beep(660); updateTitle(); }
    else if (e.type === "offer.closed") { offers.delete(e.offer_id); renderOffers(); updateTitle(); }
    else if (e.type === "review.offer") { reviewOffers.set(e.offer.id, e.offer); renderOffers(); beep(520); updateTitle(); }
    else if (e.type === "review.offer.closed") { reviewOffers.delete(e.offer_id); renderOffers(); updateTitle(); }
    else if (e.type === "queue.changed" || e.type === "agents.changed") loadQueue();
    else if (e.type === "assigned") { loadChats().then(() => { if (!active) select(e.conversation_id); }); }
    else if (e.type === "released") dropChat(e.conversation_id);
    else if (e.type === "message") onMessage(e.conversation_id, e.message);
    else if (e.type === "typing") onTyping(e.conversation_id);
    else if (e.type === "whisper") onWhisper(e.conversation_id, e.whisper);
    else if (e.type === "presence") { $("presence").value = e.presence; if (e.presence === "offline") { offers.clear(); reviewOffers.clear(); renderOffers(); } }
  }

  function onMessage(id, m) {
    const c = chats.get(id);
    if (!c || m.seq <= c.lastSeq) return;
    if (m.seq > c.lastSeq + 1) { fetchConvo(id).then(() => { if (active === id) select(id); }); return; }
    addMessage(c, m);
    if (m.author === "customer") {
      c.typingUntil = 0;
      if (active !== id || document.hidden) { c.unread++; beep(); }
      if (active === id) loadSuggestions(id);
    }
    if (active === id) { const t0 = performance.now(); showNode(c.nodes[c.nodes.length - 1]); perf.appends.push(performance.now() - t0); renderTyping(); }
    renderTabs(); updateTitle();
  }

  function onTyping(id) {
    const c = chats.get(id);
    if (!c) return;
    c.typingUntil = Date.now() + 4000; renderTabs(); renderTyping();
    setTimeout(() => { renderTabs(); renderTyping(); }, 4100);
  }

  function onWhisper(id, w) {
    const c = chats.get(id);
    if (!c) return;
    c.whispers.push(w); beep(990);
    if (active === id) { renderWhispers(c); flash($("whispers")); } else { c.unread++; renderTabs(); }
  }

  function dropChat(id) {
    chats.delete(id);
    if (active === id) { clearConvo(); const next = chats.keys().next(); if (!next.done) select(next.value); }
    renderTabs(); updateTitle();
  }

  // --- offers and queue ------------------------------------------------------------------------------------
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
        if (left <= 0) { offers.delete(o.id); card.remove(); updateTitle(); } else setTimeout(tick, 250);
      };
      tick();
      box.append(card); flash(card);
    }
    for (const o of reviewOffers.values()) box.append(reviewCard(o));
  }

  // QA review offers (senior agents with nothing else to do); a review never counts against chat capacity
  function reviewCard(o) {
    const count = T.el("span", { class: "count" });
    const card = T.el("div", { class: "card offer review-offer", "data-review-offer": o.id },
      T.el("strong", {}, "QA review"),
      T.el("div", {}, `A conversation handled by ${o.handled_by === "ai" ? "the assistant" : "an agent"} · ${o.intent || "intent unknown"}`),
      T.el("div", {}, `Pay: $${o.pay.per_review} per review`),
      T.el("div", {}, "Expires in ", count),
      T.el("div", { style: "display:flex; gap:8px; margin-top:8px" },
        T.el("button", { class: "primary", onclick: () => answerReview(o.id, "accept") }, "Accept review"),
        T.el("button", { onclick: () => answerReview(o.id, "decline") }, "Decline")));
    const tick = () => {
      const left = o.expires_at - Date.now() / 1000;
      count.textContent = left > 0 ? Math.ceil(left) + " s" : "expired";
      if (left <= 0) { reviewOffers.delete(o.id); card.remove(); updateTitle(); } else setTimeout(tick, 250);
    };
    tick(); flash(card);
    return card;
  }

  async function answerReview(offerId, verb) {
    // the review opens in its own tab (opened now, while the click still counts) so chats here stay live
    const tab = verb === "accept" ? window.open("", "tandem-review") : null;
    try {
      const r = await T.api("POST", `/api/review/offers/${offerId}/${verb}`, verb === "decline" ? { reason: "not now" } : undefined, auth());
      reviewOffers.delete(offerId); renderOffers(); updateTitle();
      if (r && r.task) {
        const url = "/review?task=" + encodeURIComponent(r.task.id);
        if (tab) tab.location.href = url; else location.assign(url);
      }
    } catch (e) { if (tab) tab.close(); showError(e.message); reviewOffers.delete(offerId); renderOffers(); }
  }

  async function answer(offerId, verb) {
    try {
      const r = await T.api("POST", `/api/agent/offers/${offerId}/${verb}`, verb === "decline" ? { reason: "busy" } : undefined, auth());
      offers.delete(offerId); renderOffers(); updateTitle();
      if (r && r.conversation_id) { await loadChats(); select(r.conversation_id); }
    } catch (e) { showError(e.message); offers.delete(offerId); renderOffers(); }
  }

  async function loadOffers() {
    const r = await T.api("GET", "/api/agent/offers", undefined, auth());
    offers = new Map(r.offers.map((o) => [o.id, o]));
    const rv = await T.api("GET", "/api/review/offers", undefined, auth());
    reviewOffers = new Map(rv.offers.map((o) => [o.id, o])); renderOffers(); updateTitle();
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

  // --- chats -----------------------------------------------------------------------------------------------
  async function loadChats() {
    const r = await T.api("GET", "/api/agent/conversations", undefined, auth());
    const ids = new Set(r.conversations.map((c) => c.id));
    for (const id of [...chats.keys()]) if (!ids.has(id)) dropChat(id);
    for (const c of r.conversations) {
      if (!chats.has(c.id)) {
        chats.set(c.id, { id: c.id, info: c, messages: [], nodes: [], lastSeq: 0, unread: 0, customer: null, card: null,
          suggestions: [], suggestionId: null, whispers: [], typingUntil: 0, canned: null, translated: new Map() });
      }
    }
    await Promise.all([...chats.keys()].map(fetchConvo));
    renderTabs();
  }

  async function fetchConvo(id) {
    const c = chats.get(id);
    let more = true;
    while (more && chats.has(id)) {
      const r = await T.api("GET", `/api/agent/conversations/${id}?after=${c.lastSeq}`, undefined, auth());
      c.info = r; c.customer = r.customer;
      for (const m of r.messages) if (m.seq > c.lastSeq) addMessage(c, m);
      more = r.messages.length > 0 && c.lastSeq < r.last_seq;
    }
    if (!c.card) {
      const [card, wh] = await Promise.all([T.api("GET", wb(id, "/card"), undefined, auth()),
        T.api("GET", wb(id, "/whispers"), undefined, auth())]);
      c.card = card; c.whispers = wh.whispers;
      if (card.translation.needed && card.translation.available) c.messages.filter((m) => m.author === "customer").forEach((m) => translateInto(c, m));
    }
  }

  function addMessage(c, m) {
    c.messages.push(m); c.lastSeq = m.seq; c.nodes.push(messageNode(m));
    if (m.author === "customer" && c.card && c.card.translation.needed && c.card.translation.available) translateInto(c, m);
  }

  function messageNode(m) {
    const who = { customer: "Customer", ai: "Assistant", agent: (m.meta && m.meta.agent_name) || "Agent", system: "" }[m.author];
    const cites = (m.meta && m.meta.citations) || [];
    return T.el("div", { class: "msg " + (m.author === "customer" ? "agent" : m.author === "agent" ? "customer" : m.author), "data-seq": m.seq },
      who ? T.el("span", { class: "who" }, who) : null, m.body,
      cites.length ? T.el("span", { class: "cite" }, "Source: ", ...cites.map((x) => T.el("a", { href: `/help/${encodeURIComponent(x.article_id)}`, target: "_blank", rel: "noopener" }, x.title))) : null);
  }

  function showNode(node) { const box = $("msgs"); box.append(node); box.scrollTop = box.scrollHeight; }

  function renderTabs() {
    const tabs = $("tabs"); tabs.replaceChildren();
    for (const [id, c] of chats) {
      const typing = c.typingUntil > Date.now();
      tabs.append(T.el("button", { class: (id === active ? "active" : "") + (c.unread ? " unread" : ""), role: "tab",
        "aria-selected": id === active ? "true" : "false", "data-conversation": id, onclick: () => select(id) },
      (c.info.customer_name || "Customer") + " · " + (c.info.language || ""),
      c.unread ? T.el("span", { class: "badge", "aria-label": `${c.unread} unread` }, c.unread) : null,
      typing ? T.el("span", { class: "typing" }, "typing…") : null));
    }
  }

  function clearConvo() {
    active = null; $("msgs").replaceChildren(T.el("div", { class: "msg system" }, "No conversation selected."));
    for (const id of ["composer", "actions", "handoff", "suggestions", "whispers", "translate-banner", "tools", "canned-menu"]) $(id).hidden = true;
    $("typing").textContent = "";
  }

  function select(id) {
    const c = chats.get(id);
    if (!c) return;
    const t0 = performance.now();
    if (active !== id) { $("reply").value = ""; closeCanned(); }
    active = id; c.unread = 0; renderTabs(); updateTitle();
    const box = $("msgs"); box.replaceChildren(...c.nodes); box.scrollTop = box.scrollHeight;
    for (const x of ["composer", "actions", "tools"]) $(x).hidden = false;
    renderHandoff(c); renderWhispers(c); renderContext(c); renderTranslate(c); renderTyping(); renderSuggestions(c);
    perf.switches.push(performance.now() - t0);
    if (!c.suggestions.length) loadSuggestions(id);
    $("reply").focus();
  }

  function renderTyping() {
    const c = active && chats.get(active);
    $("typing").textContent = c && c.typingUntil > Date.now() ? "Customer is typing…" : "";
  }

  // --- handoff card, whispers, translation ----------------------------------------------------------------
  function renderHandoff(c) {
    const box = $("handoff"), k = c.card;
    box.hidden = !k;
    if (!k) return;
    const points = k.sentiment.points;
    const bars = T.el("span", { class: "trend", title: "customer sentiment per message (VADER)" },
      ...points.slice(-12).map((p) => T.el("span", { style: `height:${4 + Math.round(Math.abs(p.score) * 14)}px;background:${p.score < -0.05 ? "var(--bad)" : p.score > 0.05 ? "var(--brand)" : "#98a2b3"}` })));
    const facts = c.customer && !c.customer.unavailable ? [c.customer.name, c.customer.status, c.customer.card,
      ...(c.customer.orders || []).slice(0, 2).map((o) => `${o.id} ${o.plan} ${o.status}`)].join(" · ") : "no linked account";
    box.replaceChildren(...[
      T.el("strong", {}, "Handoff"),
      T.el("div", { class: "summary" }, k.summary),
      T.el("div", { class: "chips" },
        T.el("span", { class: "pill" }, "Intent: " + (k.intent || "—")),
        T.el("span", { class: "pill" }, "Language: " + k.language),
        T.el("span", { class: "pill" }, "Reason: " + (k.escalation_reason || "—")),
        T.el("span", { class: "pill" }, "Sentiment: " + k.sentiment.direction + " "), bars,
        k.tier ? T.el("span", { class: "pill" }, "Your tier: " + k.tier) : null),
      k.note ? T.el("div", {}, T.el("strong", {}, "Transfer note: "), k.note) : null,
      k.asked.length > 1 ? T.el("ul", {}, ...k.asked.slice(1).map((s) => T.el("li", {}, s))) : null,
      T.el("div", { class: "muted" }, "Account: " + facts)].filter(Boolean));
  }

  function renderWhispers(c) {
    const box = $("whispers");
    box.hidden = !c.whispers.length;
    box.replaceChildren(T.el("strong", {}, "Private notes from your supervisor (the customer never sees these)"),
      ...c.whispers.map((w) => T.el("div", { class: "whisper" }, `${w.author_name}: ${w.body}`)));
  }

  function renderTranslate(c) {
    const t = c.card && c.card.translation, box = $("translate-banner");
    box.hidden = !(t && t.needed);
    if (t && t.needed) box.textContent = t.note;
  }

  async function translateInto(c, m) {
    try {
      const r = await T.api("POST", wb(c.id, "/translate"), { text: m.body, direction: "in" }, auth());
      const node = c.nodes[c.messages.indexOf(m)];
      if (node) node.append(T.el("span", { class: "translation" }, `${r.target}: ${r.translation}`));
    } catch (_) { /* the original text stays visible */ }
  }

  // --- suggestions and canned responses -------------------------------------------------------------------
  async function loadSuggestions(id) {
    try {
      const r = await T.api("POST", wb(id, "/suggestions"), undefined, auth());
      const c = chats.get(id);
      if (!c) return;
      c.suggestions = r.suggestions;
      if (active === id) renderSuggestions(c);
    } catch (_) { /* suggestions are optional help */ }
  }

  function renderSuggestions(c) {
    const box = $("suggestions");
    box.hidden = !c.suggestions.length;
    box.replaceChildren(...c.suggestions.map((s, i) => T.el("div", { class: "sugg", "data-suggestion": s.id },
      T.el("button", { type: "button", "aria-label": `Insert suggestion ${i + 1}`, onclick: () => insertSuggestion(i) }, `Alt+${i + 1}`),
      T.el("div", { class: "body" }, s.body,
        T.el("span", { class: "cite" }, "Source: ", T.el("a", { href: `/help/${encodeURIComponent(s.citation.article_id)}`, target: "_blank", rel: "noopener" }, s.citation.title))))));
  }

  function insertSuggestion(i) {
    const c = active && chats.get(active);
    if (!c || !c.suggestions[i]) return;
    $("reply").value = c.suggestions[i].body; c.suggestionId = c.suggestions[i].id;
    $("reply").focus(); $("reply").setSelectionRange(0, 0);
  }

  let cannedIndex = 0, cannedItems = [];
  async function openCanned() {
    const c = active && chats.get(active);
    if (!c) return;
    if (!c.canned) c.canned = (await T.api("GET", wb(c.id, "/canned"), undefined, auth())).canned;
    filterCanned();
  }
  function filterCanned() {
    const c = active && chats.get(active), text = $("reply").value;
    if (!c || !c.canned || !text.startsWith("/")) { closeCanned(); return; }
    const q = text.slice(1).toLowerCase();
    cannedItems = c.canned.filter((x) => `${x.shortcut} ${x.title} ${x.body}`.toLowerCase().includes(q));
    cannedIndex = Math.min(cannedIndex, Math.max(0, cannedItems.length - 1));
    const menu = $("canned-menu"); menu.hidden = false;
    menu.replaceChildren(...(cannedItems.length ? cannedItems.map((x, i) => T.el("div", { role: "option", "aria-selected": i === cannedIndex ? "true" : "false",
      onmousedown: (ev) => { ev.preventDefault(); cannedIndex = i; pickCanned(); } }, T.el("strong", {}, "/" + x.shortcut), " — ", x.title))
      : [T.el("div", { class: "muted", style: "padding:6px 10px" }, "No canned response matches.")]));
  }
  function closeCanned() { $("canned-menu").hidden = true; cannedItems = []; cannedIndex = 0; }
  function pickCanned() {
    const item = cannedItems[cannedIndex];
    if (!item) return;
    $("reply").value = item.filled; closeCanned(); $("reply").focus();
  }

  // --- customer and tools ---------------------------------------------------------------------------------
  function renderContext(c) {
    const box = $("context"); box.replaceChildren(T.el("h3", { style: "margin-top:0" }, "Customer"));
    const cust = c.customer, orders = $("act-order");
    orders.replaceChildren();
    if (!cust) { box.append(T.el("div", { class: "muted" }, "Anonymous chat — no account linked.")); return; }
    if (cust.unavailable) { box.append(T.el("div", { class: "error" }, "Account system unavailable.")); return; }
    box.append(T.el("dl", {}, T.el("dt", {}, "Name"), T.el("dd", {}, cust.name), T.el("dt", {}, "Email"), T.el("dd", {}, cust.email),
      T.el("dt", {}, "Phone"), T.el("dd", {}, cust.phone), T.el("dt", {}, "Card"), T.el("dd", {}, cust.card),
      T.el("dt", {}, "Status"), T.el("dd", {}, cust.status)));
    box.append(T.el("h4", {}, "Recent orders"));
    for (const o of cust.orders) {
      orders.append(T.el("option", { value: o.id }, `${o.id} · ${o.merchant}`));
      box.append(T.el("div", { class: "qrow" }, T.el("div", {}, T.el("div", {}, `${o.merchant} · ${o.total} ${o.currency}`),
        T.el("div", { class: "muted" }, `${o.id} · ${o.plan} · ${o.status}` + (o.dispute !== "none" ? ` · dispute ${o.dispute}` : "")))));
    }
  }

  $("act-kind").addEventListener("change", () => {
    const kind = $("act-kind").value;
    $("act-days").hidden = !["pause_payment", "change_due_date"].includes(kind);
    $("act-amount").hidden = kind !== "goodwill_credit";
    $("act-order").hidden = kind === "goodwill_credit";
  });
  $("act-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!active) return;
    const kind = $("act-kind").value, body = { action: kind };
    if (kind !== "goodwill_credit") body.order_id = $("act-order").value;
    if (!$("act-days").hidden) body.days = Number($("act-days").value);
    if (kind === "goodwill_credit") body.amount = $("act-amount").value.trim();
    try { const r = await T.api("POST", wb(active, "/actions"), body, auth()); $("act-result").textContent = "Done: " + r.summary; }
    catch (e) { $("act-result").textContent = "Refused: " + e.message; }
  });
  $("xfer-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!active) return;
    const body = { language: $("xfer-lang").value || null, topic: $("xfer-topic").value || null, note: $("xfer-note").value.trim() || null };
    try { const id = active; await T.api("POST", wb(id, "/transfer"), body, auth()); $("xfer-note").value = ""; dropChat(id); }
    catch (e) { showError(e.message); }
  });

  // --- composer and keyboard ------------------------------------------------------------------------------
  async function send() {
    // the chat is fixed when Enter is pressed: the agent may switch chats and type on while this is in flight
    const id = active, text = $("reply").value.trim();
    if (!text || !id) return;
    const c = chats.get(id), t = c.card && c.card.translation, suggestionId = c.suggestionId;
    $("reply").value = ""; c.suggestionId = null;
    let body = text;
    try {
      if (t && t.needed && t.available) body = (await T.api("POST", wb(id, "/translate"), { text, direction: "out" }, auth())).translation;
      const payload = { body, client_id: T.uuid() };
      if (suggestionId) payload.suggestion_id = suggestionId;
      await T.api("POST", `/api/agent/conversations/${id}/messages`, payload, auth());
      showError("");
    } catch (e) {
      showError(e.message);
      // not sent: give the text back, unless the agent has moved on or typed something else meanwhile
      if (active === id && !$("reply").value.trim()) { $("reply").value = text; c.suggestionId = suggestionId; }
    }
  }
  $("composer").addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
  $("reply").addEventListener("input", () => {
    const c = active && chats.get(active);
    if (c && !$("reply").value.trim()) c.suggestionId = null;
    if ($("reply").value.startsWith("/")) openCanned(); else closeCanned();
  });
  $("reply").addEventListener("keydown", (ev) => {
    const menuOpen = !$("canned-menu").hidden && cannedItems.length;
    if (menuOpen && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault(); cannedIndex = (cannedIndex + (ev.key === "ArrowDown" ? 1 : cannedItems.length - 1)) % cannedItems.length; filterCanned(); return;
    }
    if (menuOpen && (ev.key === "Enter" || ev.key === "Tab")) { ev.preventDefault(); pickCanned(); return; }
    if (ev.key === "Escape") { closeCanned(); return; }
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); send(); }
  });
  document.addEventListener("keydown", (ev) => {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const ids = [...chats.keys()], at = ids.indexOf(active);
    if (/^Digit[1-3]$/.test(ev.code)) { ev.preventDefault(); insertSuggestion(Number(ev.code.slice(5)) - 1); }
    else if (ev.key === "ArrowDown" && ids.length) { ev.preventDefault(); select(ids[(at + 1) % ids.length]); }
    else if (ev.key === "ArrowUp" && ids.length) { ev.preventDefault(); select(ids[(at - 1 + ids.length) % ids.length]); }
    else if (ev.code === "KeyA" && offers.size) { ev.preventDefault(); const first = [...offers.values()].sort((a, b) => a.created_at - b.created_at)[0]; answer(first.id, "accept"); }
    else if (ev.code === "KeyR") { ev.preventDefault(); $("reply").focus(); }
  });

  const release = (verb) => async () => {
    if (!active) return;
    try { const id = active; await T.api("POST", `/api/agent/conversations/${id}/${verb}`, undefined, auth()); dropChat(id); }
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
  setInterval(() => { renderTyping(); }, 1000);
  if (token) start(); else $("login").hidden = false;
})();
