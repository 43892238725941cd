// The visitor's ticket page: follows one ticket live through the shared live connection.
//
// The server renders the page whole (it reads fine without JavaScript); this module keeps it
// current (`snapshot` and `ticket_changed` to the ticket's room), alerts when only a few are
// ahead and when the number is called (a beep made here with WebAudio, a vibration, and the
// browser's notification once the visitor allowed it), and lets the visitor leave the queue
// (or drop a booking). The words are the ones the page was drawn with.

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
const FEW_AHEAD = config.few_ahead;
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
    case "booked": return t("checkin_how");
    default: return "";
  }
}

/** Waiting with only a few ahead: the "your turn is near" line, else null. */
function soonText(view) {
  if (view.status !== "waiting" || view.ahead > FEW_AHEAD) return null;
  return view.ahead ? t("few_body", { n: view.ahead }) : t("next_body");
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
  $("leave").hidden = !["waiting", "booked"].includes(view.status);
  if ($("booked")) $("booked").hidden = view.status !== "booked";
  const soon = soonText(view);
  $("soon").hidden = !soon;
  $("soon-body").textContent = soon || "";
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
  if (newCall) {
    alert("called", t("called_title"), t("called_go", { counter: counterName(view) }));
  } else if (soon && !soonText(before)) {
    alert("few", t("few_title"), soon);
  }
  if (view.status === "done") survey.check();
}

/* --- The alert: our own beep, the phone's vibration, the browser's notification -------- */

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

// The page's own record of its alerts (what it did, for the visitor's helper and the tests).
function count(name) {
  document.body.dataset[name] = String(Number(document.body.dataset[name] || "0") + 1);
}

async function notify(title, body) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const options = { body, tag: `antre-${token}`, renotify: true, data: { url: location.href } };
  try {
    // Chrome on Android shows notifications only through a service worker.
    const worker = await navigator.serviceWorker?.getRegistration("/t/");
    if (worker) await worker.showNotification(title, options);
    else new Notification(title, options);
    count("notified");
  } catch {
    // refused by the browser: the beep, the vibration and the page still say it
  }
}

function alert(kind, title, body) {
  count("alerts");
  document.body.dataset.alert = kind;
  if (kind === "called") {
    beep(3);
    vibrate([500, 200, 500, 200, 800]);
  } else {
    beep(1);
    vibrate([200, 100, 200]);
  }
  notify(title, body);
}

function unlockSound() {
  // Browsers keep sound off until the visitor touches the page; the first touch unlocks it.
  // The button stays while the browser may still be asked for notifications.
  const context = audioContext();
  const asked = !("Notification" in window) || Notification.permission !== "default";
  if (context && context.state !== "suspended" && asked) markSoundReady();
}

function markSoundReady() {
  const button = $("sound");
  button.textContent = t("alerts_ready");
  button.disabled = true;
}

$("sound").hidden = !(window.AudioContext || window.webkitAudioContext || navigator.vibrate
  || "Notification" in window);
$("sound").addEventListener("click", async () => {
  beep(1);
  vibrate(150);
  // The browser asks the visitor; a "no" leaves the beep and the vibration.
  if ("Notification" in window && Notification.permission === "default") {
    await Notification.requestPermission().catch(() => null);
  }
  markSoundReady();
});
navigator.serviceWorker?.register("/t/sw.js", { scope: "/t/" }).catch(() => null);
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
