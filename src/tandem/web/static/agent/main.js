// Agent console entry point: wires the modules together and routes each WebSocket event to the one that owns it.
import { $, state } from "./state.js";
import { resume, wireSession } from "./session.js";
import { connect } from "./socket.js";
import { onOffer, onReviewOffer, closeOffer, clearOffers, loadOffers } from "./offers.js";
import { loadQueue } from "./queue.js";
import { loadChats, select, dropChat, onMessage, onTyping, onWhisper, renderTyping } from "./conversation.js";
import { wireTools, loadTopics } from "./tools.js";
import { wireComposer } from "./composer.js";

const HANDLERS = {
  "offer": (e) => onOffer(e.offer),
  "offer.closed": (e) => closeOffer(state.offers, e.offer_id),
  "review.offer": (e) => onReviewOffer(e.offer),
  "review.offer.closed": (e) => closeOffer(state.reviewOffers, e.offer_id),
  "queue.changed": () => loadQueue(),
  "agents.changed": () => loadQueue(),
  "assigned": (e) => loadChats().then(() => { if (!state.active) select(e.conversation_id); }),
  "released": (e) => dropChat(e.conversation_id),
  "message": (e) => onMessage(e.conversation_id, e.message),
  "typing": (e) => onTyping(e.conversation_id),
  "whisper": (e) => onWhisper(e.conversation_id, e.whisper),
  "presence": (e) => { $("presence").value = e.presence; if (e.presence === "offline") clearOffers(); },
};

async function start() {
  if (!(await resume())) return;
  connect((e) => { const h = HANDLERS[e.type]; if (h) h(e); }, () => { loadChats(); loadOffers(); });
  await Promise.all([loadQueue(), loadChats(), loadOffers(), loadTopics()]);
  if (!state.active && state.chats.size) select(state.chats.keys().next().value);
}

wireSession(start);
wireTools();
wireComposer();
setInterval(renderTyping, 1000);
if (state.token) start(); else $("login").hidden = false;
