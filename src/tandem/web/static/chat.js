// Customer chat: messages are stored before they are acknowledged; unacknowledged ones are retried with the
// same client_id (stored once), and a reconnect asks for everything after the last sequence number seen.
"use strict";
(() => {
  const params = new URLSearchParams(location.search);
  const KEY = "tandem.chat." + (params.get("customer") || "anon");
  const $ = (id) => document.getElementById(id);
  const msgs = $("msgs"), text = $("text"), queueBanner = $("queue");
  let state = JSON.parse(localStorage.getItem(KEY) || "null");  // {id, token, lastSeq, outbox:[]}
  let ws = null, wsOpen = false, backoff = 500, convState = "ai", rating = 0;
  // labels in the customer's language: English text -> translation, from the server's gettext catalogs
  let labels = {}, uiLang = "en";
  let brand = {};  // the company from GET /api/company
  const _l = (msgid, params = {}) => (labels[msgid] || msgid).replace(/\{(\w+)\}/g, (m, k) => (k in params ? params[k] : m));

  const save = () => localStorage.setItem(KEY, JSON.stringify(state));
  const showError = (msg) => { $("error").textContent = msg || ""; };
  const NORWEGIAN = { no: "nb", nn: "nb" };
  const wanted = ((state && state.language) || params.get("lang") || navigator.language || "en").slice(0, 2).toLowerCase();
  $("lang").value = NORWEGIAN[wanted] || wanted;
  if (!$("lang").value) $("lang").value = "en";

  // every label of the page, translated whenever the language changes (the customer's choice or their writing)
  function applyLabels() {
    document.documentElement.lang = uiLang;
    document.title = _l("Help");
    $("human").textContent = _l("Talk to a human");
    $("human").title = _l("Talk to a person from our team");
    $("end").textContent = _l("End chat");
    $("rating-title").textContent = _l("How did we do?");
    $("comment").placeholder = _l("Anything to add? (optional)");
    $("comment-label").textContent = _l("Anything to add? (optional)");
    $("rate").textContent = _l("Send rating");
    $("new").textContent = _l("Start a new chat");
    $("text").placeholder = _l("Type your question…");
    $("text").setAttribute("aria-label", _l("Message"));
    $("send").textContent = _l("Send");
    $("lang").setAttribute("aria-label", _l("Language"));
    [...$("stars").children].forEach((b, k) => b.setAttribute("aria-label", _l("{count} of 5 stars", { count: k + 1 })));
    if (params.get("customer")) $("who").textContent = _l("Signed in as {name}", { name: params.get("customer") });
    msgs.querySelectorAll(".msg.customer > .who").forEach((n) => { n.textContent = _l("You"); });
    msgs.querySelectorAll(".msg.ai > .who").forEach((n) => { n.textContent = brand.assistant_name || _l("Assistant"); });
    const intro = $("intro");
    if (intro) intro.textContent = _l("Ask a question about payments, refunds or your account. A person is always one click away.");
  }

  async function useLanguage(lang) {
    if (lang === uiLang && Object.keys(labels).length) return;
    try {
      const r = await T.api("GET", "/api/i18n/" + encodeURIComponent(lang));
      labels = r.messages; uiLang = r.language;
      if ($("lang").value !== uiLang) $("lang").value = uiLang;
    } catch (_) { labels = {}; uiLang = "en"; }
    applyLabels();
  }

  function bubble(m) {
    const who = { customer: _l("You"), ai: brand.assistant_name || _l("Assistant"), agent: (m.meta && m.meta.agent_name) || _l("Agent"), system: "" }[m.author];
    const node = T.el("div", { class: "msg " + m.author, "data-seq": m.seq || "" },
      who ? T.el("span", { class: "who" }, who) : null, m.body);
    const cites = (m.meta && m.meta.citations) || [];
    for (const c of cites) {
      node.append(T.el("span", { class: "cite" }, _l("Source:") + " ",
        T.el("a", { href: "/help/" + encodeURIComponent(c.article_id), target: "_blank", rel: "noopener" }, c.title)));
    }
    return node;
  }

  function render(m) {
    if (m.seq <= state.lastSeq) return;
    const pending = m.client_id && msgs.querySelector(`[data-client="${CSS.escape(m.client_id)}"]`);
    if (pending) pending.remove();
    msgs.append(bubble(m));
    msgs.scrollTop = msgs.scrollHeight;
    state.lastSeq = m.seq;
    state.outbox = state.outbox.filter((o) => o.client_id !== m.client_id);
    save();
  }

  function showStatus(s) {
    convState = s.state;
    // the conversation's language follows what the customer writes: the labels follow it too
    if (s.language && s.language !== uiLang) useLanguage(s.language);
    if (s.queue && (s.state === "waiting_human" || s.state === "offered")) {
      queueBanner.textContent = s.queue.text;  // position, honest wait and why, in the conversation's language
      queueBanner.hidden = false;
    } else if (s.state === "with_human") {
      queueBanner.hidden = true;
    } else {
      queueBanner.hidden = true;
    }
    const ended = s.state === "resolved" || s.state === "abandoned";
    $("rating").hidden = !ended;
    $("composer").hidden = ended;
    $("human").disabled = ended || s.state !== "ai";
    $("end").disabled = ended;
  }

  // why the site's sign-in was refused, in words a customer can act on (the details are in the server's log)
  function signInMessage(reason) {
    if (reason === "expired") return _l("Your sign-in to this chat has expired. Reload the page to continue.");
    return _l("We could not confirm who you are. Reload the page, or sign in again on our site.");
  }

  // one conversation however fast the first messages come: quick sends while the POST is in flight wait for
  // the same request instead of each creating a conversation (the later one used to drop the earlier outbox)
  let starting = null;
  function ensureConversation() {
    if (state && state.id) return Promise.resolve();
    if (!starting) starting = startConversation().finally(() => { starting = null; });
    return starting;
  }

  async function startConversation() {
    const body = { language: $("lang").value };
    if (params.get("customer")) {
      // the signed embed: the company's server signed "v1.<exp>.<customer_ref>" (docs/api.md)
      body.customer_ref = params.get("customer");
      if (params.get("signature")) body.signature = params.get("signature");
      if (/^\d+$/.test(params.get("exp") || "")) body.exp = Number(params.get("exp"));
    }
    let c;
    try {
      c = await T.api("POST", "/api/conversations", body);
    } catch (e) {
      if (e.status === 401 && e.reason) throw new Error(signInMessage(e.reason));
      throw e;
    }
    state = { id: c.id, token: c.token, lastSeq: 0, outbox: [], language: body.language };
    save();
    connect();
  }

  function connect() {
    if (!state || !state.id) return;
    ws = new WebSocket(T.wsUrl("/ws/conversations/" + state.id));
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", token: state.token, after: state.lastSeq }));
      wsOpen = true; backoff = 500; showError("");
      for (const o of state.outbox) ws.send(JSON.stringify({ type: "message", body: o.body, client_id: o.client_id }));
    };
    ws.onmessage = (ev) => {
      const e = JSON.parse(ev.data);
      if (e.type === "message") render(e.message);
      else if (e.type === "status") showStatus(e);
      else if (e.type === "state") showStatus({ state: e.state, queue: null });
      else if (e.type === "error" && e.error.code === "rate_limited" && e.client_id) {
        // not stored: keep it in the outbox and send it again when the server says (nothing is lost)
        showError("Sending a little slower…");
        resendLater(e.client_id, (e.error.details.retry_after || 1) * 1000);
      }
      else if (e.type === "error") {
        showError(e.error.message);
        if (e.client_id) markFailed(e.client_id);
      }
    };
    ws.onclose = (ev) => {
      wsOpen = false;
      if (ev.code === 4401) { showError(_l("This chat is no longer available. Start a new one.")); return; }
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 8000);
    };
  }

  function resendLater(clientId, ms) {
    setTimeout(() => {
      const o = state.outbox.find((x) => x.client_id === clientId);
      if (o && wsOpen) { ws.send(JSON.stringify({ type: "message", body: o.body, client_id: o.client_id })); showError(""); }
    }, ms);
  }

  function markFailed(clientId) {
    state.outbox = state.outbox.filter((o) => o.client_id !== clientId); save();
    const node = msgs.querySelector(`[data-client="${CSS.escape(clientId)}"]`);
    if (node) node.classList.add("failed");
  }

  async function send(body) {
    await ensureConversation();
    const o = { body, client_id: T.uuid() };
    state.outbox.push(o); save();
    const node = bubble({ author: "customer", body, meta: {} });
    node.classList.add("pending"); node.dataset.client = o.client_id;
    msgs.append(node); msgs.scrollTop = msgs.scrollHeight;
    if (wsOpen) ws.send(JSON.stringify({ type: "message", body, client_id: o.client_id }));
  }

  $("composer").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = text.value.trim();
    if (!body) return;
    text.value = "";
    send(body).catch((e) => {
      showError(e.message);
      if (!text.value) text.value = body;  // not sent: keep what the customer wrote
    });
  });
  let lastTyping = 0;
  text.addEventListener("input", () => {
    // tell the agent the customer is typing, at most every 3 seconds (never stored)
    if (wsOpen && convState === "with_human" && Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      ws.send(JSON.stringify({ type: "typing" }));
    }
  });
  text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("composer").requestSubmit(); }
  });
  $("human").addEventListener("click", async () => {
    try {
      await ensureConversation();
      const r = await T.api("POST", `/api/conversations/${state.id}/handoff`, { reason: "customer_button" },
        { "X-Conversation-Token": state.token });
      showStatus(r);
    } catch (e) { showError(e.message); }
  });
  $("end").addEventListener("click", async () => {
    if (!state || !state.id) return;
    try {
      const r = await T.api("POST", `/api/conversations/${state.id}/end`, undefined, { "X-Conversation-Token": state.token });
      showStatus({ state: r.state, queue: null });
    } catch (e) { showError(e.message); }
  });
  // the stars are one radio group: one tab stop (the checked star, else the first), arrows move and choose
  const stars = () => [...$("stars").children];
  function rate(i, focus) {
    rating = i;
    stars().forEach((b, k) => { b.classList.toggle("on", k < i); b.setAttribute("aria-checked", String(k + 1 === i)); b.tabIndex = k + 1 === i ? 0 : -1; });
    if (focus) stars()[i - 1].focus();
  }
  for (let i = 1; i <= 5; i++) {
    $("stars").append(T.el("button", { type: "button", role: "radio", "aria-label": _l("{count} of 5 stars", { count: i }),
      "aria-checked": "false", tabindex: i === 1 ? "0" : "-1", "data-score": i, onclick: () => rate(i) }, "★"));
  }
  $("stars").addEventListener("keydown", (ev) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[ev.key];
    const to = step ? Math.min(5, Math.max(1, (rating || 0) + step)) : ev.key === "Home" ? 1 : ev.key === "End" ? 5 : 0;
    if (to) { ev.preventDefault(); rate(to, true); }
  });
  $("rate").addEventListener("click", async () => {
    if (!rating) { showError(_l("Choose 1 to 5 stars.")); return; }
    try {
      await T.api("POST", `/api/conversations/${state.id}/rating`, { score: rating, comment: $("comment").value || null },
        { "X-Conversation-Token": state.token });
      $("rated").textContent = _l("Thank you for your feedback!");
      $("rate").disabled = true;
    } catch (e) { showError(e.message); }
  });
  $("new").addEventListener("click", () => { localStorage.removeItem(KEY); location.reload(); });
  $("lang").addEventListener("change", () => {
    if (state) { state.language = $("lang").value; save(); }
    useLanguage($("lang").value);
  });

  if (state && state.id) {
    state.lastSeq = 0;  // re-render the transcript from the server after a page reload
    save();
    connect();
  } else {
    state = null;
    msgs.append(T.el("div", { class: "msg system", id: "intro" }));
  }
  useLanguage($("lang").value);
  // the configured company's name and colours (GET /api/company); the page stays usable without them
  T.api("GET", "/api/company").then((c) => {
    brand = c;
    $("brand").textContent = c.name + " · Help";
    document.title = c.name + " — Help";
    document.documentElement.style.setProperty("--brand", c.widget.primary_color);
    document.documentElement.style.setProperty("--brand-ink", c.widget.text_color);
    msgs.querySelectorAll(".msg.ai > .who").forEach((n) => { n.textContent = c.assistant_name; });
  }).catch(() => {});
})();
