// Time on the console: durations and times of day in the hall's zone. The server's clock may
// differ from this PC's (or run from a training start time): timers follow the server, by the
// offset seen in its answers.
import { ServerTime } from "/static/shared/servertime.js";
import { config, lang, t } from "./page.js";

const server = new ServerTime();
export function syncClock(serverIso) {
  if (serverIso) server.sync(serverIso);
}
export function serverNow() {
  return server.now();
}
export function minutesSince(iso) {
  return iso ? Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000)) : 0;
}
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
export function timeOfDay(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    hour: "2-digit", minute: "2-digit", timeZone: config.timezone,
  }).format(new Date(iso));
}
// "09.07" today; "Sen 30/11 09.07" on another day (a counter left open since yesterday).
export function moment(iso) {
  if (!iso) return "—";
  const locale = lang() === "en" ? "en-GB" : "id-ID";
  const day = (date) => new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone }).format(date);
  const when = new Date(iso);
  if (day(when) === day(new Date(serverNow()))) return timeOfDay(iso);
  const date = new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "numeric", timeZone: config.timezone,
  }).format(when);
  return `${date} ${timeOfDay(iso)}`;
}
export function minutes(n) {
  return t("minutes", { n });
}
