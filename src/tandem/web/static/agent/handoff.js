// The handoff card (summary, intent, reason, sentiment trend, transfer note, what the customer asked), the
// supervisor's private whispers, and the translation banner and per-message translations.
import { $, api, wb } from "./state.js";

function sentimentBars(points) {
  return T.el("span", { class: "trend", role: "img",
    "aria-label": "Customer sentiment, last messages: " + points.slice(-12).map((p) => p.score.toFixed(1)).join(", "),
    title: "customer sentiment per message (VADER)" },
  ...points.slice(-12).map((p) => {
    const bar = T.el("span"); // CSSOM, not a style attribute: the CSP has no 'unsafe-inline'
    bar.style.height = `${4 + Math.round(Math.abs(p.score) * 14)}px`;
    bar.style.background = p.score < -0.05 ? "var(--bad)" : p.score > 0.05 ? "var(--brand)" : "#98a2b3";
    return bar;
  }));
}

export function renderHandoff(c) {
  const box = $("handoff"), k = c.card;
  box.hidden = !k;
  if (!k) return;
  const facts = c.customer && !c.customer.unavailable ? [c.customer.name, c.customer.status, c.customer.card,
    ...(c.customer.orders || []).slice(0, 2).map((o) => `${o.id} ${o.plan} ${o.status}`)].join(" · ") : "no linked account";
  box.replaceChildren(...[
    T.el("strong", {}, "Handoff"),
    T.el("div", { class: "summary" }, k.summary),
    T.el("div", { class: "chips" },
      T.el("span", { class: "pill" }, "Intent: " + (k.intent || "—")),
      T.el("span", { class: "pill" }, "Language: " + k.language),
      T.el("span", { class: "pill" }, "Reason: " + (k.escalation_reason || "—")),
      T.el("span", { class: "pill" }, "Sentiment: " + k.sentiment.direction + " "), sentimentBars(k.sentiment.points),
      k.tier ? T.el("span", { class: "pill" }, "Your tier: " + k.tier) : null),
    k.note ? T.el("div", {}, T.el("strong", {}, "Transfer note: "), k.note) : null,
    k.asked.length > 1 ? T.el("ul", {}, ...k.asked.slice(1).map((s) => T.el("li", {}, s))) : null,
    T.el("div", { class: "muted" }, "Account: " + facts)].filter(Boolean));
}

export function renderWhispers(c) {
  const box = $("whispers");
  box.hidden = !c.whispers.length;
  box.replaceChildren(T.el("strong", {}, "Private notes from your supervisor (the customer never sees these)"),
    ...c.whispers.map((w) => T.el("div", { class: "whisper" }, `${w.author_name}: ${w.body}`)));
}

export function renderTranslate(c) {
  const t = c.card && c.card.translation, box = $("translate-banner");
  box.hidden = !(t && t.needed);
  if (t && t.needed) box.textContent = t.note;
}

export const needsTranslation = (c) => Boolean(c.card && c.card.translation.needed && c.card.translation.available);

export async function translateInto(c, m) {
  try {
    const r = await api("POST", wb(c.id, "/translate"), { text: m.body, direction: "in" });
    const node = c.nodes[c.messages.indexOf(m)];
    if (node) node.append(T.el("span", { class: "translation" }, `${r.target}: ${r.translation}`));
  } catch (_) { /* the original text stays visible */ }
}
