// The report's four charts, drawn by Chart.js (served by the hall's own server from
// node_modules, with the matrix controller for the heat map). No animation: the printed
// report and the screenshots get the finished drawing.
import { t } from "./page.js";

const Chart = window.Chart;
const drawn = new Map();
const BLUE = "#0b57d0";
const GREEN = "#137333";
const AMBER = "#b45309";

if (Chart) {
  // A printed page is narrower than the screen: redraw every chart at the paper's size.
  window.addEventListener("beforeprint", () => {
    for (const chart of Object.values(Chart.instances)) chart.resize();
  });
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = "#14202e";
  Chart.defaults.maintainAspectRatio = false;
}

function draw(id, setup) {
  drawn.get(id)?.destroy();
  const canvas = document.getElementById(id);
  if (!Chart || !canvas) return;
  drawn.set(id, new Chart(canvas, setup));
}

/** Tickets issued by weekday (rows) and hour (columns), darker where busier. */
export function drawArrivals(cells) {
  const max = Math.max(1, ...cells.map((c) => c.tickets));
  const days = [...new Set([1, 2, 3, 4, 5, ...cells.map((c) => c.weekday)])].sort((a, b) => a - b);
  const hours = cells.map((c) => c.hour);
  const first = Math.min(7, ...hours);
  const last = Math.max(15, ...hours);
  const data = [];
  for (const weekday of days) {
    for (let hour = first; hour <= last; hour += 1) {
      const cell = cells.find((c) => c.weekday === weekday && c.hour === hour);
      data.push({ x: hour, y: weekday, v: cell ? cell.tickets : 0 });
    }
  }
  draw("chart-arrivals", {
    type: "matrix",
    data: { datasets: [{
      label: t("chart.tickets"), data,
      backgroundColor: (c) => `rgba(11, 87, 208, ${0.06 + 0.94 * ((c.raw?.v || 0) / max)})`,
      borderColor: "#fff", borderWidth: 1,
      width: ({ chart }) => (chart.chartArea || {}).width / (last - first + 1) - 2,
      height: ({ chart }) => (chart.chartArea || {}).height / days.length - 2,
    }] },
    options: {
      plugins: { legend: { display: false }, tooltip: { callbacks: {
        title: (items) => `${t(`weekday.${items[0].raw.y}`)} ${String(items[0].raw.x).padStart(2, "0")}.00`,
        label: (item) => `${item.raw.v} ${t("chart.tickets").toLowerCase()}`,
      } } },
      scales: {
        x: { type: "linear", min: first, max: last, offset: true,
          ticks: { stepSize: 1, callback: (v) => String(v).padStart(2, "0") },
          grid: { display: false } },
        y: { type: "linear", min: days[0], max: days[days.length - 1], offset: true,
          reverse: true,
          ticks: { stepSize: 1, callback: (v) => t(`weekday.${v}`) }, grid: { display: false } },
      },
    },
  });
}

/** How many visitors waited 0-5, 5-10, ... minutes for their first call. */
export function drawWaits(buckets) {
  draw("chart-waits", {
    type: "bar",
    data: {
      labels: buckets.map((b) => (b.to_min === null ? t("chart.more", { from: b.from_min })
        : `${b.from_min}–${b.to_min}`)),
      datasets: [{ label: t("chart.tickets"), data: buckets.map((b) => b.tickets),
        backgroundColor: buckets.map((b) => (b.from_min >= 30 ? AMBER : BLUE)) }],
    },
    options: {
      plugins: { legend: { display: false } },
      scales: { x: { title: { display: true, text: t("chart.minutes") } },
        y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

// Tickets issued, one stacked bar per day, by the way they came.
const CHANNELS = [["kiosk", "#9ab8ea"], ["online", "#2a9d8f"], ["appointment", "#0f766e"],
  ["counter", "#c9d3df"]];

/** Issued per day (by channel, stacked) beside served, and the median wait on its own axis. */
export function drawDaily(rows) {
  draw("chart-daily", {
    type: "bar",
    data: {
      labels: rows.map((r) => r.label.slice(5)),
      datasets: [
        ...CHANNELS.map(([channel, colour]) => ({ label: t(`chart.issued_${channel}`),
          data: rows.map((r) => r[`issued_${channel}`]), backgroundColor: colour, stack: "issued" })),
        { label: t("chart.served"), data: rows.map((r) => r.served), backgroundColor: BLUE,
          stack: "served" },
        { type: "line", label: t("chart.median_wait"), yAxisID: "minutes",
          data: rows.map((r) => (r.wait_median_s === null ? null : r.wait_median_s / 60)),
          borderColor: AMBER, backgroundColor: AMBER, pointRadius: 2, tension: 0.2 },
      ],
    },
    options: {
      plugins: { legend: { position: "bottom" } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        minutes: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
          title: { display: true, text: t("chart.minutes") } } },
    },
  });
}

/** Per agency: share called within the target wait, share served within the target time. */
export function drawLevels(rows) {
  const measured = rows.filter((r) => r.issued);
  const percent = (value) => (value === null ? null : Math.round(value * 1000) / 10);
  draw("chart-level", {
    type: "bar",
    data: {
      labels: measured.map((r) => r.label),
      datasets: [
        { label: t("chart.wait_level"), data: measured.map((r) => percent(r.wait_service_level)),
          backgroundColor: BLUE },
        { label: t("chart.service_level"),
          data: measured.map((r) => percent(r.service_service_level)), backgroundColor: GREEN },
      ],
    },
    options: {
      indexAxis: "y",
      plugins: { legend: { position: "bottom" } },
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
    },
  });
}
