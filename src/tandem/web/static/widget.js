// Embed Tandem's chat on any page with one tag: <script src="https://support.example.com/widget.js" async></script>
// Optional attributes on the tag: data-customer-ref with data-exp and data-signature from your server (a signed
// embed, docs/api.md), data-label and data-lang
// (default: the page's <html lang>, then the browser's language).
(() => {
  "use strict";
  const me = document.currentScript;
  const origin = new URL(me.src).origin;
  const lang = (me.dataset.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  const q = new URLSearchParams({ lang });
  let labels = {};
  const _l = (msgid) => labels[msgid] || msgid;
  if (me.dataset.customerRef) q.set("customer", me.dataset.customerRef);
  if (me.dataset.exp) q.set("exp", me.dataset.exp);
  if (me.dataset.signature) q.set("signature", me.dataset.signature);
  const button = document.createElement("button");
  button.textContent = me.dataset.label || _l("Help");
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, { position: "fixed", right: "20px", bottom: "20px", zIndex: 2147483000, padding: "12px 18px",
    borderRadius: "999px", border: "none", background: "#0f766e", color: "#fff", font: "600 15px system-ui", cursor: "pointer" });
  const frame = document.createElement("iframe");
  frame.title = _l("Customer support chat");
  frame.src = origin + "/chat" + (q.toString() ? "?" + q : "");
  Object.assign(frame.style, { position: "fixed", right: "20px", bottom: "76px", width: "380px", height: "560px", maxHeight: "80vh",
    border: "1px solid #e4e7ec", borderRadius: "14px", boxShadow: "0 12px 32px rgba(0,0,0,.18)", zIndex: 2147483000, display: "none" });
  button.addEventListener("click", () => {
    const open = frame.style.display === "none";
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.append(frame, button);
  // the button's label and the frame's title in the page's language (the same catalogs as the chat)
  if (!me.dataset.label) {
    fetch(origin + "/api/i18n/" + encodeURIComponent(lang)).then((r) => r.json()).then((r) => {
      labels = r.messages;
      button.textContent = _l("Help");
      frame.title = _l("Customer support chat");
    }).catch(() => {});
  }
})();
