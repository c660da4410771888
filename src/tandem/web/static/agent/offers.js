// Offers: conversation offers (accept opens the chat) and QA review offers (accept opens /review in its own
// tab), each with a live countdown; a new one is announced through the live region as well as beeped.
import { $, api, state, showError } from "./state.js";
import { beep, flash, updateTitle, announce } from "./cues.js";
import { loadChats, select } from "./conversation.js";

function countdown(o, card, pool) {
  const count = T.el("span", { class: "count" });
  const tick = () => {
    const left = o.expires_at - Date.now() / 1000;
    count.textContent = left > 0 ? Math.ceil(left) + " s" : "expired";
    if (left <= 0) { pool.delete(o.id); card.remove(); updateTitle(); } else setTimeout(tick, 250);
  };
  return [count, tick];
}

function offerCard(o) {
  const pay = o.pay;
  const card = T.el("div", { class: "card offer", "data-offer": o.id, role: "group", "aria-label": `Offer: ${o.topic || "general"}, ${o.language}` });
  const [count, tick] = countdown(o, card, state.offers);
  card.append(T.el("strong", {}, "New conversation"), T.el("div", {}, `Topic: ${o.topic || "general"} · Language: ${o.language}`),
    T.el("div", { class: "muted" }, `Reason: ${o.reason}`),
    T.el("div", {}, `Pay: ${T.money(pay.base, pay.currency)} + ${T.money(pay.per_minute, pay.currency)}/min` +
      (Number(pay.surge_bonus) > 0 ? ` + surge ${T.money(pay.surge_bonus, pay.currency)}` : "")),
    T.el("div", {}, "Expires in ", count),
    T.el("div", { class: "row mt8" },
      T.el("button", { class: "primary", onclick: () => answer(o.id, "accept") }, "Accept"),
      T.el("button", { onclick: () => answer(o.id, "decline") }, "Decline")));
  tick(); flash(card);
  return card;
}

// QA review offers (senior agents with nothing else to do); a review never counts against chat capacity
function reviewCard(o) {
  const card = T.el("div", { class: "card offer review-offer", "data-review-offer": o.id, role: "group", "aria-label": "QA review offer" });
  const [count, tick] = countdown(o, card, state.reviewOffers);
  card.append(T.el("strong", {}, "QA review"),
    T.el("div", {}, `A conversation handled by ${o.handled_by === "ai" ? "the assistant" : "an agent"} · ${o.intent || "intent unknown"}`),
    T.el("div", {}, `Pay: $${o.pay.per_review} per review`),
    T.el("div", {}, "Expires in ", count),
    T.el("div", { class: "row mt8" },
      T.el("button", { class: "primary", onclick: () => answerReview(o.id, "accept") }, "Accept review"),
      T.el("button", { onclick: () => answerReview(o.id, "decline") }, "Decline")));
  tick(); flash(card);
  return card;
}

export function renderOffers() {
  $("offers").replaceChildren(...[...state.offers.values()].map(offerCard), ...[...state.reviewOffers.values()].map(reviewCard));
}

export function onOffer(o) {
  state.offers.set(o.id, o); renderOffers(); beep(660); updateTitle();
  announce(`New conversation offer: ${o.topic || "general"}, ${o.language}. Alt+A accepts.`);
}

export function onReviewOffer(o) {
  state.reviewOffers.set(o.id, o); renderOffers(); beep(520); updateTitle();
  announce("New QA review offer.");
}

export function closeOffer(pool, id) { pool.delete(id); renderOffers(); updateTitle(); }

export function clearOffers() { state.offers.clear(); state.reviewOffers.clear(); renderOffers(); }

async function answerReview(offerId, verb) {
  // the review opens in its own tab (opened now, while the click still counts) so chats here stay live
  const tab = verb === "accept" ? window.open("", "tandem-review") : null;
  try {
    const r = await api("POST", `/api/review/offers/${offerId}/${verb}`, verb === "decline" ? { reason: "not now" } : undefined);
    closeOffer(state.reviewOffers, offerId);
    if (r && r.task) {
      const url = "/review?task=" + encodeURIComponent(r.task.id);
      if (tab) tab.location.href = url; else location.assign(url);
    }
  } catch (e) { if (tab) tab.close(); showError(e.message); state.reviewOffers.delete(offerId); renderOffers(); }
}

export async function answer(offerId, verb) {
  try {
    const r = await api("POST", `/api/agent/offers/${offerId}/${verb}`, verb === "decline" ? { reason: "busy" } : undefined);
    closeOffer(state.offers, offerId);
    if (r && r.conversation_id) { await loadChats(); select(r.conversation_id); }
  } catch (e) { showError(e.message); state.offers.delete(offerId); renderOffers(); }
}

export function acceptOldest() {
  const first = [...state.offers.values()].sort((a, b) => a.created_at - b.created_at)[0];
  if (first) answer(first.id, "accept");
}

export async function loadOffers() {
  const r = await api("GET", "/api/agent/offers");
  state.offers = new Map(r.offers.map((o) => [o.id, o]));
  const rv = await api("GET", "/api/review/offers");
  state.reviewOffers = new Map(rv.offers.map((o) => [o.id, o])); renderOffers(); updateTitle();
}
