// Self-service sign-up: creates the agent (no skills yet) and goes on to certification.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  // the company's own topics (tandem.toml [[topics]]), not a built-in list: sign-up refuses a topic it does not route
  fetch("/api/workforce/signup").then((r) => (r.ok ? r.json() : Promise.reject(r))).then((options) => {
    for (const t of options.topics) {
      $("topics").append(T.el("label", {}, T.el("input", { type: "checkbox", name: "topic", value: t.name }),
        t.label + (t.sensitive ? " (sensitive: routed to senior agents)" : "")));
    }
    $("languages").placeholder = options.languages.join(", ");
  }).catch(() => { $("error").textContent = "Could not load the topics; reload the page to try again."; });
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const zones = (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []).concat(["UTC"]);
  for (const z of [...new Set([here, ...zones])]) $("timezone").append(T.el("option", { value: z, selected: z === here }, z));

  // an invite link (signup_mode = "invite"): /signup?invite=<token>; the server checks it on submit
  const invite = new URLSearchParams(location.search).get("invite");
  if (invite) {
    $("signup").prepend(T.el("p", { id: "invited", class: "muted" },
      "You were invited by the support team: this link works once, until it expires."));
  }

  function showError(e) {
    const details = e && e.details && e.details.errors ? " (" + e.details.errors.map((x) => x.loc.slice(-1)[0]).join(", ") + ")" : "";
    $("error").textContent = e ? e.message + details : "";
  }

  $("signup").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      name: $("name").value.trim(), email: $("email").value.trim(), password: $("password").value,
      languages: $("languages").value.split(",").map((s) => s.trim()).filter(Boolean),
      topics: [...document.querySelectorAll("input[name=topic]:checked")].map((i) => i.value),
      country: $("country").value.trim() || null, timezone: $("timezone").value || null,
      capacity: Number($("capacity").value),
    };
    if (invite) body.invite = invite;
    $("submit").disabled = true;
    try {
      const res = await fetch("/api/workforce/signup", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const data = await res.json().catch(() => null);
      if (!res.ok) { showError((data && data.error) || { message: res.statusText }); return; }
      // sign-up answers alike whether or not the address was taken; logging in tells the person who just chose
      // the password, and nobody else, whether the account is theirs
      const login = await fetch("/api/agent/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: body.email, password: body.password }) });
      const session = await login.json().catch(() => null);
      if (!login.ok) { showError({ message: data.message }); return; }
      sessionStorage.setItem("tandem.agent.token", session.token);
      location.href = "/certify?welcome=1";
    } catch (e) { showError({ message: "could not reach the server; try again" }); }
    finally { $("submit").disabled = false; }
  });
})();
