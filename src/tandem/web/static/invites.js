// Invite links on the operations page (signup_mode = "invite"): create, list, revoke. Supervisors only.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const auth = () => ({ Authorization: "Bearer " + sessionStorage.getItem("tandem.agent.token") });
  const when = (t) => new Date(t * 1000).toLocaleString();

  async function load() {
    try {
      const r = await T.api("GET", "/api/workforce/invites", undefined, auth());
      $("invites").replaceChildren(...r.invites.map((i) => T.el("tr", { "data-invite": i.id },
        T.el("td", {}, i.email || "anyone with the link"), T.el("td", {}, i.languages.join(", ")),
        T.el("td", {}, when(i.expires_at)), T.el("td", {}, T.el("span", { class: "pill" }, i.status)),
        T.el("td", {}, i.status === "open"
          ? T.el("button", { type: "button", class: "revoke", onclick: () => revoke(i.id) }, "Revoke") : null))));
    } catch (e) { $("invite-error").textContent = e.message; }
  }

  async function revoke(id) {
    try { await T.api("DELETE", "/api/workforce/invites/" + encodeURIComponent(id), undefined, auth()); }
    catch (e) { $("invite-error").textContent = e.message; }
    load();
  }

  $("invite-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("invite-error").textContent = "";
    const body = {
      email: $("invite-email").value.trim() || null,
      languages: $("invite-languages").value.split(",").map((s) => s.trim()).filter(Boolean),
      ttl_s: Number($("invite-hours").value) * 3600,
    };
    try {
      const r = await T.api("POST", "/api/workforce/invites", body, auth());
      $("invite-url").value = r.url;
      $("invite-result").hidden = false;
      $("invite-email").value = "";
      load();
    } catch (e) { $("invite-error").textContent = e.message; }
  });

  // the list loads once the supervisor is logged in (ops.js shows #grid then)
  const grid = $("grid");
  const start = () => { if (!grid.hidden) { observer.disconnect(); load(); } };
  const observer = new MutationObserver(start);
  observer.observe(grid, { attributes: true, attributeFilter: ["hidden"] });
  start();
})();
