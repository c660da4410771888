// Small SVG charts written for Tandem: no library, no CDN, works offline. Text goes in through textContent only.
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 420, H = 170, PAD = { l: 40, r: 10, t: 10, b: 22 };

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function clock(t, seconds) {
    const d = new Date(t * 1000), two = (n) => String(n).padStart(2, "0");
    return two(d.getHours()) + ":" + two(d.getMinutes()) + (seconds ? ":" + two(d.getSeconds()) : "");
  }

  function fmt(v, unit) {
    if (unit === "%") return Math.round(v * 100) + "%";
    if (unit === "$") return "$" + (v >= 10 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toFixed(3));
    if (unit === "s") return v >= 120 ? Math.round(v / 60) + "m" : Math.round(v) + "s";
    return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0);
  }

  // The chart's accessible name: its card's heading and each series' latest value, e.g.
  // "Queue length and longest wait. Latest: waiting 3, longest wait 40s".
  function describe(host, series, opts) {
    const heading = (opts.title || (host.previousElementSibling && host.previousElementSibling.textContent) || "Chart").trim();
    const latest = series.map((s) => {
      const last = s.points.filter((p) => p[1] !== null && p[1] !== undefined).pop();
      return last ? `${s.name} ${fmt(last[1], opts.unit)}` : null;
    }).filter(Boolean);
    return latest.length ? `${heading}. Latest: ${latest.join(", ")}` : `${heading}: ${opts.empty || "no data yet"}`;
  }

  // series: [{name, color, points: [[t, y|null], ...], step?: bool}]; opts: {unit, yMax, yMin, empty}
  function line(host, series, opts = {}) {
    const pts = series.flatMap((s) => s.points.filter((p) => p[1] !== null && p[1] !== undefined));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": describe(host, series, opts) });
    if (!pts.length) {
      root.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "chart-empty" },
        opts.empty || "no data yet"));
      host.replaceChildren(root, legend(series));
      return root;
    }
    const xs = pts.map((p) => p[0]);
    let x0 = Math.min(...xs), x1 = Math.max(...xs);
    if (x1 === x0) { x0 -= 60; x1 += 60; }
    const y0 = opts.yMin ?? 0;
    const y1 = opts.yMax ?? niceMax(Math.max(...pts.map((p) => p[1])));
    const X = (t) => PAD.l + ((t - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
    const Y = (v) => H - PAD.b - ((v - y0) / (y1 - y0 || 1)) * (H - PAD.t - PAD.b);
    for (let i = 0; i <= 4; i++) {
      const v = y0 + ((y1 - y0) * i) / 4;
      root.append(svg("line", { x1: PAD.l, x2: W - PAD.r, y1: Y(v), y2: Y(v), class: "chart-grid" }));
      root.append(svg("text", { x: PAD.l - 4, y: Y(v) + 4, "text-anchor": "end", class: "chart-tick" }, fmt(v, opts.unit)));
    }
    for (let i = 0; i <= 3; i++) {
      const t = x0 + ((x1 - x0) * i) / 3;
      const anchor = i === 0 ? "start" : i === 3 ? "end" : "middle";
      root.append(svg("text", { x: X(t), y: H - 6, "text-anchor": anchor, class: "chart-tick" }, clock(t, x1 - x0 < 900)));
    }
    for (const s of series) {
      let d = "", prev = null;
      for (const [t, v] of s.points) {
        if (v === null || v === undefined) { prev = null; continue; }
        if (prev && s.step) d += `L${X(t).toFixed(1)},${Y(prev[1]).toFixed(1)}`;
        d += (prev ? "L" : "M") + X(t).toFixed(1) + "," + Y(v).toFixed(1);
        prev = [t, v];
      }
      root.append(svg("path", { d, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-dasharray": s.dash || "" }));
      const last = s.points.filter((p) => p[1] !== null && p[1] !== undefined).pop();
      if (last) root.append(svg("circle", { cx: X(last[0]), cy: Y(last[1]), r: 3, fill: s.color }));
      if (s.points.length < 40) for (const [t, v] of s.points) {
        if (v !== null && v !== undefined) root.append(svg("circle", { cx: X(t), cy: Y(v), r: 2, fill: s.color }));
      }
    }
    host.replaceChildren(root, legend(series, opts.unit));
    return root;
  }

  function legend(series, unit) {
    const box = document.createElement("div");
    box.className = "chart-legend";
    for (const s of series) {
      const item = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = s.color;
      const last = s.points.filter((p) => p[1] !== null && p[1] !== undefined).pop();
      item.append(swatch, document.createTextNode(s.name + (last ? " " + fmt(last[1], unit) : "")));
      box.append(item);
    }
    return box;
  }

  return { line, fmt };
})();
