// The audit log: one day's administration, operations and ticket transitions, filtered by
// person, agency and kind, with the same filters as a CSV download.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t } from "/console/static/page.js";
import { showError, timeOnly } from "./ui.js";

const BASE = "/api/v1/admin/audit";

export function startAudit() {
  const S = { data: null };
  const wanted = new URLSearchParams(location.search);
  for (const name of ["day", "person", "agency", "kind"]) {
    if (wanted.get(name)) $(`audit-${name}`).value = wanted.get(name);
  }
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load(S);
  });
  $("audit-kind").addEventListener("change", () => load(S));
  load(S);
  return { redraw: () => draw(S) };
}

function filters() {
  const query = new URLSearchParams();
  for (const name of ["day", "person", "agency", "kind"]) {
    const value = $(`audit-${name}`).value.trim();
    if (value) query.set(name, value);
  }
  return query;
}

async function load(S) {
  const query = filters();
  history.replaceState(null, "", `?${query}`);
  const csv = new URLSearchParams(query);
  csv.set("format", "csv");
  $("audit-csv").href = `${BASE}?${csv}`;
  try {
    S.data = await api.get(`${BASE}?${query}`);
    $("audit-day").value = S.data.day;
    showError(null);
    draw(S);
  } catch (error) {
    showError(error);
  }
}

function changes(entry) {
  return Object.entries(entry.changes).map(([key, value]) =>
    `${key}: ${Array.isArray(value) ? value.map((v) => JSON.stringify(v)).join(" → ") : value}`)
    .join("; ");
}

function draw(S) {
  if (!S.data) return;
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
  document.body.dataset.ready = "true";
}
