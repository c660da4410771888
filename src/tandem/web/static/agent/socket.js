// The agent WebSocket: authenticate, keep alive, hand each event to `onEvent`, reconnect after a drop
// (calling `onReconnect` to catch up), and end the session when the server says the token is gone (4401).
import { TOKEN_KEY, state } from "./state.js";

let ws = null, pingTimer = null;
export function connect(onEvent, onReconnect) {
  ws = new WebSocket(T.wsUrl("/ws/agent"));
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: "auth", token: state.token }));
    clearInterval(pingTimer);
    pingTimer = setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ type: "ping" })), 10000);
  };
  ws.onmessage = (ev) => onEvent(JSON.parse(ev.data));
  ws.onclose = (ev) => {
    clearInterval(pingTimer);
    if (ev.code === 4401) { sessionStorage.removeItem(TOKEN_KEY); location.reload(); return; }
    setTimeout(() => { connect(onEvent, onReconnect); onReconnect(); }, 1000);
  };
}
