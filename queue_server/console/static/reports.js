// The report page (/console/reports): a range of days with presets, the figures grouped one
// way, downloads, and the charts. Supervisors see their agencies, administrators all.
import { $ } from "/static/shared/dom.js";
import {
  api, presetRange, query, rangeFromAddress, setupLanguage, showError, signedIn, t,
} from "./reports-base.js";
import { drawArrivals, drawDaily, drawLevels, drawWaits } from "./reports-charts.js";
import { drawKpis, drawTable } from "./reports-table.js";

const S = { range: rangeFromAddress(), data: null };

setupLanguage(() => { if (S.data) render(); links(); });
signedIn(start);

function start() {
  $("range-from").value = S.range.from;
  $("range-to").value = S.range.to;
  $("range-by").value = S.range.by;
  for (const button of document.querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      [S.range.from, S.range.to] = presetRange(button.dataset.preset);
      $("range-from").value = S.range.from;
      $("range-to").value = S.range.to;
      load();
    });
  }
  $("range-form").addEventListener("submit", (event) => {
    event.preventDefault();
    S.range = { from: $("range-from").value, to: $("range-to").value, by: $("range-by").value };
    load();
  });
  $("range-by").addEventListener("change", () => $("range-form").requestSubmit());
  load();
}

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
  history.replaceState(null, "", `?${query(range, { by: range.by })}`);
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
