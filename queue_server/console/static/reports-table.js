// The figures table and the key figures above it, drawn from a summary (GET /reports/summary).
import { h } from "/static/shared/dom.js";
import { t } from "./page.js";
import { count, duration, hour, share } from "./reports-format.js";

// Columns on screen and on paper; every figure is in the CSV and Excel downloads.
const COLUMNS = [
  ["col.issued", (r) => count(r.issued)],
  ["col.channels", (r) => [r.issued_kiosk, r.issued_online, r.issued_appointment,
    r.issued_counter].map(count).join(" / ")],
  ["col.served", (r) => count(r.served)],
  ["col.no_show", (r) => count(r.no_show)],
  ["col.cancelled", (r) => `${count(r.cancelled_visitor)} / ${count(r.removed_staff)}`],
  ["col.expired", (r) => count(r.expired)],
  ["col.not_arrived", (r) => count(r.not_arrived)],
  ["col.transfers", (r) => `${count(r.transferred_out)} / ${count(r.transferred_in)}`],
  ["col.recalls", (r) => count(r.recalls)],
  ["col.wait_mean", (r) => duration(r.wait_mean_s)],
  ["col.wait_median", (r) => duration(r.wait_median_s)],
  ["col.wait_p90", (r) => duration(r.wait_p90_s)],
  ["col.wait_max", (r) => duration(r.wait_max_s)],
  ["col.service_mean", (r) => duration(r.service_mean_s)],
  ["col.service_median", (r) => duration(r.service_median_s)],
  ["col.service_p90", (r) => duration(r.service_p90_s)],
  ["col.wait_level", (r) => share(r.wait_service_level)],
  ["col.service_level", (r) => share(r.service_service_level)],
  ["col.priority", (r) => share(r.priority_share)],
  ["col.busiest", (r) => hour(r.busiest_hour)],
  ["col.open", (r) => duration(r.open_s)],
  ["col.break", (r) => duration(r.break_s)],
];

// A shorter set for the A4 page: what the monthly letter reports.
const PRINTED = new Set(["col.issued", "col.channels", "col.served", "col.no_show", "col.cancelled",
  "col.wait_median", "col.wait_p90", "col.service_median", "col.service_p90",
  "col.wait_level", "col.service_level", "col.busiest"]);
const OFFICER = new Set(["col.served", "col.no_show", "col.service_mean", "col.service_median",
  "col.open", "col.break"]);

function columnsFor(kind) {
  if (kind === "officer") return COLUMNS.filter(([key]) => OFFICER.has(key));
  if (kind === "printed") return COLUMNS.filter(([key]) => PRINTED.has(key));
  return COLUMNS;
}

function rowCells(row, columns, label) {
  return [h("th", { scope: "row", text: label }),
    ...columns.map(([, value]) => h("td", { class: "num", text: value(row) }))];
}

/** Fill `table` with the summary's rows and its total (when grouped). */
export function drawTable(table, summary, kind = "all") {
  const columns = columnsFor(kind);
  table.tHead.replaceChildren(h("tr", {}, h("th", { scope: "col", text: t("col.label") }),
    columns.map(([key]) => h("th", { scope: "col", class: "num", text: t(key) }))));
  const body = table.tBodies[0];
  if (!summary.rows.some((row) => row.issued || row.open_s)) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: columns.length + 1, class: "empty",
      text: t("rep.empty") })));
    table.tFoot.replaceChildren();
    return;
  }
  body.replaceChildren(...summary.rows.map((row) =>
    h("tr", { dataset: { key: row.key } }, rowCells(row, columns, row.label))));
  table.tFoot.replaceChildren(summary.by === "hall" ? ""
    : h("tr", { dataset: { key: "total" } }, rowCells(summary.total, columns, t("col.total"))));
}

/** The key figures of the whole period (the summary's total). */
export function drawKpis(box, total) {
  const card = (key, value, note) => h("div", { class: "kpi", dataset: { kpi: key } },
    h("span", { class: "kpi-label", text: t(key) }), h("strong", { text: value }),
    note ? h("span", { class: "kpi-note", text: note }) : null);
  box.replaceChildren(
    card("kpi.issued", count(total.issued)),
    card("kpi.served", count(total.served)),
    card("kpi.wait", duration(total.wait_median_s), t("kpi.p90", { value: duration(total.wait_p90_s) })),
    card("kpi.service", duration(total.service_median_s),
      t("kpi.p90", { value: duration(total.service_p90_s) })),
    card("kpi.wait_level", share(total.wait_service_level), t("kpi.of", { count: count(total.called) })),
    card("kpi.service_level", share(total.service_service_level),
      t("kpi.of", { count: count(total.served) })),
    card("kpi.no_show", count(total.no_show)),
    card("kpi.busiest", hour(total.busiest_hour)),
  );
}
