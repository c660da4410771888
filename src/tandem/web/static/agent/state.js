// Agent console state shared by the modules: the session token, who is logged in, the open offers and chats,
// and the helpers every module calls the API with. `T` (common.js) is a classic script loaded first.
export const TOKEN_KEY = "tandem.agent.token";
export const $ = (id) => document.getElementById(id);
export const state = {
  token: sessionStorage.getItem(TOKEN_KEY), me: null, active: null,
  offers: new Map(), reviewOffers: new Map(), chats: new Map(),
};
export const auth = () => ({ Authorization: "Bearer " + state.token });
export const api = (method, path, body) => T.api(method, path, body, auth());
export const wb = (id, path) => `/api/workbench/conversations/${id}${path}`;
export const showError = (m) => { $("error").textContent = m || ""; };
export const activeChat = () => (state.active && state.chats.get(state.active)) || null;
// rendering times, read by the browser tests and bench/console_render.py
export const perf = window.tandemPerf = { switches: [], appends: [] };
