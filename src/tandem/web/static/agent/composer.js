// The reply box and the keyboard: Enter sends (translated first when the customer writes another language),
// "/" opens canned responses, Alt+1..3 inserts a suggestion, Alt+arrows switch chats, Alt+A accepts, Alt+R
// focuses the reply.
import { $, api, wb, state, showError, activeChat } from "./state.js";
import { select } from "./conversation.js";
import { insertSuggestion, canned, openCanned, filterCanned, closeCanned, pickCanned } from "./suggestions.js";
import { acceptOldest } from "./offers.js";

async function send() {
  // the chat is fixed when Enter is pressed: the agent may switch chats and type on while this is in flight
  const id = state.active, text = $("reply").value.trim();
  if (!text || !id) return;
  const c = state.chats.get(id), t = c.card && c.card.translation, suggestionId = c.suggestionId;
  $("reply").value = ""; c.suggestionId = null;
  let body = text;
  try {
    if (t && t.needed && t.available) body = (await api("POST", wb(id, "/translate"), { text, direction: "out" })).translation;
    const payload = { body, client_id: T.uuid() };
    if (suggestionId) payload.suggestion_id = suggestionId;
    await api("POST", `/api/agent/conversations/${id}/messages`, payload);
    showError("");
  } catch (e) {
    showError(e.message);
    // not sent: give the text back, unless the agent has moved on or typed something else meanwhile
    if (state.active === id && !$("reply").value.trim()) { $("reply").value = text; c.suggestionId = suggestionId; }
  }
}

export function wireComposer() {
  $("composer").addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
  $("reply").addEventListener("input", () => {
    const c = activeChat();
    if (c && !$("reply").value.trim()) c.suggestionId = null;
    if ($("reply").value.startsWith("/")) openCanned(); else closeCanned();
  });
  $("reply").addEventListener("keydown", (ev) => {
    const menuOpen = !$("canned-menu").hidden && canned.items.length;
    if (menuOpen && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault(); canned.index = (canned.index + (ev.key === "ArrowDown" ? 1 : canned.items.length - 1)) % canned.items.length; filterCanned(); return;
    }
    if (menuOpen && (ev.key === "Enter" || ev.key === "Tab")) { ev.preventDefault(); pickCanned(); return; }
    if (ev.key === "Escape") { closeCanned(); return; }
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); send(); }
  });
  document.addEventListener("keydown", (ev) => {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const ids = [...state.chats.keys()], at = ids.indexOf(state.active);
    if (/^Digit[1-3]$/.test(ev.code)) { ev.preventDefault(); insertSuggestion(Number(ev.code.slice(5)) - 1); }
    else if (ev.key === "ArrowDown" && ids.length) { ev.preventDefault(); select(ids[(at + 1) % ids.length]); }
    else if (ev.key === "ArrowUp" && ids.length) { ev.preventDefault(); select(ids[(at - 1 + ids.length) % ids.length]); }
    else if (ev.code === "KeyA" && state.offers.size) { ev.preventDefault(); acceptOldest(); }
    else if (ev.code === "KeyR") { ev.preventDefault(); $("reply").focus(); }
  });
}
