// The SKM report page (/console/reports/skm): a range of days, the index grouped one way,
// the element scores as a chart, the recap per element, the respondents' profile and their
// suggestions, and the CSV/XLSX report. Supervisors see their agencies, administrators all.
import { $, h } from "/static/shared/dom.js";
import { makeWords } from "/static/shared/words.js";

const config = JSON.parse($("page-config").textContent);

const WORDS = {
  id: {
    "skm.title": "Survei Kepuasan Masyarakat",
    "skm.signin_hint": "Masuk sebagai supervisor atau administrator.",
    "skm.reports": "Laporan",
    "skm.from": "Dari", "skm.to": "Sampai", "skm.by": "Kelompokkan per",
    "skm.month": "Bulan ini", "skm.last_month": "Bulan lalu", "skm.semester": "Semester ini",
    "skm.year": "Tahun ini", "skm.show": "Tampilkan", "skm.download": "Unduh laporan SKM:",
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
    "by.agency": "Instansi", "by.service": "Layanan", "by.counter": "Loket", "by.hall": "Seluruh aula",
    "by.agency_lower": "instansi", "by.service_lower": "layanan", "by.counter_lower": "loket",
    "by.hall_lower": "aula",
    "signout": "Keluar", "lang.switch": "English",
    "signin.title": "Masuk", "signin.username": "Nama pengguna", "signin.password": "Kata sandi",
    "signin.submit": "Masuk", "signin.missing": "Isi nama pengguna dan kata sandi.",
    "reauth.title": "Sesi berakhir", "reauth.text": "Masuk lagi untuk melanjutkan.",
    "msg.network": "Tidak tersambung ke server. Periksa jaringan, lalu coba lagi.",
  },
  en: {
    "skm.title": "Public Satisfaction Survey",
    "skm.signin_hint": "Sign in as a supervisor or administrator.",
    "skm.reports": "Reports",
    "skm.from": "From", "skm.to": "To", "skm.by": "Group by",
    "skm.month": "This month", "skm.last_month": "Last month", "skm.semester": "This half-year",
    "skm.year": "This year", "skm.show": "Show", "skm.download": "Download the SKM report:",
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
    "by.agency": "Agency", "by.service": "Service", "by.counter": "Counter", "by.hall": "Whole hall",
    "by.agency_lower": "agency", "by.service_lower": "service", "by.counter_lower": "counter",
    "by.hall_lower": "hall",
    "signout": "Sign out", "lang.switch": "Bahasa Indonesia",
    "signin.title": "Sign in", "signin.username": "Username", "signin.password": "Password",
    "signin.submit": "Sign in", "signin.missing": "Enter your username and password.",
    "reauth.title": "Session ended", "reauth.text": "Sign in again to carry on.",
    "msg.network": "No connection to the server. Check the network and try again.",
  },
};

const words = makeWords(WORDS, { remember: "antre.lang" });
const t = (key, params) => words.t(key, params);
const S = { range: fromAddress(), data: null, chart: null };

// --- the API: GET, and signing in ---------------------------------------------------------

async function call(method, path, body, csrf) {
  const url = `${path}${path.includes("?") ? "&" : "?"}lang=${words.lang}`;
  const headers = { Accept: "application/json" };
  if (method !== "GET") Object.assign(headers, { "Content-Type": "application/json", "X-CSRFToken": csrf });
  let answer;
  try {
    answer = await fetch(url, { method, headers, credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw Object.assign(new Error(t("msg.network")), { status: 0 });
  }
  const data = await answer.json().catch(() => null);
  if (answer.ok) return data;
  throw Object.assign(new Error(data?.error?.message || answer.statusText),
    { status: answer.status });
}

async function me() {
  try {
    return await call("GET", "/api/v1/auth/me");
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

async function csrf() {
  return (await call("GET", "/api/v1/auth/csrf")).csrf_token;
}

// --- the page's views -----------------------------------------------------------------------

function show(view) {
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll("main > .view")) {
    section.hidden = section.id !== `${view}-view`;
  }
}

function showError(error) {
  $("skm-error").hidden = !error;
  $("skm-error").textContent = error ? error.message : "";
}

async function signIn() {
  const user = await me().catch(() => null);
  if (user) return ready(user);
  show("signin");
  $("signin-form").onsubmit = async (event) => {
    event.preventDefault();
    const username = $("signin-username").value.trim();
    const password = $("signin-password").value;
    if (!username || !password) {
      $("signin-error").textContent = t("signin.missing");
      return;
    }
    try {
      const answer = await call("POST", "/api/v1/auth/login", { username, password }, await csrf());
      $("signin-password").value = "";
      ready(answer.user);
    } catch (error) {
      $("signin-error").textContent = error.message;
    }
  };
  return null;
}

function ready(user) {
  $("signout").hidden = false;
  $("where").textContent = user.name;
  $("signout").onclick = async () => {
    await call("POST", "/api/v1/auth/logout", {}, await csrf()).catch(() => {});
    window.location.reload();
  };
  show("skm");
  if (user.role === "officer") {
    showError(new Error(t("skm.forbidden")));
    return;
  }
  start();
}

// --- the range ----------------------------------------------------------------------------

function pad(n) {
  return String(n).padStart(2, "0");
}

function iso(d) {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function preset(name, today = config.today) {
  const day = new Date(`${today}T00:00:00Z`);
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth();
  if (name === "year") return [`${year}-01-01`, today];
  if (name === "semester") return [`${year}-${month < 6 ? "01" : "07"}-01`, today];
  const first = new Date(Date.UTC(year, month, 1));
  if (name === "month") return [iso(first), today];
  const last = new Date(first);
  last.setUTCDate(0);
  return [iso(new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1))), iso(last)];
}

function fromAddress() {
  const query = new URLSearchParams(window.location.search);
  const [first, last] = preset("month");
  return { from: query.get("from") || first, to: query.get("to") || last,
    by: query.get("by") || "agency" };
}

const query = (extra = {}) => new URLSearchParams({ from: S.range.from, to: S.range.to,
  by: S.range.by, ...extra }).toString();

function start() {
  $("skm-from").value = S.range.from;
  $("skm-to").value = S.range.to;
  $("skm-by").value = S.range.by;
  for (const button of document.querySelectorAll("[data-preset]")) {
    button.addEventListener("click", () => {
      [S.range.from, S.range.to] = preset(button.dataset.preset);
      $("skm-from").value = S.range.from;
      $("skm-to").value = S.range.to;
      load();
    });
  }
  $("skm-form").addEventListener("submit", (event) => {
    event.preventDefault();
    S.range = { from: $("skm-from").value, to: $("skm-to").value, by: $("skm-by").value };
    load();
  });
  $("skm-by").addEventListener("change", () => $("skm-form").requestSubmit());
  load();
}

function links() {
  $("skm-csv").href = `/api/v1/reports/skm?${query({ format: "csv", lang: words.lang })}`;
  $("skm-xlsx").href = `/api/v1/reports/skm?${query({ format: "xlsx", lang: words.lang })}`;
}

async function load() {
  document.body.dataset.loading = "true";
  history.replaceState(null, "", `?${query()}`);
  links();
  try {
    S.data = await call("GET", `/api/v1/reports/skm?${query()}`);
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

// --- language -----------------------------------------------------------------------------

function applyLanguage() {
  words.apply();
  $("lang").textContent = t("lang.switch");
  $("lang").lang = words.other;
}

applyLanguage();
$("lang").addEventListener("click", () => {
  words.set(words.other);
  applyLanguage();
  if (S.data) load(); // the server words the groups, grades and profile
});
signIn();
