// The kiosk touch screen: agency → service → confirm (with priority) → the number; and the
// check-in of a ticket booked from home (its QR scanned, or its booking code typed).
//
// This module is the flow: which screen shows, what the server says (the shared live
// connection), issuing, check-in and printing (api.js), idle. The screens are drawn by
// screens.js from the shared state in app.js; the scanner is read by scanner.js.

import { takeDeviceToken } from "/static/shared/device.js";
import { $ } from "/static/shared/dom.js";
import { connectLive } from "/static/shared/live.js";
import { DEFAULT_LANGUAGE } from "/static/shared/words.js";
import { checkInTicket, issueTicket } from "./api.js";
import {
  CHECKIN,
  CODE_KEYS,
  CODE_LENGTH,
  CODE_PATTERN,
  KIOSK_ID,
  PRINT_WAIT_MS,
  actions,
  agency,
  idleLimit,
  refresh,
  resetView,
  service,
  state,
  t,
  tickView,
  words,
} from "./app.js";
import { listenForLines, scannedKey } from "./scanner.js";
import { SCREENS } from "./screens.js";

const ARM_MS = 500;  // a double tap's second touch must not act on the screen it opened
const REFRESH_MS = 60000;  // services open and close by the clock too, which no event announces
const TOKEN_KEY = `antre.kiosk.${KIOSK_ID}.token`;

const earlyPrints = new Map();  // print results that came before the ticket's answer
let printTimer = null;
let armTimer = null;
let live = null;
let token = null;

/* --- Screens ---------------------------------------------------------------------------- */

function show(name) {
  state.screen = name;
  document.body.dataset.screen = name;
  resetView();
  state.armed = false;
  clearTimeout(armTimer);
  const screen = SCREENS[name]();
  screen.classList.add("screen", `screen-${name}`, "arming");
  $("screen").replaceChildren(screen);
  // Whatever a quick second tap would hit on this screen is still asleep for a moment.
  armTimer = setTimeout(() => {
    state.armed = true;
    screen.classList.remove("arming");
    refresh();
  }, ARM_MS);
  fillChrome();
}

function fillChrome() {
  document.documentElement.lang = words.lang;
  $("lang").textContent = t("switch_to");
  $("lang").lang = words.other;
  $("tagline").textContent = t("tagline");
  $("offline-title").textContent = t("offline");
  $("offline-hint").textContent = t("offline_hint");
  $("offline").hidden = state.online || state.screen === "loading" || state.screen === "setup";
  document.body.dataset.online = String(state.online);
}

/* --- What the server says --------------------------------------------------------------- */

function applySnapshot(data) {
  const shape = (list) => list.map((a) => `${a.code}:${a.services.map((s) => s.code)}`).join();
  const before = shape(state.agencies);
  state.agencies = data.agencies;
  if (state.unauthorized) return;
  if (state.screen === "loading" || state.screen === "setup") return show("start");
  if (before !== shape(state.agencies) && state.screen !== "result") {
    // Agencies or services came or went: rebuild, leaving a screen whose subject is gone.
    const gone = (state.screen === "services" && !agency())
      || (state.screen === "confirm" && !service());
    return show(gone ? "start" : state.screen);
  }
  refresh();
}

function applyQueue(event) {
  const a = agency(event.agency);
  const s = a && a.services.find((x) => x.code === event.service);
  if (!s) return;
  Object.assign(s, {
    waiting: event.waiting, open: event.open, closed_reason: event.closed_reason,
    quota_left: event.quota_left, estimated_wait_min: event.estimated_wait_min,
    closed_message: event.closed_message,
  });
  a.waiting = event.agency_waiting;
  refresh();
}

function setOnline(status) {
  state.online = status === "online";
  fillChrome();
  refresh();
}

function refused(message) {
  if (!/^unauthorized/.test(message)) return true;  // e.g. "unavailable": try again
  setUnauthorized();
  return false;  // the token is wrong: only a new setup link helps
}

function setUnauthorized() {
  state.online = false;
  state.unauthorized = true;
  show("setup");
}

/* --- Choosing and issuing --------------------------------------------------------------- */

function openAgency(code) {
  state.agencyCode = code;
  show("services");
}

function chooseService(code) {
  const s = service(code);
  if (!s || !s.open) return;  // a closed service shows its reason and goes nowhere
  state.serviceCode = code;
  state.reason = null;
  state.problem = null;
  show("confirm");
}

async function issue() {
  // The button is disabled while a request is out; this guard also holds for a second tap
  // that arrives before the browser has drawn that.
  const s = service();
  if (state.issuing || !state.online || !state.armed || !s || !s.open) return;
  state.issuing = true;
  state.problem = null;
  refresh();
  const ticket = await send("issuing", "issue_failed", issueTicket({
    token, language: words.lang, service: s.code, reason: state.reason,
  }));
  if (ticket) {
    state.checkin = null;
    showResult(ticket);
  } else if (!state.unauthorized) {
    live.resync();  // e.g. the quota ran out a moment ago: show it
    refresh();
  }
}

// An issue's or a check-in's request, `flag` up until it answers: its ticket, or null once the
// screen says why not under `title` (or, the kiosk's token refused, asks for a new setup).
async function send(flag, title, request) {
  let answer;
  try {
    answer = await request;
  } catch {
    answer = { ok: false, message: t("network_failed") };
  }
  state[flag] = false;
  if (answer.ok) return answer.ticket;
  if (answer.status === 401) setUnauthorized();
  else state.problem = { title: t(title), message: answer.message };
  return null;
}

function dismissProblem() {
  state.problem = null;
  show("services");
}

/* --- Check-in: a booked ticket joins the line and is printed like an issued one -------- */

