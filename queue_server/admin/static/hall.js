// Today's hall: each service's day (close or reopen with a reason, today's quota) for the
// agencies the user manages, and, for administrators, the displays' running text and a
// spoken announcement, all or one. The changes go through the overview's operations API and
// reach kiosks and displays by an event at once.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { lang, t, toast } from "/console/static/page.js";
import { attempt, dialogForm, loader, replaceRows, start } from "./ui.js";

const REFRESH_MS = 15000;

export function startHall() {
  const S = { data: null };
  S.load = loader(S, read, draw);
  S.op = dialogForm("op");
  $("running-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setRunningText(S);
  });
  $("running-display").addEventListener("change", () => showRunningText(S));
  // What the administrator is typing stays while the page reads the hall again.
  $("running-text").addEventListener("input", () => { S.typing = true; });
  $("announce-form").addEventListener("submit", (event) => {
    event.preventDefault();
    announce();
  });
  setInterval(S.load, REFRESH_MS);
  return start(S, draw);
}

/** The overview's services and displays, and for an administrator each display's text. */
async function read() {
  const floor = await api.get("/api/v1/overview");
  floor.texts = floor.may_set_running_text ? await api.get("/api/v1/site/running-text") : null;
  return floor;
}

function draw(S) {
  replaceRows($("hall-services").tBodies[0], S.data.services.map((s) => h("tr",
    { dataset: { service: s.code, open: String(s.open) } },
    h("th", { scope: "row" }, s.name, h("div", { class: "muted", text: `${s.agency_name} · ${s.code}` })),
    h("td", { class: s.open ? "state-on" : "state-off" }, t(s.open ? "adm.hall.open" : "adm.hall.closed"),
      s.closed_message ? h("div", { class: "muted", text: s.closed_message[lang()] }) : null),
    h("td", { class: "num quota", text: `${s.issued} / ${s.quota ?? t("adm.hall.unlimited")}` }),
    h("td", { class: "num", text: s.quota_left ?? "—" }),
    h("td", {}, s.manageable ? h("div", { class: "cell-buttons" },
      button("quota", S, s),
      button(s.closed_today ? "reopen" : "close", S, s)) : null))));
  const texts = S.data.texts;
  $("running-form").hidden = !texts;
  $("announce-form").hidden = !texts;
  $("hall-admin-only").hidden = Boolean(texts);
  if (!texts) return;
  for (const id of ["running-display", "announce-display"]) {
    const select = $(id);
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...texts.displays.map((d) => h("option",
      { value: d.id, text: d.name, selected: d.id === chosen })));
  }
  if (!S.typing) showRunningText(S);
}

function button(kind, S, service) {
  return h("button", { type: "button", class: kind === "close" ? "small quiet" : "small",
    dataset: { action: kind }, text: t(`adm.hall.${kind}`),
    "aria-label": `${t(`adm.hall.${kind}`)} ${service.name}`, onclick: () => operation(S, kind, service) });
}

// Close, reopen or today's quota: one dialog, always with the reason the audit log keeps.
function operation(S, kind, service) {
  $("op-title").textContent = t(`adm.hall.${kind}_title`, { service: service.name });
  $("op-text").textContent = t(`adm.hall.${kind}_text`, { issued: service.issued,
    configured: service.configured_quota ?? t("adm.hall.unlimited") });
  $("op-quota-field").hidden = kind !== "quota";
  $("op-quota").value = service.quota ?? "";
  $("op-reason").value = "";
  S.op.open(kind === "quota" ? $("op-quota") : $("op-reason"), async () => {
    const reason = $("op-reason").value.trim();
    if (!reason) throw new Error(t("adm.hall.reason_missing"));
    const body = { reason };
    if (kind === "quota") body.quota = $("op-quota").value === "" ? null : Number($("op-quota").value);
    await api.post(`/api/v1/services/${encodeURIComponent(service.code)}/${kind}`, body);
    return () => {
      toast(t("adm.hall.saved", { service: service.name }));
      return S.load();
    };
  });
}

// --- The displays ---------------------------------------------------------------------------

// The hall's text, or one display's own (empty: it shows the hall's, said as the placeholder).
function showRunningText(S) {
  S.typing = false;
  const { text, displays } = S.data.texts;
  const display = displays.find((d) => d.id === $("running-display").value);
  $("running-text").value = (display ? display.own_text : text) ?? "";
  $("running-text").placeholder = display ? text : "";
  $("running-label").textContent = t(display ? "adm.hall.running_own" : "adm.hall.running_label");
}

function setRunningText(S) {
  const display = $("running-display").value || null;
  attempt(() => api.put("/api/v1/site/running-text",
    { text: $("running-text").value.trim(), display }), () => {
    toast(t("adm.hall.running_saved"));
    S.typing = false;
    return S.load();
  });
}

function announce() {
  attempt(() => api.post("/api/v1/admin/announcement", {
    text: $("announce-text").value.trim(), display: $("announce-display").value || null }), (out) => {
    toast(t("adm.hall.announced", { n: out.displays.length }));
    $("announce-text").value = "";
  });
}
