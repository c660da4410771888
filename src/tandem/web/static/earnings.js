// The agent's own earnings: today and this week in their time zone, and each paid conversation.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  const auth = () => ({ Authorization: "Bearer " + token });
  let currency = "USD";
  const money = (s) => T.money(s, currency);  // the company's currency, which the earnings answer names
  const OUTCOMES = { resolved: "Resolved", handed_back: "Handed back", transferred: "Transferred", dropped: "Disconnected" };

  async function start() {
    try {
      const me = await T.api("GET", "/api/agent/me", undefined, auth());
      $("me").textContent = me.name;
    } catch (_) { token = null; sessionStorage.removeItem("tandem.agent.token"); $("login").hidden = false; return; }
    $("login").hidden = true; $("app").hidden = false;
    await load();
    setInterval(load, 15000);
  }

  async function load() {
    let r;
    try { r = await T.api("GET", "/api/workforce/me/earnings", undefined, auth()); $("error").textContent = ""; }
    catch (e) { $("error").textContent = e.message; return; }
    currency = r.currency;
    $("today").textContent = money(r.today.total);
    $("today-detail").textContent = `${r.today.conversations} conversation${r.today.conversations === 1 ? "" : "s"}`;
    $("week").textContent = money(r.week.total);
    $("week-detail").textContent = `${r.week.conversations} conversation${r.week.conversations === 1 ? "" : "s"} · base ${money(r.week.base)} · per minute ${money(r.week.per_minute)}`;
    $("week-surge").textContent = money(r.week.surge_bonus);
    $("zone").textContent = "Days and weeks in " + r.timezone;
    const body = $("rows").querySelector("tbody"); body.replaceChildren();
    for (const row of r.conversations) {
      const surge = Number(row.surge_bonus) > 0;
      body.append(T.el("tr", { "data-conversation": row.conversation_id || "" },
        T.el("td", {}, new Date(row.at * 1000).toLocaleString()),
        T.el("td", {}, row.conversation_id ? row.conversation_id.slice(0, 14) : "—"),
        T.el("td", {}, row.kind === "adjustment" ? "Adjustment: " + (row.note || "") : (OUTCOMES[row.outcome] || row.outcome)),
        T.el("td", { class: "num" }, row.seconds === null ? "" : T.ago(row.seconds)),
        T.el("td", { class: "num" }, money(row.base)), T.el("td", { class: "num" }, money(row.per_minute)),
        T.el("td", { class: "num" + (surge ? " surge" : "") }, money(row.surge_bonus)),
        T.el("td", { class: "num" }, money(row.adjustment)), T.el("td", { class: "num total" }, money(row.total))));
    }
    $("empty").hidden = r.conversations.length > 0;
  }

  T.loginForm("tandem.agent.token", (t) => { token = t; start(); }, (message) => { $("error").textContent = message; });
  if (token) start(); else $("login").hidden = false;
})();
