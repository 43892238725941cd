// The report page (/console/reports): a range of days with presets, the figures grouped one
// way, downloads, and the charts. Supervisors see their agencies, administrators all.
import { $ } from "/static/shared/dom.js";
import { api } from "./api.js";
import { setupLanguage, t } from "./page.js";
import { showError, signedIn } from "./reports-base.js";
import { query, rangeForm } from "./reports-range.js";
import { drawArrivals, drawDaily, drawLevels, drawWaits } from "./reports-charts.js";
import { drawKpis, drawTable } from "./reports-table.js";

const S = { range: null, data: null };

setupLanguage(() => { if (S.data) render(); if (S.range) links(); });
signedIn(() => rangeForm((range) => {
  S.range = range;
  load();
}));

function links() {
  const range = S.range;
  const base = "/api/v1/reports";
  $("dl-csv").href = `${base}/summary?${query(range, { by: range.by, format: "csv" })}`;
  $("dl-xlsx").href = `${base}/summary?${query(range, { by: range.by, format: "xlsx" })}`;
  $("dl-tickets-csv").href = `${base}/tickets?${query(range, { format: "csv" })}`;
  $("dl-tickets-xlsx").href = `${base}/tickets?${query(range, { format: "xlsx" })}`;
  $("print-link").href = `/console/reports/print?${query(range)}`;
}

async function load() {
  const range = { ...S.range };
  document.body.dataset.loading = "true";
  links();
  try {
    const [table, day, agency, charts] = await Promise.all([
      api.get(`/api/v1/reports/summary?${query(range, { by: range.by })}`),
      api.get(`/api/v1/reports/summary?${query(range, { by: "day" })}`),
      api.get(`/api/v1/reports/summary?${query(range, { by: "agency" })}`),
      api.get(`/api/v1/reports/charts?${query(range)}`),
    ]);
    S.data = { table, day, agency, charts };
    showError(null);
    render();
  } catch (error) {
    showError(error);
  } finally {
    document.body.dataset.loading = "false";
  }
}

function render() {
  const { table, day, agency, charts } = S.data;
  $("table-title").textContent = `${t("rep.table")}: ${t(`by.${table.by}`)}`;
  drawKpis($("kpis"), table.total);
  drawTable($("figures-table"), table);
  drawArrivals(charts.arrivals);
  drawWaits(charts.waits);
  drawDaily(day.rows);
  drawLevels(agency.rows);
  document.body.dataset.ready = "true";
}
