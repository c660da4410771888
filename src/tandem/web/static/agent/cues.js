// Cues: a short WebAudio beep (no sound files), a flash, the unread count in the title, and the polite live
// region that tells screen-reader users about new offers.
import { $, state } from "./state.js";

let audio = null;
export function beep(freq = 880) {
  if (!$("sound").checked) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = freq; gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.18);
    osc.connect(gain).connect(audio.destination); osc.start(); osc.stop(audio.currentTime + 0.2);
  } catch (_) { /* audio unavailable: the visual cue remains */ }
}

export function flash(node) { node.classList.remove("flash"); void node.offsetWidth; node.classList.add("flash"); }

export function updateTitle() {
  const unread = [...state.chats.values()].reduce((n, c) => n + c.unread, 0) + state.offers.size + state.reviewOffers.size;
  document.title = (unread ? `(${unread}) ` : "") + "Tandem — Agent console";
}

// #announcer is an aria-live="polite" region; replacing its text makes screen readers read it once
export function announce(text) { $("announcer").textContent = text; }
