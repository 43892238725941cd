// The printable report (/console/reports/print?from&to): the hall, the period, the key
// figures, the tables by agency, service, officer and day, and the four charts, laid out for
// A4 paper (reports.css). The print button (or Ctrl+P) prints it.
import { $ } from "/static/shared/dom.js";
import { api } from "./api.js";
import { config, setupLanguage, t } from "./page.js";
import { showError, signedIn } from "./reports-base.js";
import { drawArrivals, drawDaily, drawLevels, drawWaits } from "./reports-charts.js";
import { period } from "./reports-format.js";
import { query, rangeFromAddress } from "./reports-range.js";
import { drawKpis, drawTable } from "./reports-table.js";

const S = { range: rangeFromAddress(), user: null, data: null };

setupLanguage(() => { if (S.data) render(); });
$("print-now").addEventListener("click", () => window.print());
signedIn(start);

async function start(user) {
  S.user = user;
  try {
    const ask = (by) => api.get(`/api/v1/reports/summary?${query(S.range, { by })}`);
    const [agency, service, officer, day, charts] = await Promise.all([
      ask("agency"), ask("service"), ask("officer"), ask("day"),
      api.get(`/api/v1/reports/charts?${query(S.range)}`),
    ]);
    S.data = { agency, service, officer, day, charts };
    showError(null);
    render();
  } catch (error) {
    showError(error);
  }
}

function render() {
  const { agency, service, officer, day, charts } = S.data;
  $("print-period").textContent = period(S.range.from, S.range.to);
  $("print-scope").textContent = S.user.role === "admin" ? t("rep.scope_all")
    : t("rep.scope_some", { agencies: S.user.agencies.join(", ") });
  document.title = `${t("print.heading")} · ${config.hall} · ${period(S.range.from, S.range.to)}`;
  drawKpis($("kpis"), agency.total);
  drawTable($("table-agency"), agency, "printed");
  drawTable($("table-service"), service, "printed");
  drawTable($("table-officer"), officer, "officer");
  drawTable($("table-day"), day, "printed");
  drawArrivals(charts.arrivals);
  drawWaits(charts.waits);
  drawDaily(day.rows);
  drawLevels(agency.rows);
  const made = new Intl.DateTimeFormat(S.user && document.documentElement.lang === "en" ? "en-GB" : "id-ID",
    { dateStyle: "long", timeStyle: "short" }).format(new Date());
  $("print-made").textContent = t("print.made", { when: made, who: S.user.name });
  document.body.dataset.ready = "true";
}
