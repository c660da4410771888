// The waiting queue the agent may take from directly.
import { $, api, showError } from "./state.js";
import { loadChats, select } from "./conversation.js";

export async function loadQueue() {
  const r = await api("GET", "/api/agent/queue");
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
  try { await api("POST", `/api/agent/conversations/${id}/claim`); await loadChats(); select(id); }
  catch (e) { showError(e.message); loadQueue(); }
}
