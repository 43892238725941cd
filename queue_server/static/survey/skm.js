// The SKM report page (/console/reports/skm): a range of days, the index grouped one way,
// the element scores as a chart, the recap per element, the respondents' profile and their
// suggestions, and the CSV/XLSX report. Supervisors see their agencies, administrators all.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { addWords, setupLanguage, t, words } from "/console/static/page.js";
import { showError, signedIn } from "/console/static/reports-base.js";
import { query, rangeForm } from "/console/static/reports-range.js";

// Its own words, on top of the report pages' (console/static/reports-words.js).
const WORDS = {
  id: {
    "skm.title": "Survei Kepuasan Masyarakat",
    "skm.download": "Unduh laporan SKM:",
    "skm.chart": "Nilai rata-rata per unsur (NRR, 1–4)",
    "skm.recap": "Rekapitulasi per unsur", "skm.groups": "IKM per kelompok",
    "skm.groups_by": "IKM per {by}",
    "skm.note": "IKM = rata-rata sembilan NRR; IKM konversi = IKM × 25, dibulatkan 2 desimal sebelum menentukan mutu. Sampel minimum menurut tabel Krejcie–Morgan untuk jumlah pengunjung yang dilayani. Metode di docs/skm.md.",
    "skm.profile": "Profil responden", "skm.suggestions": "Saran dan masukan",
    "skm.no_suggestions": "Belum ada saran pada periode ini.",
    "skm.converted": "IKM (konversi)", "skm.no_index": "Belum ada jawaban",
    "skm.respondents": "Responden", "skm.of_served": "dari {n} pengunjung dilayani",
    "skm.minimum": "Sampel minimum", "skm.enough": "Sampel cukup",
    "skm.short": "Kurang {n} responden", "skm.ikm": "IKM (1–4)",
    "skm.element": "Unsur", "skm.sum": "Jumlah nilai", "skm.count": "Jawaban",
    "skm.nrr": "NRR", "skm.weighted": "NRR tertimbang", "skm.group": "Kelompok",
    "skm.served": "Dilayani", "skm.grade": "Mutu", "skm.total": "Jumlah",
    "skm.answer": "Jawaban", "skm.people": "Orang", "skm.not_given": "Tidak diisi",
    "skm.forbidden": "Laporan SKM hanya untuk supervisor dan administrator.",
    "by.agency_lower": "instansi", "by.service_lower": "layanan", "by.counter_lower": "loket",
    "by.hall_lower": "aula",
  },
  en: {
    "skm.title": "Public Satisfaction Survey",
    "skm.download": "Download the SKM report:",
    "skm.chart": "Mean score per element (NRR, 1–4)",
    "skm.recap": "Recap per element", "skm.groups": "IKM per group", "skm.groups_by": "IKM by {by}",
    "skm.note": "IKM = the mean of the nine NRR; converted IKM = IKM × 25, rounded to 2 decimals before grading. Minimum sample from the Krejcie–Morgan table for the number of visitors served. Method in docs/skm.md.",
    "skm.profile": "Respondents' profile", "skm.suggestions": "Suggestions",
    "skm.no_suggestions": "No suggestions in this period yet.",
    "skm.converted": "IKM (converted)", "skm.no_index": "No answers yet",
    "skm.respondents": "Respondents", "skm.of_served": "of {n} visitors served",
    "skm.minimum": "Minimum sample", "skm.enough": "Sample large enough",
    "skm.short": "{n} respondents short", "skm.ikm": "IKM (1–4)",
    "skm.element": "Element", "skm.sum": "Sum", "skm.count": "Answers",
    "skm.nrr": "NRR", "skm.weighted": "Weighted NRR", "skm.group": "Group",
    "skm.served": "Served", "skm.grade": "Grade", "skm.total": "Total",
    "skm.answer": "Answer", "skm.people": "People", "skm.not_given": "Not given",
    "skm.forbidden": "The SKM report is for supervisors and administrators.",
    "by.agency_lower": "agency", "by.service_lower": "service", "by.counter_lower": "counter",
    "by.hall_lower": "hall",
  },
};

addWords(WORDS);
const S = { range: null, data: null, chart: null };

function links() {
  const ask = (format) => query(S.range, { by: S.range.by, format, lang: words.lang });
  $("skm-csv").href = `/api/v1/reports/skm?${ask("csv")}`;
  $("skm-xlsx").href = `/api/v1/reports/skm?${ask("xlsx")}`;
}

async function load() {
  document.body.dataset.loading = "true";
  links();
  try {
    S.data = await api.get(`/api/v1/reports/skm?${query(S.range, { by: S.range.by })}`);
    showError(null);
    render();
  } catch (error) {
    showError(error);
  } finally {
    document.body.dataset.loading = "false";
  }
}

// --- drawing ------------------------------------------------------------------------------

