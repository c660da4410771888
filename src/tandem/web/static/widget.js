// Embed Tandem's chat on any page with one tag: <script src="https://support.example.com/widget.js" async></script>
// Optional attributes on the tag: data-customer-ref (with data-signature from your server) and data-label.
(() => {
  "use strict";
  const me = document.currentScript;
  const origin = new URL(me.src).origin;
  const label = me.dataset.label || "Help";
  const q = new URLSearchParams();
  if (me.dataset.customerRef) q.set("customer", me.dataset.customerRef);
  if (me.dataset.signature) q.set("signature", me.dataset.signature);
  const button = document.createElement("button");
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, { position: "fixed", right: "20px", bottom: "20px", zIndex: 2147483000, padding: "12px 18px",
    borderRadius: "999px", border: "none", background: "#0f766e", color: "#fff", font: "600 15px system-ui", cursor: "pointer" });
  const frame = document.createElement("iframe");
  frame.title = "Customer support chat";
  frame.src = origin + "/chat" + (q.toString() ? "?" + q : "");
  Object.assign(frame.style, { position: "fixed", right: "20px", bottom: "76px", width: "380px", height: "560px", maxHeight: "80vh",
    border: "1px solid #e4e7ec", borderRadius: "14px", boxShadow: "0 12px 32px rgba(0,0,0,.18)", zIndex: 2147483000, display: "none" });
  button.addEventListener("click", () => {
    const open = frame.style.display === "none";
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.append(frame, button);
})();
