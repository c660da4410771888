// QA review page: the review a senior agent accepted from an offer in the console (masked transcript), the rubric,
// and the pay. /review?task=<id> opens that task; /review shows the current one.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  let task = null, fromUrl = new URLSearchParams(location.search).get("task");
  const auth = () => ({ Authorization: "Bearer " + token });

  function show(t) {
    task = t;
    $("task").hidden = !t;
    if (!t) { $("status").textContent = "No review in progress: accept a review offer in the agent console."; return; }
    $("meta").textContent = `Handled by ${t.handled_by === "ai" ? "the assistant" : "an agent"} · intent ${t.intent || "unknown"} · pays $${t.pay}`;
    $("transcript").replaceChildren(...t.messages.map((m) => T.el("div", { class: "msg " + m.author },
      T.el("div", { class: "who" }, m.author), m.body,
      m.citations.length ? T.el("div", { class: "who" }, "cited: " + m.citations.map((c) => c.title).join(", ")) : null)));
    $("rubric").reset();
    $("status").textContent = "";
  }

  async function next() {
    const path = fromUrl ? "/api/review/tasks/" + encodeURIComponent(fromUrl) : "/api/review/current";
    fromUrl = null;  // the link opens its task once; later the current review
    try { show((await T.api("GET", path, undefined, auth())).task); }
    catch (e) {
      if (e.status === 401) { $("login").hidden = false; $("work").hidden = true; }
      else $("status").textContent = e.message;
    }
  }

  $("next").addEventListener("click", next);
  $("rubric").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { tone: Number($("tone").value), comment: $("comment").value || null };
    for (const k of ["correct", "complete", "policy_safe", "should_have_escalated"]) body[k] = $(k).checked;
    try {
      const r = await T.api("POST", "/api/review/tasks/" + encodeURIComponent(task.id), body, auth());
      show(null);
      $("status").textContent = `Saved (${r.passed ? "pass" : "fail"}); $${r.pay} earned.`;
    } catch (e) { $("status").textContent = e.message; }
  });
  T.loginForm("tandem.agent.token", (t) => { token = t; $("login").hidden = true; $("work").hidden = false; next(); });
  if (token) { $("work").hidden = false; next(); } else $("login").hidden = false;
})();
