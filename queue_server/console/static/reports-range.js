// The report pages' range of days: the form (#range-form: from, to, the preset buttons, the
// "by" select), the range in the address bar, and the dates of the presets.
import { $ } from "/static/shared/dom.js";
import { config } from "./page.js";

// Dates are strings YYYY-MM-DD, computed without the browser's time zone.
const pad = (n) => String(n).padStart(2, "0");
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** The range of a preset (today, week, month, last_month, semester, year), from the hall's
 * today (site-local, given by the server). */
export function presetRange(name, today = config.today) {
  const day = new Date(`${today}T00:00:00Z`);
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth();
  if (name === "today") return [today, today];
  if (name === "week") {
    const monday = new Date(day);
    monday.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
    return [iso(monday), today];
  }
  if (name === "year") return [`${year}-01-01`, today];
  if (name === "semester") return [`${year}-${month < 6 ? "01" : "07"}-01`, today];
  const first = new Date(Date.UTC(year, month, 1));
  if (name === "month") return [iso(first), today];
  const last = new Date(first);
  last.setUTCDate(0);
  return [iso(new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1))), iso(last)];
}

/** The range asked for in the address bar (?from&to&by), else this month. */
export function rangeFromAddress(defaultBy = "agency") {
  const asked = new URLSearchParams(window.location.search);
  const [first, last] = presetRange("month");
  return { from: asked.get("from") || first, to: asked.get("to") || last,
    by: asked.get("by") || defaultBy };
}

export function query(range, extra = {}) {
  return new URLSearchParams({ from: range.from, to: range.to, ...extra }).toString();
}

/** Drive #range-form: `onChange(range)` now and whenever a preset, "Show" or the "by" select
 * changes the range, once the address bar shows it. */
export function rangeForm(onChange) {
  let range = rangeFromAddress();
  const [from, to, by] = [$("range-from"), $("range-to"), $("range-by")];
  const fill = () => {
    [from.value, to.value, by.value] = [range.from, range.to, range.by];
  };
  const changed = () => {
    history.replaceState(null, "", `?${query(range, { by: range.by })}`);
    onChange({ ...range });
  };
  for (const button of $("range-form").querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      [range.from, range.to] = presetRange(button.dataset.preset);
      fill();
      changed();
    });
  }
  $("range-form").addEventListener("submit", (event) => {
    event.preventDefault();
    range = { from: from.value, to: to.value, by: by.value };
    changed();
  });
  by.addEventListener("change", () => $("range-form").requestSubmit());
  fill();
  changed();
}
