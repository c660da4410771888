// Operations dashboard (moved out of ops.html so the page runs under a script-src 'self' CSP).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  let surgeHistory = null;
  const auth = () => ({ Authorization: "Bearer " + token });
  const pct = (v) => (v === null || v === undefined ? "–" : Math.round(v * 100) + "%");
  const num = (v, d = 2) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));
  const money = (v) => (v === null || v === undefined ? "–" : "$" + Number(v).toFixed(2));
  const secs = (v) => (v === null || v === undefined ? "–" : T.ago(v));

  function showSummary(s) {
    $("qlen").textContent = s.queue.length; $("longest").textContent = T.ago(s.queue.longest_wait_s);
    $("median").textContent = T.ago(s.queue.median_wait_s); $("handle").textContent = T.ago(s.queue.mean_handle_s);
    $("available").textContent = s.agents.available; $("away").textContent = s.agents.away;
    $("csat").textContent = s.csat.mean == null ? "–" : s.csat.mean.toFixed(2); $("ratings").textContent = s.csat.ratings;
    $("states").replaceChildren(...Object.entries(s.conversations).map(([k, v]) => T.el("tr", {}, T.el("td", {}, k), T.el("td", {}, v))));
    $("agents").replaceChildren(...s.agents.online.map((a) => T.el("tr", {}, T.el("td", {}, a.name),
      T.el("td", {}, T.el("span", { class: "pill " + a.presence }, a.presence)), T.el("td", {}, `${a.load}/${a.capacity}`),
      T.el("td", {}, a.languages.join(", ")))));
  }

  function showKpis(d) {
    const f = d.floor, o = d.overall || {};
    const side = Object.fromEntries(d.by_handler.map((r) => [r.key, r]));
    $("needed").textContent = f.agents_needed ?? "–"; $("online").textContent = f.agents_online;
    $("occupancy").textContent = pct(f.occupancy);
    $("csat-ai").textContent = num(side.ai && side.ai.csat); $("csat-human").textContent = num(side.human && side.human.csat);
    $("qa").textContent = d.qa.ai ? `${pct(d.qa.ai.pass_rate)} of ${d.qa.ai.reviews}` : "no reviews yet";
    $("containment").textContent = pct(o.containment); $("sl").textContent = pct(o.service_level);
    $("p50").textContent = secs(o.time_to_human_p50_s); $("p90").textContent = secs(o.time_to_human_p90_s);
    $("abandon").textContent = pct(o.abandonment_rate);
    $("cpr").textContent = money(o.cost_per_resolution); $("ai-cost").textContent = money(o.ai_cost);
    $("human-pay").textContent = money(o.human_pay);
  }

  function showCharts(d) {
    const s = d.samples, mid = (r) => r.key + d.width / 2;
    Charts.line($("ch-queue"), [
      { name: "waiting", color: "#2563eb", points: s.map((x) => [x.at, x.queue_length]) },
      { name: "longest wait (s)", color: "#f59e0b", dash: "4 3", points: s.map((x) => [x.at, x.longest_wait_s]) },
    ], { empty: "the monitor samples every 10 s" });
    Charts.line($("ch-agents"), [
      { name: "online", color: "#047857", step: true, points: s.map((x) => [x.at, x.agents_online]) },
      { name: "available", color: "#10b981", step: true, dash: "4 3", points: s.map((x) => [x.at, x.agents_available]) },
      { name: "needed", color: "#b91c1c", step: true, points: s.map((x) => [x.at, x.agents_needed]) },
    ]);
    Charts.line($("ch-csat"), [
      { name: "AI", color: "#7c3aed", points: d.csat_series.ai.map((r) => [mid(r), r.csat]) },
      { name: "human", color: "#0891b2", points: d.csat_series.human.map((r) => [mid(r), r.csat]) },
    ], { yMin: 1, yMax: 5, empty: "no ratings yet" });
    Charts.line($("ch-sl"), [
      { name: "service level", color: "#2563eb", points: d.series.map((r) => [mid(r), r.service_level]) },
      { name: "containment", color: "#7c3aed", points: d.series.map((r) => [mid(r), r.containment]) },
    ], { unit: "%", yMax: 1 });
    Charts.line($("ch-cost"), [
      { name: "cost per resolution", color: "#374151", points: d.series.map((r) => [mid(r), r.cost_per_resolution]) },
    ], { unit: "$" });
  }

  function showGuardrail(d) {
    const on = d.guarded.filter((g) => g.guarded || g.source === "operator");
    $("guard-none").hidden = on.length > 0;
    $("guarded").replaceChildren(...on.map((g) => T.el("tr", { class: g.guarded ? "guard-on" : "" },
      T.el("td", {}, g.intent === "*" ? "every intent" : g.intent),
      T.el("td", {}, g.guarded ? "handed to humans" : "kept with the assistant"),
      T.el("td", {}, g.source), T.el("td", {}, g.reason),
      T.el("td", {}, g.source === "operator"
        ? T.el("button", { onclick: () => act("DELETE", g.intent) }, "Back to monitor")
        : T.el("button", { onclick: () => act("PUT", g.intent, { guarded: false, reason: "operator override" }) }, "Override: let the AI answer")))));
    $("changes").replaceChildren(...d.changes.map((c) => T.el("tr", {},
      T.el("td", {}, new Date(c.at * 1000).toLocaleTimeString()), T.el("td", {}, c.actor), T.el("td", {}, c.action),
      T.el("td", {}, c.intent || ""), T.el("td", {}, c.reason))));
  }

  async function act(method, intent, body) {
    try { await T.api(method, "/api/quality/guardrail/" + encodeURIComponent(intent), body, auth()); refresh(true); }
    catch (e) { alert(e.message); }
  }

  async function showSurge() {
    if (surgeHistory === false) return;
    try {
      const st = await T.api("GET", "/api/surge/status", undefined, auth());
      $("surge-card").hidden = false; $("surge").textContent = st.level; $("surge-bonus").textContent = "$" + st.bonus;
      const h = await T.api("GET", "/api/surge/history?hours=1", undefined, auth());
      const levels = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };
      $("surge-chart-card").hidden = false;
      Charts.line($("ch-surge"), [{ name: "level", color: "#dc2626", step: true,
        points: h.states.map((x) => [x.at, levels[x.level] ?? Number(x.level) ?? null]) }], { yMax: 4 });
    } catch (e) { if (e.status === 404) surgeHistory = false; }
  }

  async function showGaps() {
    const g = await T.api("GET", "/api/quality/knowledge-gaps?limit=8", undefined, auth());
    $("gaps").replaceChildren(...g.gaps.map((x) => T.el("tr", {}, T.el("td", {}, x.count + "×"), T.el("td", {}, x.examples[0] || x.question))));
  }

  let timer = null, ticks = 0;
  async function refresh(once) {
    clearTimeout(timer);
    try {
      const s = await T.api("GET", "/api/ops/summary", undefined, auth());
      $("login").hidden = true; $("grid").hidden = false;
      showSummary(s);
      const d = await T.api("GET", "/api/quality/dashboard?minutes=60&width=60", undefined, auth());
      showKpis(d); showCharts(d); showGuardrail(d);
      if (ticks++ % 5 === 0) { showGaps(); showSurge(); }
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
      if (!once) timer = setTimeout(refresh, 3000);
    } catch (e) {
      if (e.status === 401 || e.status === 403) { $("login").hidden = false; $("grid").hidden = true;
        $("login-error").textContent = e.status === 403 ? "Supervisors only." : ""; }
      else timer = setTimeout(refresh, 4000);
    }
  }
  T.loginForm("tandem.agent.token", (t) => { token = t; refresh(); });
  if (token) refresh(); else $("login").hidden = false;
})();
