// The customer panel: the linked account (masked by the server) and its recent orders, which also fill the
// account-action form's order list.
import { $ } from "./state.js";

export function renderContext(c) {
  const box = $("context"); box.replaceChildren(T.el("h2", { class: "mt0" }, "Customer"));
  const cust = c.customer, orders = $("act-order");
  orders.replaceChildren();
  // account actions need a linked account (and a backend): an anonymous chat gets no action to press
  for (const id of ["act-title", "act-form", "act-result"]) $(id).hidden = !cust || !!cust.unavailable;
  if (!cust) { box.append(T.el("div", { class: "muted" }, "Anonymous chat — no account linked.")); return; }
  if (cust.unavailable) { box.append(T.el("div", { class: "error" }, "Account system unavailable.")); return; }
  box.append(T.el("dl", {}, T.el("dt", {}, "Name"), T.el("dd", {}, cust.name), T.el("dt", {}, "Email"), T.el("dd", {}, cust.email),
    T.el("dt", {}, "Phone"), T.el("dd", {}, cust.phone), T.el("dt", {}, "Card"), T.el("dd", {}, cust.card),
    T.el("dt", {}, "Status"), T.el("dd", {}, cust.status)));
  box.append(T.el("h3", {}, "Recent orders"));
  for (const o of cust.orders) {
    orders.append(T.el("option", { value: o.id }, `${o.id} · ${o.merchant}`));
    box.append(T.el("div", { class: "qrow" }, T.el("div", {}, T.el("div", {}, `${o.merchant} · ${o.total} ${o.currency}`),
      T.el("div", { class: "muted" }, `${o.id} · ${o.plan} · ${o.status}` + (o.dispute !== "none" ? ` · dispute ${o.dispute}` : "")))));
  }
}
