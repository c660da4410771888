// Certification: per-topic quizzes graded on the server; this page never sees the right answers.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("tandem.agent.token");
  const auth = () => ({ Authorization: "Bearer " + token });
  const showError = (msg) => { $("error").textContent = msg || ""; };
  let quiz = null;

  async function start() {
    try {
      const me = await T.api("GET", "/api/agent/me", undefined, auth());
      $("me").textContent = me.name;
    } catch (_) { token = null; sessionStorage.removeItem("tandem.agent.token"); $("login").hidden = false; return; }
    $("login").hidden = true;
    $("welcome").hidden = !new URLSearchParams(location.search).has("welcome");
    await loadTopics();
  }

  async function loadTopics() {
    const r = await T.api("GET", "/api/workforce/certifications", undefined, auth());
    const box = $("topics"); box.hidden = false;
    box.replaceChildren(T.el("h2", { class: "mt0" }, "Topics"));
    const sorted = [...r.topics].sort((a, b) => Number(b.wanted) - Number(a.wanted));
    for (const t of sorted) {
      let state;
      if (t.tier) state = `Certified · tier ${t.tier}` + (t.routable ? "" : ` · conversations from tier ${t.required_tier}`);
      else if (t.attempts_left === 0) state = "No attempts left until " + new Date(t.next_attempt_at * 1000).toLocaleString();
      else state = `${t.attempts_left} attempt${t.attempts_left === 1 ? "" : "s"} left today · ${t.questions} questions · pass ${Math.round(t.pass_mark * 100)}%`;
      box.append(T.el("div", { class: "topic", "data-topic": t.topic },
        T.el("div", {}, T.el("strong", {}, t.topic), t.wanted ? T.el("span", { class: "pill" }, "your pick") : null,
          t.sensitive ? T.el("span", { class: "pill" }, "sensitive") : null,
          T.el("div", { class: "muted status" }, state)),
        !t.tier && t.attempts_left > 0 ? T.el("button", { class: "primary", onclick: () => begin(t.topic) }, "Take the quiz") : null));
    }
  }

  async function begin(topic) {
    showError(""); $("result").hidden = true;
    try { quiz = await T.api("POST", `/api/workforce/certifications/${topic}/attempts`, undefined, auth()); }
    catch (e) { showError(e.message); await loadTopics(); return; }
    const form = $("quiz"); form.hidden = false;
    form.replaceChildren(T.el("h2", { class: "mt0" }, `Quiz: ${quiz.topic}`),
      T.el("p", { class: "muted" }, `Answer every question. Expires at ${new Date(quiz.expires_at * 1000).toLocaleTimeString()}.`));
    quiz.questions.forEach((q, n) => {
      form.append(T.el("fieldset", { class: "question", "data-question": q.id },
        T.el("legend", {}, `${n + 1}. ${q.question}`),
        q.choices.map((c, i) => T.el("label", {}, T.el("input", { type: "radio", name: "q-" + q.id, value: String(i), required: true }), c)),
        T.el("a", { class: "muted", href: "/help/" + encodeURIComponent(q.article), target: "_blank", rel: "noopener" }, "Help-center article")));
    });
    form.append(T.el("button", { class: "primary", type: "submit", id: "submit-quiz" }, "Submit answers"));
    form.scrollIntoView();
  }

  $("quiz").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const answers = {};
    for (const q of quiz.questions) {
      const picked = document.querySelector(`input[name="q-${CSS.escape(q.id)}"]:checked`);
      if (!picked) { showError("Answer every question first."); return; }
      answers[q.id] = Number(picked.value);
    }
    try {
      const r = await T.api("POST", `/api/workforce/certifications/attempts/${quiz.id}/submit`, { answers }, auth());
      $("quiz").hidden = true; showError("");
      const box = $("result"); box.hidden = false;
      const parts = [T.el("h2", { class: "mt0" }, r.passed ? `Passed: ${r.topic}` : `Not passed: ${r.topic}`),
        T.el("p", {}, `${r.correct} of ${r.total} correct (pass mark ${Math.round(r.pass_mark * 100)}%).`)];
      if (r.passed) {
        parts.push(T.el("p", {}, r.routable ? "You can now receive conversations on this topic." :
          "You are certified; conversations on this sensitive topic go to senior agents, a tier you reach with experience."));
      }
      if (r.review_articles.length) {
        parts.push(T.el("p", {}, "Worth re-reading: ", r.review_articles.map((a) =>
          T.el("a", { href: "/help/" + encodeURIComponent(a), target: "_blank", rel: "noopener", class: "mr8" }, a))));
      }
      box.replaceChildren(...parts);
      await loadTopics();
    } catch (e) { showError(e.message); }
  });

  T.loginForm("tandem.agent.token", (t) => { token = t; showError(""); start(); }, showError);
  if (token) start(); else $("login").hidden = false;
})();
