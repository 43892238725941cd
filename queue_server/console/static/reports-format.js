// Numbers as the report shows them: counts with the language's separators, durations as
// h:mm:ss (or m:ss), shares as percentages; "–" where nothing was measured.
import { words } from "./page.js";

const locale = () => (words.lang === "en" ? "en-GB" : "id-ID");
export const DASH = "–";

export function count(value) {
  return value === null || value === undefined ? DASH
    : new Intl.NumberFormat(locale()).format(value);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export function share(value) {
  return value === null || value === undefined ? DASH
    : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value);
}

export function hour(value) {
  if (value === null || value === undefined) return DASH;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(value)}.00–${two((value + 1) % 24)}.00`;
}

export function longDate(text) {
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric",
    timeZone: "UTC" }).format(new Date(`${text}T00:00:00Z`));
}

export function period(from, to) {
  return from === to ? longDate(from) : `${longDate(from)} – ${longDate(to)}`;
}
