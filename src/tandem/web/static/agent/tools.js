// Account actions (pause a payment, move a due date, waive a fee, goodwill credit), transfer to another queue,
// and ending a chat (resolve, hand back to the assistant).
import { $, api, wb, state, showError } from "./state.js";
import { dropChat } from "./conversation.js";

// The transfer form offers the company's own topics (tandem.toml [[topics]]) and languages (languages), not
// built-in lists.
export async function loadTopics() {
  let r, company;
  try { [r, company] = await Promise.all([api("GET", "/api/workforce/certifications"), api("GET", "/api/company")]); }
  catch (_) { return; }
  $("xfer-topic").replaceChildren(T.el("option", { value: "" }, "same skill"),
    ...r.topics.map((t) => T.el("option", { value: t.topic }, t.topic)));
  const names = Intl.DisplayNames ? new Intl.DisplayNames(["en"], { type: "language" }) : null;
  const name = (code) => { try { return names ? names.of(code) : code; } catch (_) { return code; } };
  $("xfer-lang").replaceChildren(T.el("option", { value: "" }, "same language"),
    ...company.languages.map((code) => T.el("option", { value: code }, name(code))));
}

export function wireTools() {
  $("act-kind").addEventListener("change", () => {
    const kind = $("act-kind").value;
    $("act-days").hidden = !["pause_payment", "change_due_date"].includes(kind);
    $("act-amount").hidden = kind !== "goodwill_credit";
    $("act-order").hidden = kind === "goodwill_credit";
  });
  $("act-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!state.active) return;
    const kind = $("act-kind").value, body = { action: kind };
    if (kind !== "goodwill_credit") body.order_id = $("act-order").value;
    if (!$("act-days").hidden) body.days = Number($("act-days").value);
    if (kind === "goodwill_credit") body.amount = $("act-amount").value.trim();
    try { const r = await api("POST", wb(state.active, "/actions"), body); $("act-result").textContent = "Done: " + r.summary; }
    catch (e) { $("act-result").textContent = "Refused: " + e.message; }
  });
  $("xfer-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!state.active) return;
    const body = { language: $("xfer-lang").value || null, topic: $("xfer-topic").value || null, note: $("xfer-note").value.trim() || null };
    try { const id = state.active; await api("POST", wb(id, "/transfer"), body); $("xfer-note").value = ""; dropChat(id); }
    catch (e) { showError(e.message); }
  });
  const release = (verb) => async () => {
    if (!state.active) return;
    try { const id = state.active; await api("POST", `/api/agent/conversations/${id}/${verb}`); dropChat(id); }
    catch (e) { showError(e.message); }
  };
  $("resolve").addEventListener("click", release("resolve"));
  $("handback").addEventListener("click", release("handback"));
}
