// The agent's session: log in (the shared login component in common.js), who am I, presence, log out.
import { $, TOKEN_KEY, api, state, showError } from "./state.js";

// Resolve the stored token to the agent; on failure forget it and show the login form. Returns whether it worked.
export async function resume() {
  try { state.me = await api("GET", "/api/agent/me"); }
  catch (_) { state.token = null; sessionStorage.removeItem(TOKEN_KEY); $("login").hidden = false; return false; }
  const me = state.me;
  $("login").hidden = true; $("app").hidden = false;
  for (const id of ["presence", "logout", "sound-wrap"]) $(id).hidden = false;
  $("me").textContent = `${me.name} · ${me.languages.join(", ")} · up to ${me.capacity} chats`;
  $("presence").value = me.presence === "offline" ? "offline" : me.presence;
  return true;
}

export function wireSession(onLogin) {
  T.loginForm(TOKEN_KEY, (token) => { state.token = token; onLogin(); });
  $("presence").addEventListener("change", async () => {
    try { await api("PUT", "/api/agent/me/presence", { presence: $("presence").value }); }
    catch (e) { showError(e.message); }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/api/agent/logout"); } catch (_) { /* already gone */ }
    sessionStorage.removeItem(TOKEN_KEY); location.reload();
  });
}
