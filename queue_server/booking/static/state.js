// What the booking page's modules share: the server's settings, the words, the one state
// object, and the hall's times said in the hall's zone (never the phone's clock or zone).

import { $ } from "/static/shared/dom.js";
import { makeWords } from "/static/shared/words.js";
import { WORDS } from "./wordlist.js";

export const config = JSON.parse($("booking-data").textContent);
export const words = makeWords(WORDS, { language: config.lang });
export const t = (key, params) => words.t(key, params);

export const state = {
  step: "loading",
  agencies: [], // the booking API's list
  agency: null, // chosen codes
  service: null,
  date: null, // null: today's queue; else "YYYY-MM-DD" of an appointment
  slots: null, // that date's answer, null while loading
  slot: null, // "HH:MM"
  phone: "",
  nik: "",
  busy: false, // a booking is on its way
  problem: null, // {message, field}: the last refusal, shown on the step
  ticket: null, // the booking's answer
};

// What the steps call back; booking.js fills it in.
export const actions = {};

export function chosenAgency() {
  return state.agencies.find((a) => a.code === state.agency) || null;
}

export function chosenService() {
  for (const agency of state.agencies) {
    const found = agency.services.find((s) => s.code === state.service);
    if (found) return found;
  }
  return null;
}

/** A {id, en} message in the page's language. */
export function said(message) {
  return message ? message[words.lang] || message.id || message.en : "";
}

function locale() {
  return words.lang === "en" ? "en-GB" : "id-ID";
}

/** "Senin, 30 November" for a "YYYY-MM-DD" (a calendar date: no zone shifts it). */
export function dayName(iso) {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "long", day: "numeric", month: "long", timeZone: "UTC",
  }).format(new Date(`${iso}T00:00:00Z`));
}

/** "09.30" (Indonesian) or "09:30" for a moment, in the hall's zone. */
export function clock(isoMoment) {
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit", minute: "2-digit", timeZone: config.timezone,
  }).format(new Date(isoMoment));
}
