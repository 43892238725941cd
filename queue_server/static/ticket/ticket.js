// The visitor's ticket page: follows one ticket live through the shared live connection.
//
// The server renders the page whole (it reads fine without JavaScript); this module keeps it
// current (`snapshot` and `ticket_changed` to the ticket's room), alerts when the number is
// called (a beep made here with WebAudio, and a vibration), and lets the visitor leave the
// queue. The words are the ones the page was drawn with, said through the shared module.

import { $ } from "/static/shared/dom.js";
import { connectLive } from "/static/shared/live.js";
import { makeWords, waitText } from "/static/shared/words.js";
import { phoneSurvey } from "/static/survey/phone.js";

const POLL_MS = 30000; // only while the connection is down
const OFFLINE_AFTER_MS = 2000; // a blink of the Wi-Fi is not worth a banner

const config = JSON.parse($("ticket-data").textContent);
const words = makeWords({ [config.lang]: config.t }, { language: config.lang });
const t = words.t;
const token = config.token;
let ticket = config.ticket;
let audio = null;
let offlineTimer = null;
let pollTimer = null;
// Served: the page turns into the survey (SKM), once.
const survey = phoneSurvey({ token, language: config.lang, section: $("survey") });

function counterName(view) {
  return view.counter ? view.counter.name : t("counter_fallback");
}

function noteFor(view) {
  const counter = counterName(view);
  switch (view.status) {
    case "waiting": return t("waiting_note");
    case "serving": return t("serving_at", { counter });
    case "parked": return t("parked_note", { counter });
    case "done": return t("done_note");
    case "no_show": return t("no_show_note");
    case "cancelled": return t("cancelled_note");
    case "expired": return t("expired_note");
    default: return "";
  }
}

function render(view) {
  const before = ticket;
  ticket = view;
  document.body.dataset.status = view.status;
  $("code").textContent = view.code;
  $("service").textContent = view.service_name;
  $("agency").textContent = view.agency_name;
  $("status").textContent = words.optional(`status_${view.status}`) ?? view.status;
  $("ahead").textContent = String(view.ahead);
  $("wait").textContent = waitText(t, view.estimated_wait_min);
  $("position").hidden = view.status !== "waiting";
  $("note").textContent = noteFor(view);
  $("leave").hidden = view.status !== "waiting";
  const called = view.status === "called";
  $("called").hidden = !called;
  if (called) {
    $("called-go").textContent = t("called_go", { counter: counterName(view) });
    $("called-count").textContent = t("called_again", { n: view.call_count });
    $("called-count").hidden = view.call_count < 2;
    document.title = `\u25B6 ${view.code} \u2014 ${counterName(view)}`;
  } else {
    document.title = `${view.code} \u00B7 ${t("title")}`;
  }
  const newCall = called && (before.status !== "called" || view.call_count > before.call_count);
  if (newCall) alert();
  if (view.status === "done") survey.check();
}

/* --- The alert: our own beep, and the phone's vibration ------------------------------- */

function audioContext() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  if (!audio) audio = new Context();
  if (audio.state === "suspended") audio.resume();
  return audio;
}

function beep(times) {
  const context = audioContext();
  if (!context) return;
  const start = context.currentTime + 0.05;
  for (let i = 0; i < times; i += 1) {
    // Two tones per ring, a soft attack and release so the speaker does not click.
    for (const [frequency, offset] of [[880, 0], [1175, 0.22]]) {
      const at = start + i * 0.7 + offset;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.22);
    }
  }
}

function vibrate(pattern) {
  try {
    navigator.vibrate?.(pattern);
  } catch {
    // not allowed without a tap
  }
}

function alert() {
  document.body.dataset.alerts = String(Number(document.body.dataset.alerts || "0") + 1);
  beep(3);
  vibrate([500, 200, 500, 200, 800]);
}

function unlockSound() {
  // Browsers keep sound off until the visitor touches the page; the first touch unlocks it.
  const context = audioContext();
  if (context && context.state !== "suspended") markSoundReady();
}

function markSoundReady() {
  const button = $("sound");
  button.textContent = t("sound_ready");
  button.disabled = true;
}

$("sound").hidden = !(window.AudioContext || window.webkitAudioContext || navigator.vibrate);
$("sound").addEventListener("click", () => {
  beep(1);
  vibrate(150);
  markSoundReady();
});
document.addEventListener("touchstart", unlockSound, { passive: true, once: true });
document.addEventListener("click", unlockSound, { once: true });

/* --- Leaving the queue ---------------------------------------------------------------- */

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function leave() {
  const answer = await fetch(
    `/api/v1/tickets/${encodeURIComponent(token)}/cancel?lang=${config.lang}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
      credentials: "omit",
    });
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.error ? body.error.message : answer.statusText);
  render(body);
}

$("leave").addEventListener("click", () => {
  showError("");
  $("confirm").hidden = false;
  $("confirm-no").focus();
});
$("confirm-no").addEventListener("click", () => { $("confirm").hidden = true; });
$("confirm-yes").addEventListener("click", async () => {
  const button = $("confirm-yes");
  if (button.disabled) return;
  button.disabled = true;
  try {
    await leave();
  } catch (error) {
    showError(t("leave_failed", { message: error.message }));
  }
  button.disabled = false;
  $("confirm").hidden = true;
});

/* --- Live updates --------------------------------------------------------------------- */

function setOffline(offline) {
  clearTimeout(offlineTimer);
  if (!offline) {
    $("offline").hidden = true;
    clearInterval(pollTimer);
    pollTimer = null;
    return;
  }
  offlineTimer = setTimeout(() => { $("offline").hidden = false; }, OFFLINE_AFTER_MS);
  if (!pollTimer) pollTimer = setInterval(poll, POLL_MS);
}

async function poll() {
  // While the connection is down, ask now and then so the page is never far behind.
  try {
    const answer = await fetch(`/api/v1/tickets/${encodeURIComponent(token)}`,
      { credentials: "omit" });
    if (answer.ok) render(await answer.json());
  } catch {
    // still offline
  }
}

if (ticket.status === "done") survey.check();

const live = connectLive({
  auth: { ticket: token, language: config.lang },
  events: { ticket_changed: render },
  onSnapshot: render,
  onStatus: (status) => setOffline(status !== "online"),
  onRefused: (message) => {
    if (/^unknown_ticket/.test(message)) poll(); // gone from the server: show its last state
    return true;
  },
});

document.addEventListener("visibilitychange", () => {
  // A phone wakes from its pocket: make sure what it shows is current.
  if (document.visibilityState === "visible") live.resync();
});
