// Suggested replies (Alt+1..3 inserts one for editing) and canned responses (type "/" in an empty reply).
import { $, api, wb, state, activeChat } from "./state.js";

// One request per chat at a time: each batch the server stores marks the one before it ignored, so two requests in
// flight could leave the console showing a batch whose use is no longer recorded. `refresh` (a new customer
// message) asks for one more load after the one in flight; otherwise a load already under way is enough.
export async function loadSuggestions(id, refresh = false) {
  const c = state.chats.get(id);
  if (!c) return;
  if (c.suggestionsLoading) { if (refresh) c.suggestionsAgain = true; return; }
  c.suggestionsLoading = true;
  try {
    const r = await api("POST", wb(id, "/suggestions"));
    if (state.chats.get(id) !== c) return;
    c.suggestions = r.suggestions;
    if (state.active === id) renderSuggestions(c);
  } catch (_) { /* suggestions are optional help */ }
  finally {
    c.suggestionsLoading = false;
    if (c.suggestionsAgain) {
      c.suggestionsAgain = false;
      if (state.active === id && state.chats.get(id) === c) loadSuggestions(id, true);
    }
  }
}

export function renderSuggestions(c) {
  const box = $("suggestions");
  box.hidden = !c.suggestions.length;
  box.replaceChildren(...c.suggestions.map((s, i) => T.el("div", { class: "sugg", "data-suggestion": s.id },
    T.el("button", { type: "button", "aria-label": `Alt+${i + 1}: insert suggestion ${i + 1}`, onclick: () => insertSuggestion(i) }, `Alt+${i + 1}`),
    T.el("div", { class: "body" }, s.body,
      T.el("span", { class: "cite" }, "Source: ", T.el("a", { href: `/help/${encodeURIComponent(s.citation.article_id)}`, target: "_blank", rel: "noopener" }, s.citation.title))))));
}

export function insertSuggestion(i) {
  const c = activeChat();
  if (!c || !c.suggestions[i]) return;
  $("reply").value = c.suggestions[i].body; c.suggestionId = c.suggestions[i].id;
  $("reply").focus(); $("reply").setSelectionRange(0, 0);
}

export const canned = { index: 0, items: [] };

export async function openCanned() {
  const c = activeChat();
  if (!c) return;
  if (!c.canned) c.canned = (await api("GET", wb(c.id, "/canned"))).canned;
  filterCanned();
}

export function filterCanned() {
  const c = activeChat(), text = $("reply").value;
  if (!c || !c.canned || !text.startsWith("/")) { closeCanned(); return; }
  const q = text.slice(1).toLowerCase();
  canned.items = c.canned.filter((x) => `${x.shortcut} ${x.title} ${x.body}`.toLowerCase().includes(q));
  canned.index = Math.min(canned.index, Math.max(0, canned.items.length - 1));
  const menu = $("canned-menu"); menu.hidden = false;
  menu.replaceChildren(...(canned.items.length ? canned.items.map((x, i) => T.el("div", { role: "option", "aria-selected": i === canned.index ? "true" : "false",
    onmousedown: (ev) => { ev.preventDefault(); canned.index = i; pickCanned(); } }, T.el("strong", {}, "/" + x.shortcut), " — ", x.title))
    : [T.el("div", { class: "muted pad-sm" }, "No canned response matches.")]));
}

export function closeCanned() { $("canned-menu").hidden = true; canned.items = []; canned.index = 0; }

export function pickCanned() {
  const item = canned.items[canned.index];
  if (!item) return;
  $("reply").value = item.filled; closeCanned(); $("reply").focus();
}
