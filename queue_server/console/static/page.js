// What the console pages (console, overview, reports) share: the page's settings, its words
// (the choice of language is remembered on this PC), which view shows, messages, the live
// indicator.
import { $ } from "/static/shared/dom.js";
import { makeWords } from "/static/shared/words.js";
import { WORDS } from "./wordlist.js";

export const config = JSON.parse($("page-config").textContent);
const table = { id: { ...WORDS.id }, en: { ...WORDS.en } };
export const words = makeWords(table, { remember: "antre.lang" });
export const t = (key, params) => words.t(key, params);
export const lang = () => words.lang;

/** A page's own words (`{id: {...}, en: {...}}`) on top of the console's; a key in both is
 * the page's. Added when its module loads, before anything is drawn. */
export function addWords(extra) {
  for (const [language, entries] of Object.entries(extra)) {
    table[language] = { ...table[language], ...entries };
  }
}

export function show(view) {
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll("main > .view")) {
    section.hidden = section.id !== `${view}-view`;
  }
}

let toastTimer = null;
export function toast(text, kind = "info") {
  const box = $("toast");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 4000);
}

// The shared connection's status -> the indicator's state (the CSS colours "on" and "lost").
const LIVE_STATES = { online: "on", offline: "lost", unavailable: "off" };

/** The header's live indicator: `status` is the live connection's, or the state itself. */
export function showLive(status) {
  const state = LIVE_STATES[status] || status || "off";
  $("live").dataset.state = state;
  $("live-text").textContent = t(`live.${state}`);
}

/** The language button; `onChange` redraws what the page wrote itself. */
export function setupLanguage(onChange) {
  const button = $("lang");
  const label = () => {
    button.textContent = t("lang.switch");
    button.lang = words.other;
    const live = $("live"); // a page may have no live indicator
    if (live) showLive(live.dataset.state);
  };
  words.apply();
  label();
  button.addEventListener("click", () => {
    words.set(words.other);
    words.apply();
    label();
    onChange?.();
  });
}

/** Today's tickets taken from home, for a service or a slot (RemoteCounts), in a line. */
export function remoteCountsText(counts) {
  const line = t("bookings.counts", counts);
  return counts.expired ? `${line} · ${t("bookings.expired", { n: counts.expired })}` : line;
}
