// The audit log: one day's administration, operations and ticket transitions, filtered by
// person, agency and kind, with the same filters as a CSV download.
import { $, h } from "/static/shared/dom.js";
import { t } from "/console/static/page.js";
import { loader, start, timeOnly } from "./ui.js";

const BASE = "/api/v1/admin/audit";
const FILTERS = ["day", "person", "agency", "kind"];

export function startAudit() {
  const S = { data: null };
  const wanted = new URLSearchParams(location.search);
  for (const name of FILTERS) {
    if (wanted.get(name)) $(`audit-${name}`).value = wanted.get(name);
  }
  S.load = loader(S, url, draw);
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    S.load();
  });
  $("audit-kind").addEventListener("change", S.load);
  return start(S, draw);
}

/** The filters as the page's address, the CSV link and the API's query. */
function url() {
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = $(`audit-${name}`).value.trim();
    if (value) query.set(name, value);
  }
  history.replaceState(null, "", `?${query}`);
  const csv = new URLSearchParams(query);
  csv.set("format", "csv");
  $("audit-csv").href = `${BASE}?${csv}`;
  return `${BASE}?${query}`;
}

function changes(entry) {
  return Object.entries(entry.changes).map(([key, value]) =>
    `${key}: ${Array.isArray(value) ? value.map((v) => JSON.stringify(v)).join(" → ") : value}`)
    .join("; ");
}

function draw(S) {
  $("audit-day").value = S.data.day;
  const rows = S.data.entries.map((entry) => h("tr", { dataset: { kind: entry.kind } },
    h("td", { text: timeOnly(entry.at) }),
    h("td", { text: t(`adm.kind.${entry.kind}`) }),
    h("td", { text: entry.action }),
    h("td", { text: entry.target }),
    h("td", { text: entry.person || "—" }),
    h("td", { text: entry.address || "" }),
    h("td", { class: "changes", text: changes(entry) })));
  $("audit-table").tBodies[0].replaceChildren(...rows);
  $("audit-empty").hidden = rows.length > 0;
}
