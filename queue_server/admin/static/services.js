// Services and counters: a service's everyday settings (hours by weekday with their breaks
// among them) and a counter's services, saved to config.yaml by the server (which checks them
// with the file's own schema) and in effect at once.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { attempt, dialogForm, loader, start } from "./ui.js";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TIMES = ["issue_from", "open", "cutoff", "close"];

export function startServices() {
  const S = { data: null };
  S.load = loader(S, () => "/api/v1/admin/settings", draw);
  S.form = dialogForm("service");
  $("service-hall-hours").addEventListener("change", () => hoursEditable(!$("service-hall-hours").checked));
  return start(S, draw);
}

function draw(S) {
  $("services-table").tBodies[0].replaceChildren(...S.data.services.map((service) => h("tr", {
    dataset: { service: service.code } },
  h("td", {}, h("strong", { text: service.code })),
  h("td", { text: service.name }),
  h("td", { class: "quota", text: service.quota ?? t("adm.services.no_limit") }),
  h("td", { text: service.target_minutes }),
  h("td", { class: "hours", text: t(service.hours ? "adm.hours.own" : "adm.hours.of_hall") }),
  h("td", { class: "changes", text: service.requirements.join("; ") }),
  h("td", {}, h("button", { type: "button", class: "small", dataset: { action: "edit" },
    text: t("adm.people.change"), onclick: () => openService(S, service) })))));
  $("counters-table").tBodies[0].replaceChildren(...S.data.counters.map((counter) => {
    const input = h("input", { value: counter.services.join(", "), "aria-label": counter.name,
      spellcheck: "false" });
    const save = h("button", { type: "button", class: "small", text: t("adm.save"),
      onclick: () => saveCounter(S, counter, input) });
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") save.click(); });
    return h("tr", { dataset: { counter: counter.id } },
      h("td", {}, h("strong", { text: counter.name })),
      h("td", { text: counter.agency }),
      h("td", {}, h("div", { class: "row-actions" }, input, save)));
  }));
}

// --- Hours: one row a weekday (a day left unticked is closed), breaks as "12:00-13:00 Name" --

const breaksText = (day) => (day?.breaks || []).map((b) => `${b.start}-${b.end} ${b.name}`).join("; ");

function drawHours(hours) {
  $("hours-table").tBodies[0].replaceChildren(...WEEKDAYS.map((weekday) => {
    const day = hours[weekday];
    const label = t(`day.${weekday}`);
    return h("tr", { dataset: { day: weekday } },
      h("td", { class: "day" }, h("label", {},
        h("input", { type: "checkbox", class: "on", checked: Boolean(day) }), label)),
      TIMES.map((key) => h("td", {}, h("input", { class: "clock", dataset: { key },
        value: day?.[key] || "", placeholder: "HH:MM", inputmode: "numeric",
        "aria-label": `${label} ${t(`adm.hours.${key}`)}` }))),
      h("td", {}, h("input", { class: "breaks", value: breaksText(day),
        "aria-label": `${label} ${t("adm.hours.breaks")}` })));
  }));
}

function hoursEditable(own) {
  for (const input of $("hours-table").querySelectorAll("input")) input.disabled = !own;
}

function parseBreaks(text, weekday) {
  return text.split(";").map((part) => part.trim()).filter(Boolean).map((part) => {
    const found = part.match(/^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*(.*)$/);
    if (!found) throw new Error(t("adm.hours.bad_break", { day: t(`day.${weekday}`) }));
    const named = found[3].trim();
    return { start: found[1].padStart(5, "0"), end: found[2].padStart(5, "0"),
      ...(named ? { name: named } : {}) };
  });
}

/** The hours as the form has them: null to keep the hall's; else each ticked day's times as
 *  typed (the server says what is wrong with them). */
function readHours() {
  if ($("service-hall-hours").checked) return null;
  const hours = {};
  for (const row of $("hours-table").tBodies[0].rows) {
    if (!row.querySelector("input.on").checked) continue;
    const day = Object.fromEntries([...row.querySelectorAll("input.clock")]
      .map((input) => [input.dataset.key, input.value.trim()]));
    day.breaks = parseBreaks(row.querySelector("input.breaks").value, row.dataset.day);
    hours[row.dataset.day] = day;
  }
  return hours;
}

// --- The service dialog -----------------------------------------------------------------------

function openService(S, service) {
  $("service-title").textContent = t("adm.services.edit", service);
  $("service-name").value = service.name;
  $("service-quota").value = service.quota ?? "";
  $("service-target").value = service.target_minutes;
  $("service-wait").value = service.target_wait_minutes ?? "";
  $("service-requirements").value = service.requirements.join("\n");
  $("service-outcomes").value = service.outcomes.join("\n");
  $("service-outcome-required").checked = service.outcome_required;
  $("service-hall-hours").checked = !service.hours;
  drawHours(service.hours || S.data.hall_hours);
  hoursEditable(Boolean(service.hours));
  S.form.open($("service-quota"), () => saveService(S, service));
}

const number = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
const lines = (id) => $(id).value.split("\n").map((line) => line.trim()).filter(Boolean);

async function saveService(S, service) {
  const body = {
    name: $("service-name").value.trim(), quota: number("service-quota"),
    target_minutes: number("service-target"), target_wait_minutes: number("service-wait"),
    requirements: lines("service-requirements"), outcomes: lines("service-outcomes"),
    outcome_required: $("service-outcome-required").checked, hours: readHours(),
  };
  const out = await api.request("PATCH",
    `/api/v1/admin/services/${encodeURIComponent(service.code)}`, body);
  return () => saved(S, out, service.code);
}

function saved(S, out, target) {
  toast(Object.keys(out.changes).length
    ? t("adm.services.saved", { target }) : t("adm.services.unchanged"));
  return S.load();
}

function saveCounter(S, counter, input) {
  const services = input.value.split(",").map((code) => code.trim()).filter(Boolean);
  attempt(() => api.put(`/api/v1/admin/counters/${encodeURIComponent(counter.id)}/services`,
    { services }), (out) => saved(S, out, counter.name));
}