async function checkIn(key) {
  if (state.checking || state.issuing || !state.online || state.unauthorized) return;
  state.checking = true;
  state.problem = null;
  state.typed = CODE_PATTERN.test(key) ? key : "";  // a scanned code shows as if typed
  if (state.screen === "checkin") refresh();
  else show("checkin");
  // Refused: too early or too late (the window is in the message), unknown, checked in.
  const ticket = await send("checking", "checkin_failed",
                            checkInTicket({ token, language: words.lang, key }));
  if (ticket) {
    state.checkin = { placeKept: ticket.place_kept };
    showResult(ticket);
  } else if (!state.unauthorized) {
    refresh();
  }
}

function openCheckin(problem = null) {
  state.typed = "";
  state.problem = problem;
  show("checkin");
}

function typeKey(key) {
  if (state.checking || state.typed.length >= CODE_LENGTH) return;
  state.typed += key;
  state.problem = null;
  refresh();
}

function eraseKey() {
  if (state.checking) return;
  state.typed = state.typed.slice(0, -1);
  state.problem = null;
  refresh();
}

function retypeCode() {
  state.typed = "";
  state.problem = null;
  refresh();
}

/** A line from the scanner (or a keyboard on the check-in screen), on any screen. */
function onLine(line) {
  if (state.unauthorized || ["loading", "setup"].includes(state.screen)) return;
  const key = scannedKey(line, CODE_PATTERN);
  if (key) {
    checkIn(key);
  } else if (state.screen === "checkin" && !line.trim() && state.typed.length === CODE_LENGTH) {
    checkIn(state.typed);  // typed on the screen, Enter on a keyboard
  } else if (line.trim()) {
    openCheckin({ title: t("scan_unknown"), message: t("scan_unknown_hint") });
  }
}

function onKey(key) {
  if (state.screen !== "checkin") return;
  if (key === "Backspace") eraseKey();
  else if (key.length === 1 && CODE_KEYS.includes(key.toUpperCase())) typeKey(key.toUpperCase());
}

/* --- Printing: the ticket is valid either way; the screen says what became of the paper -- */

function showResult(ticket) {
  state.ticket = ticket;
  state.printDetail = ticket.print_message || null;
  clearTimeout(printTimer);
  let print = ticket.print_status;
  const early = earlyPrints.get(ticket.id);
  if (early && early.print_status !== "pending") {
    print = early.print_status;
    state.printDetail = early.messages || early.message || null;
  }
  if (print === "pending") {
    printTimer = setTimeout(() => settlePrint("failed", "no_answer"), PRINT_WAIT_MS);
  } else if (print !== "printed") {
    print = "failed";  // no agent, a printer error, or a kiosk without a printer
  }
  state.print = print;
  state.lastTouch = Date.now();
  show("result");
}

function onPrint(event) {
  if (state.screen === "result" && state.ticket && event.ticket_id === state.ticket.id) {
    settlePrint(event.print_status === "printed" ? "printed" : "failed",
      event.messages || event.message || null);
    return;
  }
  earlyPrints.set(event.ticket_id, event);
  if (earlyPrints.size > 20) earlyPrints.delete(earlyPrints.keys().next().value);
}

function settlePrint(print, detail) {
  clearTimeout(printTimer);
  state.print = print;
  state.printDetail = print === "printed" ? null : detail;
  state.lastTouch = Date.now();  // the visitor gets the full time to read the outcome
  refresh();
}

function goStart() {
  clearTimeout(printTimer);
  state.agencyCode = state.serviceCode = state.reason = state.problem = state.ticket = null;
  state.print = state.checkin = null;
  state.typed = "";
  show("start");
}

function setLanguage(language) {
  if (language === words.lang) return;
  words.set(language);
  if (live) live.setLanguage(language);
  show(state.screen);
}

/* --- Idle: the next visitor always finds the start screen, in Indonesian ---------------- */

function tick() {
  if (state.issuing || state.checking || state.screen === "loading"
    || state.screen === "setup") return;
  tickView();
  if (Date.now() - state.lastTouch < idleLimit()) return;
  state.lastTouch = Date.now();
  if (state.screen !== "start") goStart();
  setLanguage(DEFAULT_LANGUAGE);
}

/* --- Start ------------------------------------------------------------------------------ */

function main() {
  Object.assign(actions, {
    show, openAgency, chooseService, issue, dismissProblem, goStart,
    checkIn, openCheckin, typeKey, eraseKey, retypeCode,
  });
  if (CHECKIN) listenForLines({ onLine, onKey });
  for (const kind of ["pointerdown", "keydown"]) {
    document.addEventListener(kind, () => { state.lastTouch = Date.now(); },
      { capture: true, passive: true });
  }
  // No long-press menus on a public touch screen.
  document.addEventListener("contextmenu", (event) => event.preventDefault());
  $("lang").addEventListener("click", () => setLanguage(words.other));
  window.matchMedia("(orientation: portrait)").addEventListener("change", () => {
    if (state.screen !== "loading") show(state.screen);
  });
  setInterval(tick, 500);

  token = takeDeviceToken(TOKEN_KEY);
  if (!token) {
    show("setup");
    return;
  }
  show("loading");
  live = connectLive({
    auth: { kiosk: KIOSK_ID, token, language: words.lang },
    events: {
      queue_changed: applyQueue,
      // No snapshot repeats a print result: drawn even when its number is an old one.
      print_status: { draw: onPrint, inSnapshot: false },
    },
    onSnapshot: applySnapshot,
    onStatus: setOnline,
    onRefused: refused,
    refreshEveryMs: REFRESH_MS,
  });
}

main();
