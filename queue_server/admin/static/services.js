// Services and counters: a service's everyday settings and a counter's services, saved to
// config.yaml by the server (which checks them with the file's own schema) and in effect at once.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { showError } from "./ui.js";

export function startServices() {
  const S = { data: null, editing: null };
  $("service-cancel").addEventListener("click", () => $("service-dialog").close());
  $("service-form").addEventListener("submit", (event) => {
    event.preventDefault();
    saveService(S);
  });
  load(S);
  return { redraw: () => draw(S) };
}

async function load(S) {
  try {
    S.data = await api.get("/api/v1/admin/settings");
    showError(null);
    draw(S);
  } catch (error) {
    showError(error);
  }
}

function draw(S) {
  if (!S.data) return;
  $("services-table").tBodies[0].replaceChildren(...S.data.services.map((service) => h("tr", {
    dataset: { service: service.code } },
  h("td", {}, h("strong", { text: service.code })),
  h("td", { text: service.name }),
  h("td", { class: "quota", text: service.quota ?? t("adm.services.no_limit") }),
  h("td", { text: service.target_minutes }),
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
  document.body.dataset.ready = "true";
}

function openService(S, service) {
  S.editing = service;
  $("service-title").textContent = t("adm.services.edit", service);
  $("service-name").value = service.name;
  $("service-quota").value = service.quota ?? "";
  $("service-target").value = service.target_minutes;
  $("service-wait").value = service.target_wait_minutes ?? "";
  $("service-requirements").value = service.requirements.join("\n");
  $("service-outcomes").value = service.outcomes.join("\n");
  $("service-outcome-required").checked = service.outcome_required;
  $("service-error").textContent = "";
  $("service-dialog").showModal();
  $("service-quota").focus();
}

const number = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
const lines = (id) => $(id).value.split("\n").map((line) => line.trim()).filter(Boolean);

async function saveService(S) {
  const body = {
    name: $("service-name").value.trim(), quota: number("service-quota"),
    target_minutes: number("service-target"), target_wait_minutes: number("service-wait"),
    requirements: lines("service-requirements"), outcomes: lines("service-outcomes"),
    outcome_required: $("service-outcome-required").checked,
  };
  try {
    const out = await api.request("PATCH",
      `/api/v1/admin/services/${encodeURIComponent(S.editing.code)}`, body);
    $("service-dialog").close();
    toast(Object.keys(out.changes).length
      ? t("adm.services.saved", { target: S.editing.code }) : t("adm.services.unchanged"));
    await load(S);
  } catch (error) {
    $("service-error").textContent = error.message;
  }
}

async function saveCounter(S, counter, input) {
  const services = input.value.split(",").map((code) => code.trim()).filter(Boolean);
  try {
    const out = await api.put(`/api/v1/admin/counters/${encodeURIComponent(counter.id)}/services`,
      { services });
    toast(Object.keys(out.changes).length
      ? t("adm.services.saved", { target: counter.name }) : t("adm.services.unchanged"));
    await load(S);
  } catch (error) {
    toast(error.message, "error");
  }
}
