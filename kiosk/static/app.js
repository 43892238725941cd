// What every part of the kiosk page shares: its settings, its one state object, the words in
// the chosen language, and the small machinery that keeps a screen current in place.

import { makeWords } from "/static/shared/words.js";
import { WORDS } from "./wordlist.js";

const body = document.body;
export const KIOSK_ID = body.dataset.kiosk;
export const IDLE_MS = Number(body.dataset.idle) * 1000;
export const PRINT_WAIT_MS = Number(body.dataset.printWait) * 1000;
export const FAILED_SHOW_MS = 3 * IDLE_MS;  // an unprinted number stays up to be photographed
export const PRIORITY_REASONS = ["lansia", "disabilitas", "ibu_hamil", "anak"];
// The booking codes' letters and length, from the server; none when the hall takes no
// bookings from home (then there is no check-in here).
export const CODE_KEYS = body.dataset.codeKeys || "";
export const CODE_LENGTH = Number(body.dataset.codeLength || 0);
export const CHECKIN = CODE_KEYS !== "" && CODE_LENGTH > 0;
export const CODE_PATTERN = new RegExp(`^[${CODE_KEYS}]{${CODE_LENGTH}}$`);

// A visitor's language lasts until the kiosk goes idle; the next one starts in Indonesian.
export const words = makeWords(WORDS);
export const t = (key, params) => words.t(key, params);

export const state = {
  screen: "loading",
  online: false,
  unauthorized: false,  // the server refused our token: stay on the setup screen
  agencies: [],  // the snapshot's, kept current by queue_changed
  agencyCode: null,
  serviceCode: null,
  reason: null,  // priority reason, or null for the regular queue
  issuing: false,
  checking: false,  // a check-in is on its way
  typed: "",  // the booking code typed on the check-in screen
  checkin: null,  // {placeKept} when the result screen shows a checked-in ticket
  armed: true,  // false for a moment after each screen change
  problem: null,  // {title, message} after a refused issue
  ticket: null,
  print: null,  // "pending" | "printed" | "failed"
  printDetail: null,  // the printer's trouble: text, {id, en}, or "no_answer"
  lastTouch: Date.now(),
};

// What the screens call back; kiosk.js fills it in.
export const actions = {};

/* --- Keeping a screen current ---------------------------------------------------------- */

// Each screen registers "fillers" that write its changing parts; a live update reruns them
// rather than rebuilding, so no element is swapped from under a visitor's finger.
let fillers = [];
let ticker = null;

export function fill(fn) {
  fillers.push(fn);
  fn();
}

export function refresh() {
  for (const fn of fillers) fn();
}

export function resetView() {
  fillers = [];
  ticker = null;
}

/** The result screen's countdown, redrawn every tick. */
export function setTicker(fn) {
  ticker = fn;
  fill(fn);
}

export function tickView() {
  if (ticker) ticker();
}

/* --- The hall's data ------------------------------------------------------------------- */

export function agency(code = state.agencyCode) {
  return state.agencies.find((a) => a.code === code) || null;
}

export function service(code = state.serviceCode) {
  for (const a of state.agencies) {
    const found = a.services.find((s) => s.code === code);
    if (found) return found;
  }
  return null;
}

export function closedText(s) {
  const messages = s.closed_message || {};
  return messages[words.lang] || messages.id || messages.en || t("closed");
}

export function printDetailText() {
  const detail = state.printDetail;
  if (detail === "no_answer") return t("print_no_answer");
  if (detail && typeof detail === "object") return detail[words.lang] || detail.id || null;
  return detail;
}

/** How long the current screen may sit untouched. */
export function idleLimit() {
  if (state.screen === "result") {
    if (state.print === "pending") return Infinity;  // the print wait decides first
    return state.print === "failed" ? FAILED_SHOW_MS : IDLE_MS;
  }
  return IDLE_MS;
}
