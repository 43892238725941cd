// People: the list (role, agencies, last sign-in, state) and what the server lets this
// manager do to each person; the add/change form; passwords shown once.
import { $, h } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { t, toast } from "/console/static/page.js";
import { attempt, dialogForm, loader, replaceRows, showSecret, start, when } from "./ui.js";

const BASE = "/api/v1/admin/people";
const SLOW_AFTER = 5; // failed sign-ins on a name before each attempt is slowed (api/session.py)

export function startPeople(user) {
  const S = { user, data: null };
  S.load = loader(S, () => BASE, draw);
  S.form = dialogForm("person");
  S.password = dialogForm("password");
  $("person-add").addEventListener("click", () => openForm(S, null));
  return start(S, draw);
}

function draw(S) {
  const rows = S.data.people.map((person) => h("tr", {
    dataset: { username: person.username, active: String(person.active) } },
  h("td", {}, h("strong", { text: person.username })),
  h("td", { text: person.name }),
  h("td", { text: t(`role.${person.role}`) }),
  h("td", { text: person.agencies.join(", ") || "—" }),
  h("td", { text: person.last_sign_in ? when(person.last_sign_in) : t("adm.people.never") }),
  h("td", { class: person.active ? "state-on" : "state-off" },
    t(person.active ? "adm.people.active" : "adm.people.disabled"),
    person.failed_sign_ins ? h("div", { class: "muted", dataset: { failed: person.failed_sign_ins },
      text: t(person.failed_sign_ins >= SLOW_AFTER ? "adm.people.slowed" : "adm.people.failed",
        { n: person.failed_sign_ins }) }) : null),
  h("td", {}, person.manageable ? actions(S, person) : "")));
  replaceRows($("people-table").tBodies[0], rows);
}

function actions(S, person) {
  const button = (key, action) => h("button", { type: "button", class: "small",
    dataset: { action: key }, text: t(`adm.people.${key}`), onclick: action });
  return h("div", { class: "row-actions" },
    button("change", () => openForm(S, person)),
    person.active
      ? button("disable", () => confirm(t("adm.people.confirm_disable", person))
        && act(S, person, "disable"))
      : button("enable", () => act(S, person, "enable")),
    button("reset", () => resetPassword(S, person)),
    person.failed_sign_ins ? button("unlock", () => act(S, person, "unlock")) : null,
    person.has_token ? button("revoke", () => act(S, person, "revoke-token")) : null);
}

const personPath = (person, action) => `${BASE}/${encodeURIComponent(person.username)}/${action}`;

function act(S, person, action) {
  return attempt(() => api.post(personPath(person, action), {}),
    (out) => told(S, out, "adm.people.saved"));
}

// A password the manager types, or (left empty) one the server makes and shows once.
function resetPassword(S, person) {
  $("password-title").textContent = t("adm.people.password_title", person);
  $("password-value").value = "";
  S.password.open($("password-value"), async () => {
    const out = await api.post(personPath(person, "password"),
      { password: $("password-value").value || null });
    return () => told(S, out, "adm.people.password_set");
  });
}

/** A generated password is shown once; otherwise a short note. Then the list again. */
function told(S, out, note) {
  if (out.password) showSecret(t("adm.people.password_for", out.person), out.password);
  else toast(t(note, out.person));
  return S.load();
}

function openForm(S, person) {
  $("person-title").textContent = person ? t("adm.people.edit", person) : t("adm.people.add");
  $("person-username").value = person?.username || "";
  $("person-username").disabled = Boolean(person);
  $("person-name").value = person?.name || "";
  const roles = S.data.roles.includes(person?.role) || !person ? S.data.roles
    : [person.role, ...S.data.roles];
  $("person-role").replaceChildren(...roles.map((role) => h("option", {
    value: role, text: t(`role.${role}`), selected: role === (person?.role || "officer") })));
  const chosen = new Set(person?.agencies || []);
  const box = $("person-agencies");
  box.replaceChildren(box.querySelector("legend"), ...S.data.agencies.map((code) => h("label", {},
    h("input", { type: "checkbox", value: code, checked: chosen.has(code) }), code)));
  S.form.open(person ? $("person-name") : $("person-username"), () => save(S, person));
}

async function save(S, person) {
  const agencies = [...$("person-agencies").querySelectorAll("input:checked")].map((i) => i.value);
  const body = { name: $("person-name").value.trim(), role: $("person-role").value, agencies };
  const out = person
    ? await api.request("PATCH", `${BASE}/${encodeURIComponent(person.username)}`, body)
    : await api.post(BASE, { ...body, username: $("person-username").value.trim() });
  return () => told(S, out, person ? "adm.people.saved" : "adm.people.added");
}
