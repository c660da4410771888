// The conversation view: the agent's open chats as tabs, each chat's messages (fetched in pages, appended live,
// re-fetched on a gap), typing, whispers, and switching chats (which renders the side panels).
import { $, api, wb, state, perf, activeChat } from "./state.js";
import { beep, flash, updateTitle } from "./cues.js";
import { renderHandoff, renderWhispers, renderTranslate, translateInto, needsTranslation } from "./handoff.js";
import { renderContext } from "./context.js";
import { loadSuggestions, renderSuggestions, closeCanned } from "./suggestions.js";

const LABEL = { customer: "Customer", ai: "Assistant", system: "" };

function messageNode(m) {
  const who = m.author === "agent" ? (m.meta && m.meta.agent_name) || "Agent" : LABEL[m.author];
  const cites = (m.meta && m.meta.citations) || [];
  return T.el("div", { class: "msg " + (m.author === "customer" ? "agent" : m.author === "agent" ? "customer" : m.author), "data-seq": m.seq },
    who ? T.el("span", { class: "who" }, who) : null, m.body,
    cites.length ? T.el("span", { class: "cite" }, "Source: ", ...cites.map((x) => T.el("a", { href: `/help/${encodeURIComponent(x.article_id)}`, target: "_blank", rel: "noopener" }, x.title))) : null);
}

function addMessage(c, m) {
  c.messages.push(m); c.lastSeq = m.seq; c.nodes.push(messageNode(m));
  if (m.author === "customer" && needsTranslation(c)) translateInto(c, m);
}

function showNode(node) { const box = $("msgs"); box.append(node); box.scrollTop = box.scrollHeight; }

export async function loadChats() {
  const r = await api("GET", "/api/agent/conversations");
  const ids = new Set(r.conversations.map((c) => c.id));
  for (const id of [...state.chats.keys()]) if (!ids.has(id)) dropChat(id);
  for (const c of r.conversations) {
    if (!state.chats.has(c.id)) {
      state.chats.set(c.id, { id: c.id, info: c, messages: [], nodes: [], lastSeq: 0, unread: 0, customer: null, card: null,
        suggestions: [], suggestionsLoading: false, suggestionsAgain: false, suggestionId: null, whispers: [], typingUntil: 0, canned: null, translated: new Map() });
    }
  }
  await Promise.all([...state.chats.keys()].map(fetchConvo));
  renderTabs();
}

async function fetchConvo(id) {
  const c = state.chats.get(id);
  let more = true;
  while (more && state.chats.has(id)) {
    const r = await api("GET", `/api/agent/conversations/${id}?after=${c.lastSeq}`);
    c.info = r; c.customer = r.customer;
    for (const m of r.messages) if (m.seq > c.lastSeq) addMessage(c, m);
    more = r.messages.length > 0 && c.lastSeq < r.last_seq;
  }
  if (!c.card) {
    const [card, wh] = await Promise.all([api("GET", wb(id, "/card")), api("GET", wb(id, "/whispers"))]);
    c.card = card; c.whispers = wh.whispers;
    if (needsTranslation(c)) c.messages.filter((m) => m.author === "customer").forEach((m) => translateInto(c, m));
  }
}

export function renderTabs() {
  const tabs = $("tabs"); tabs.replaceChildren();
  for (const [id, c] of state.chats) {
    const typing = c.typingUntil > Date.now();
    tabs.append(T.el("button", { class: (id === state.active ? "active" : "") + (c.unread ? " unread" : ""), role: "tab",
      "aria-selected": id === state.active ? "true" : "false", "data-conversation": id, onclick: () => select(id) },
    (c.info.customer_name || "Customer") + " · " + (c.info.language || ""),
    c.unread ? T.el("span", { class: "badge", "aria-label": `${c.unread} unread` }, c.unread) : null,
    typing ? T.el("span", { class: "typing" }, "typing…") : null));
  }
}

function clearConvo() {
  state.active = null; $("msgs").replaceChildren(T.el("div", { class: "msg system" }, "No conversation selected."));
  for (const id of ["composer", "actions", "handoff", "suggestions", "whispers", "translate-banner", "tools", "canned-menu"]) $(id).hidden = true;
  $("typing").textContent = "";
}

export function select(id) {
  const c = state.chats.get(id);
  if (!c) return;
  const t0 = performance.now();
  if (state.active !== id) { $("reply").value = ""; closeCanned(); }
  state.active = id; c.unread = 0; renderTabs(); updateTitle();
  const box = $("msgs"); box.replaceChildren(...c.nodes); box.scrollTop = box.scrollHeight;
  for (const x of ["composer", "actions", "tools"]) $(x).hidden = false;
  renderHandoff(c); renderWhispers(c); renderContext(c); renderTranslate(c); renderTyping(); renderSuggestions(c);
  perf.switches.push(performance.now() - t0);
  if (!c.suggestions.length) loadSuggestions(id);
  $("reply").focus();
}

export function renderTyping() {
  const c = activeChat();
  $("typing").textContent = c && c.typingUntil > Date.now() ? "Customer is typing…" : "";
}

export function dropChat(id) {
  state.chats.delete(id);
  if (state.active === id) { clearConvo(); const next = state.chats.keys().next(); if (!next.done) select(next.value); }
  renderTabs(); updateTitle();
}

export function onMessage(id, m) {
  const c = state.chats.get(id);
  if (!c || m.seq <= c.lastSeq) return;
  if (m.seq > c.lastSeq + 1) { fetchConvo(id).then(() => { if (state.active === id) select(id); }); return; }
  addMessage(c, m);
  if (m.author === "customer") {
    c.typingUntil = 0;
    if (state.active !== id || document.hidden) { c.unread++; beep(); }
    if (state.active === id) loadSuggestions(id, true);
  }
  if (state.active === id) {
    const t0 = performance.now(); showNode(c.nodes[c.nodes.length - 1]); perf.appends.push(performance.now() - t0); renderTyping();
  }
  renderTabs(); updateTitle();
}

export function onTyping(id) {
  const c = state.chats.get(id);
  if (!c) return;
  c.typingUntil = Date.now() + 4000; renderTabs(); renderTyping();
  setTimeout(() => { renderTabs(); renderTyping(); }, 4100);
}

export function onWhisper(id, w) {
  const c = state.chats.get(id);
  if (!c) return;
  c.whispers.push(w); beep(990);
  if (state.active === id) { renderWhispers(c); flash($("whispers")); } else { c.unread++; renderTabs(); }
}
