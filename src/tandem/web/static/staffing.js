// Staffing page (moved out of staffing.html so the page runs under a script-src 'self' CSP).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, H = 240, PAD = { l: 40, r: 10, t: 10, b: 24 };
  let token = sessionStorage.getItem("tandem.agent.token");
  const auth = () => ({ Authorization: "Bearer " + token });

  function svgEl(tag, attrs) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    return n;
  }

  // A minimal chart: x and y scales, axes with a few ticks, and helpers to draw into them.
  function chart(svg, x0, x1, yMax, xLabel) {
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const ymax = Math.max(1, yMax) * 1.1, span = Math.max(1, x1 - x0);
    const x = (v) => PAD.l + (v - x0) / span * (W - PAD.l - PAD.r);
    const y = (v) => H - PAD.b - v / ymax * (H - PAD.t - PAD.b);
    for (let i = 0; i <= 4; i++) {
      const v = ymax * i / 4;
      svg.append(svgEl("line", { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), stroke: "#e4e7ec" }));
      const t = svgEl("text", { x: PAD.l - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#667085" });
      t.textContent = v >= 10 ? Math.round(v) : v.toFixed(1); svg.append(t);
    }
    for (let i = 0; i <= 6; i++) {
      const v = x0 + span * i / 6;
      const t = svgEl("text", { x: x(v), y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#667085" });
      t.textContent = xLabel(v); svg.append(t);
    }
    const path = (pts, attrs) => {
      if (!pts.length) return;
      svg.append(svgEl("path", { d: pts.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(""), fill: "none", ...attrs }));
    };
    const rect = (a, b, top, attrs) => svg.append(svgEl("rect", { x: x(a), width: Math.max(0, x(b) - x(a)), y: y(top), height: Math.max(0, y(0) - y(top)), ...attrs }));
    return { x, y, path, rect, ymax };
  }

  const hhmm = (ts) => new Date(ts * 1000).toISOString().slice(11, 16);
  const steps = (rows, key) => rows.flatMap((r, i) => (i ? [[r.at, rows[i - 1][key]], [r.at, r[key]]] : [[r.at, r[key]]]));
  const SHADE = { LOW: "#fef3c7", MEDIUM: "#fde68a", HIGH: "#fca5a5" };

  function drawHistory(rows, now) {
    const x0 = now - 24 * 3600;
    const c = chart($("history"), x0, now, Math.max(0, ...rows.map((r) => Math.max(r.required, r.online))), hhmm);
    rows.forEach((r, i) => {
      const end = i + 1 < rows.length ? rows[i + 1].at : now;
      if (SHADE[r.level]) c.rect(Math.max(r.at, x0), end, c.ymax, { fill: SHADE[r.level], opacity: 0.6 });
    });
    const last = rows.length ? [[now, rows[rows.length - 1].required]] : [];
    c.path(steps(rows, "required").concat(last), { stroke: "#b91c1c", "stroke-width": 2 });
    c.path(steps(rows, "online").concat(rows.length ? [[now, rows[rows.length - 1].online]] : []), { stroke: "#0f766e", "stroke-width": 2 });
  }

  function drawForecast(view) {
    const rows = view.intervals, step = view.interval_minutes * 60;
    const x0 = rows[0].start, x1 = rows[rows.length - 1].start + step;
    const top = Math.max(0, ...rows.map((r) => Math.max(r.high || 0, r.actual || 0)));
    const c = chart($("forecast"), x0, x1, top, hhmm);
    if (view.has_forecast) {
      rows.forEach((r) => c.rect(r.start, r.start + step, r.high, { fill: "#e0e7ff" }));
      c.path(rows.flatMap((r) => [[r.start, r.forecast], [r.start + step, r.forecast]]), { stroke: "#6366f1", "stroke-width": 2 });
    }
    const seen = rows.filter((r) => r.actual !== null);
    c.path(seen.flatMap((r) => [[r.start, r.actual], [r.start + step, r.actual]]), { stroke: "#1d2330", "stroke-width": 2 });
    $("fnote").textContent = view.has_forecast ? "" : "no forecast yet: fewer than 7 days of history";
  }

  async function refresh() {
    try {
      const [status, history, forecast] = await Promise.all([
        T.api("GET", "/api/surge/status", undefined, auth()),
        T.api("GET", "/api/surge/history?hours=24", undefined, auth()),
        T.api("GET", "/api/surge/forecast", undefined, auth()),
      ]);
      $("login").hidden = true; $("grid").hidden = false;
      const s = status.state;
      $("level").textContent = status.level + (status.stale ? " (stale)" : "");
      $("bonus").textContent = "+$" + status.bonus + " per conversation";
      $("agents").textContent = s ? `${s.required} / ${s.online}` : "–";
      $("slots").textContent = s ? `${s.free_slots} free chat slots · shortfall ${Math.round(status.shortfall * 100)}%` : "no state yet";
      $("demand").textContent = s ? s.demand.toFixed(1) : "–";
      $("inputs").textContent = s ? `${s.arrivals.toFixed(1)} arrivals/h (${s.arrivals_source}) · AI containment ${Math.round(s.containment * 100)}% · handle ${Math.round(s.handle_s)} s` : "";
      drawHistory(history.states, history.now);
      drawForecast(forecast);
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) {
      if (e.status === 401 || e.status === 403) {
        $("login").hidden = false; $("grid").hidden = true;
        $("login-error").textContent = e.status === 403 ? "Supervisors only." : "";
      }
    }
  }

  T.loginForm("tandem.agent.token", (t) => { token = t; refresh(); });
  if (token) refresh(); else $("login").hidden = false;
  setInterval(() => token && refresh(), 30000);
})();
