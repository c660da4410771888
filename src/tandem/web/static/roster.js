"use strict";
// The /staffing page's roster card: today's forecast, the Erlang-A requirement, the least-cost shift roster
// (a Gantt chart, one bar per rostered agent, the unpaid break as a gap), a hybrid's core roster and the gig
// cover above it. Plain SVG; reads GET /api/surge/roster with the supervisor's token.
(() => {
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, PAD = { l: 40, r: 10, t: 8, b: 22 };
  const hhmm = (ts) => new Date(ts * 1000).toISOString().slice(11, 16);

  function el(tag, attrs, text) {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function frame(svg, x0, x1, height, yMax) {
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${W} ${height}`);
    svg.style.height = height + "px";
    const x = (v) => PAD.l + (v - x0) / Math.max(1, x1 - x0) * (W - PAD.l - PAD.r);
    const y = (v) => height - PAD.b - v / Math.max(1, yMax) * (height - PAD.t - PAD.b);
    for (let h = 0; h <= 24; h += 3) {
      const v = x0 + h * 3600;
      svg.append(el("line", { x1: x(v), x2: x(v), y1: PAD.t, y2: height - PAD.b, stroke: "#eef0f3" }));
      svg.append(el("text", { x: x(v), y: height - 6, "text-anchor": "middle", "font-size": 11, fill: "#667085" },
        hhmm(v)));
    }
    return { x, y };
  }

  function steps(rows, key, step) {
    return rows.flatMap((r) => [[r.start, r[key]], [r.start + step, r[key]]]);
  }

  function line(svg, c, pts, attrs) {
    if (!pts.length) return;
    const d = pts.map((p, i) => (i ? "L" : "M") + c.x(p[0]).toFixed(1) + "," + c.y(p[1]).toFixed(1)).join("");
    svg.append(el("path", { d, fill: "none", ...attrs }));
  }

  function band(svg, c, rows, step, lo, hi, attrs) {
    rows.forEach((r) => {
      const a = lo(r), b = hi(r);
      if (b > a) svg.append(el("rect", { x: c.x(r.start), width: c.x(r.start + step) - c.x(r.start),
        y: c.y(b), height: c.y(a) - c.y(b), ...attrs }));
    });
  }

  function yTicks(svg, c, yMax, height) {
    for (let i = 0; i <= 4; i++) {
      const v = Math.round(yMax * i / 4);
      svg.append(el("line", { x1: PAD.l, x2: W - PAD.r, y1: c.y(v), y2: c.y(v), stroke: "#e4e7ec" }));
      svg.append(el("text", { x: PAD.l - 4, y: c.y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#667085" }, v));
    }
    return height;
  }

  function draw(view) {
    const rows = view.intervals, step = view.slot_minutes * 60;
    const x0 = rows[0].start, x1 = x0 + 24 * 3600;
    // forecast
    const fMax = Math.max(1, ...rows.map((r) => r.forecast)) * 1.1;
    const fs = $("roster-forecast"), fc = frame(fs, x0, x1, 140, fMax);
    yTicks(fs, fc, fMax, 140);
    band(fs, fc, rows, step, () => 0, (r) => r.forecast, { fill: "#e0e7ff" });
    line(fs, fc, steps(rows, "forecast", step), { stroke: "#6366f1", "stroke-width": 2 });
    // agents: requirement, full roster, hybrid core + gig cover
    const aMax = Math.max(1, ...rows.map((r) => Math.max(r.required, r.rostered, r.core + r.gig_cover))) * 1.1;
    const as = $("roster-agents"), ac = frame(as, x0, x1, 200, aMax);
    yTicks(as, ac, aMax, 200);
    band(as, ac, rows, step, () => 0, (r) => r.core, { fill: "#bfdbfe" });
    band(as, ac, rows, step, (r) => r.core, (r) => r.core + r.gig_cover, { fill: "#fde68a" });
    line(as, ac, steps(rows, "rostered", step), { stroke: "#0f766e", "stroke-width": 2 });
    line(as, ac, steps(rows, "required", step), { stroke: "#b91c1c", "stroke-width": 2, "stroke-dasharray": "5 3" });
    // Gantt: one bar per rostered agent, the break as a gap
    const bars = view.shifts.flatMap((s) => Array.from({ length: s.agents }, () => s));
    const rowH = 9, gap = 2, height = PAD.t + PAD.b + Math.max(1, bars.length) * (rowH + gap);
    const gs = $("roster-gantt"), gc = frame(gs, x0, x1, height, 1);
    bars.forEach((s, i) => {
      const top = PAD.t + i * (rowH + gap);
      const bar = el("rect", { x: gc.x(s.start), width: gc.x(s.end) - gc.x(s.start), y: top, height: rowH,
        rx: 2, fill: "#0f766e", "data-shift": "" });
      bar.append(el("title", {}, `${hhmm(s.start)}–${hhmm(s.end)}` + (s.break_start ? `, break ${hhmm(s.break_start)}` : "")));
      gs.append(bar);
      if (s.break_start) {
        gs.append(el("rect", { x: gc.x(s.break_start), width: gc.x(s.break_start + step) - gc.x(s.break_start),
          y: top, height: rowH, fill: "#ccfbf1" }));
      }
    });
    $("roster-summary").textContent = `${bars.length} shifts · ${view.agent_hours} paid agent-hours · cost ` +
      `${view.cost.toFixed(2)} at ${view.hourly_rate}/h · hybrid core (forecast quantile ${view.quantile}): ` +
      `${view.core_agent_hours} h, ${view.core_cost.toFixed(2)} · AI containment ${Math.round(view.containment * 100)}%`;
  }

  async function refresh() {
    const token = sessionStorage.getItem("tandem.agent.token");
    if (!token) return;
    try {
      const view = await T.api("GET", "/api/surge/roster", undefined, { Authorization: "Bearer " + token });
      $("roster-card").hidden = false;
      if (view.has_roster) {
        $("roster-note").textContent = "";
        draw(view);
      } else {
        $("roster-note").textContent = "No roster yet: " + view.reason + ".";
      }
    } catch (e) {
      $("roster-card").hidden = true;
    }
  }

  refresh();
  setInterval(refresh, 5000);
})();