const number = (value, digits) => (value === null || value === undefined ? "–"
  : value.toLocaleString(words.lang === "en" ? "en-GB" : "id-ID",
    { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function gradeBadge(row) {
  return row.grade ? h("span", { class: "skm-grade", dataset: { grade: row.grade },
    title: row.performance, text: row.grade }) : "–";
}

function kpis(total) {
  const short = Math.max(0, total.minimum_sample - total.respondents);
  const card = (label, value, note, extra = "") => h("div", { class: `skm-kpi ${extra}` },
    h("span", { class: "skm-kpi-label", text: label }), h("strong", {}, value),
    h("span", { class: "skm-kpi-note", text: note }));
  $("skm-kpis").replaceChildren(
    card(t("skm.converted"), total.converted === null ? t("skm.no_index")
      : [number(total.converted, 2), " ", gradeBadge(total)], total.performance || "", "grade"),
    card(t("skm.ikm"), number(total.ikm, 3), ""),
    card(t("skm.respondents"), String(total.respondents),
      t("skm.of_served", { n: total.served })),
    card(t("skm.minimum"), String(total.minimum_sample),
      total.enough ? t("skm.enough") : t("skm.short", { n: short }),
      total.enough ? "" : "short"));
}

function recap(total) {
  const table = $("skm-recap");
  table.tHead.replaceChildren(h("tr", {},
    [t("skm.element"), t("skm.sum"), t("skm.count"), t("skm.nrr"), t("skm.weighted")]
      .map((text, i) => h("th", { class: i ? "num" : "", scope: "col", text }))));
  table.tBodies[0].replaceChildren(...total.elements.map((e) => h("tr", {},
    h("th", { scope: "row" }, `${e.code} `, h("span", { class: "sub", text: e.name })),
    h("td", { class: "num", text: String(e.total) }),
    h("td", { class: "num", text: String(e.answers) }),
    h("td", { class: "num", text: number(e.nrr, 3) }),
    h("td", { class: "num", text: number(e.weighted, 3) }))));
  table.tFoot.replaceChildren(h("tr", {}, h("th", { scope: "row", text: "IKM" }),
    h("td", {}), h("td", {}), h("td", {}), h("td", { class: "num", text: number(total.ikm, 3) })));
}

function groups(data) {
  const table = $("skm-groups");
  $("skm-groups-title").textContent = t("skm.groups_by", { by: t(`by.${data.by}_lower`) });
  const codes = data.total.elements.map((e) => e.code);
  table.tHead.replaceChildren(h("tr", {},
    h("th", { scope: "col", text: t("skm.group") }),
    [t("skm.respondents"), t("skm.served"), t("skm.minimum"), ...codes, "IKM",
      t("skm.converted"), t("skm.grade")].map((text) => h("th", { class: "num", scope: "col", text }))));
  const line = (row, label) => h("tr", { dataset: { key: row.key } },
    h("th", { scope: "row", text: label || row.label }),
    h("td", { class: "num", text: String(row.respondents) }),
    h("td", { class: "num", text: String(row.served) }),
    h("td", { class: "num", text: String(row.minimum_sample) }),
    row.elements.map((e) => h("td", { class: "num", text: number(e.nrr, 2) })),
    h("td", { class: "num", text: number(row.ikm, 3) }),
    h("td", { class: "num", text: number(row.converted, 2) }),
    h("td", { class: "num" }, gradeBadge(row)));
  table.tBodies[0].replaceChildren(...data.rows.map((row) => line(row)));
  table.tFoot.replaceChildren(...(data.by === "hall" ? [] : [line(data.total, t("skm.total"))]));
}

function profile(items, respondents) {
  $("skm-profile").replaceChildren(...items.map((item) => h("table", { class: "grid" },
    h("caption", { text: item.label }),
    h("tbody", {}, [...item.choices, { label: t("skm.not_given"), count: item.not_given }]
      .map((choice) => h("tr", {}, h("th", { scope: "row", text: choice.label }),
        h("td", { class: "num", text: String(choice.count) }),
        h("td", { class: "num", text: respondents
          ? `${number((100 * choice.count) / respondents, 0)}%` : "–" })))))));
}

function suggestions(list) {
  $("skm-suggestions").replaceChildren(...(list.length ? list.map((s) => h("li", {},
    s.text, h("span", { class: "sub", text: `${s.day} · ${s.agency} · ${s.service}` })))
    : [h("li", { class: "muted", text: t("skm.no_suggestions") })]));
}

function chart(total) {
  const Chart = window.Chart;
  S.chart?.destroy();
  if (!Chart) return;
  Chart.defaults.animation = false;
  S.chart = new Chart($("skm-elements"), {
    type: "bar",
    data: {
      labels: total.elements.map((e) => `${e.code} ${e.name}`),
      datasets: [{ label: t("skm.nrr"), data: total.elements.map((e) => e.nrr),
        backgroundColor: total.elements.map((e) => (e.nrr === null ? "#ccc"
          : e.nrr >= 3.5324 ? "#137333" : e.nrr >= 3.0644 ? "#0b57d0"
            : e.nrr >= 2.6 ? "#b45309" : "#b3261e")) }],
    },
    options: {
      indexAxis: "y", maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { min: 1, max: 4, ticks: { stepSize: 0.5 } },
        y: { ticks: { autoSkip: false } } },
    },
  });
}

function render() {
  const data = S.data;
  kpis(data.total);
  recap(data.total);
  groups(data);
  profile(data.profile, data.total.respondents);
  suggestions(data.suggestions);
  chart(data.total);
  document.body.dataset.ready = "true";
}

setupLanguage(() => { if (S.data) load(); }); // the server words the groups, grades and profile
signedIn(() => rangeForm((range) => {
  S.range = range;
  load();
}), "skm.forbidden");
