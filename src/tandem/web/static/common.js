// Shared helpers. Every piece of customer, AI or agent text goes through textContent (never innerHTML).
"use strict";
const T = {
  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  },
  async api(method, path, body, headers = {}) {
    const opts = { method, headers: { ...headers } };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    const res = await fetch(path, opts);
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    if (!res.ok) {
      const err = new Error((data && data.error && data.error.message) || res.statusText);
      err.status = res.status; err.code = data && data.error && data.error.code;
      err.reason = data && data.error && data.error.details && data.error.details.reason;
      throw err;
    }
    return data;
  },
  // an amount in the company's currency (pay.currency in tandem.toml, sent with offers and earnings), two decimals
  money(amount, currency) {
    try { return new Intl.NumberFormat("en", { style: "currency", currency: currency || "USD" }).format(Number(amount)); }
    catch (_) { return `${Number(amount).toFixed(2)} ${currency}`; }
  },
  // The one login component. Every page with a login has `<form id="login" data-login="Title">` (optionally
  // data-signup) and this fills it: labelled email and password fields, a submit button and an error line.
  renderLogin(form) {
    const field = (id, label, type, complete) => [T.el("label", { for: id }, label),
      T.el("input", { id, name: id, type, autocomplete: complete, required: true })];
    form.classList.add("login");
    form.replaceChildren(T.el("h2", { class: "m0" }, form.dataset.login),
      ...field("email", "Email", "email", "username"), ...field("password", "Password", "password", "current-password"),
      T.el("button", { class: "primary", type: "submit" }, "Log in"),
      T.el("div", { class: "error", id: "login-error", role: "alert" }),
      "signup" in form.dataset ? T.el("a", { href: "/signup" }, "New here? Sign up") : null);
  },
  // Wire the page's login form to the agent login API: the token is kept in sessionStorage under `key` and
  // handed to `done`; a refusal's message goes to `fail` (by default the form's own error line).
  loginForm(key, done, fail) {
    const form = document.getElementById("login");
    const report = fail || ((message) => { document.getElementById("login-error").textContent = message; });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await T.api("POST", "/api/agent/login", {
          email: document.getElementById("email").value, password: document.getElementById("password").value });
        sessionStorage.setItem(key, r.token);
        document.getElementById("login-error").textContent = "";
        done(r.token);
      } catch (e) { report(e.message); }
    });
  },
  wsUrl(path) { return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path; },
  uuid() { return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)); },
  ago(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + " s";
    const m = Math.floor(seconds / 60);
    return m < 60 ? m + " min " + (seconds % 60) + " s" : Math.floor(m / 60) + " h " + (m % 60) + " min";
  },
};

for (const form of document.querySelectorAll("form[data-login]")) T.renderLogin(form);
