// The desk's dialogs. Each asks one question and resolves with the answer (undefined when the
// officer cancels); what is then done with it is actions.js's business.
import { $, h } from "/static/shared/dom.js";
import { t } from "./page.js";
import { askReason } from "./reason.js";

/** Resolve with the chosen outcome (null: none) of finishing `cur`, undefined if cancelled. */
export function askOutcome(cur) {
  return new Promise((resolve) => {
    const dialog = $("outcome-dialog");
    const form = $("outcome-form");
    const required = cur.outcome_required;
    const choices = required ? [...cur.outcomes] : ["", ...cur.outcomes];
    const first = required ? 1 : 0; // the number key of the first choice
    $("outcome-code").textContent = cur.code;
    $("outcome-error").textContent = "";
    $("outcome-legend").textContent = t(required ? "outcome.choose" : "outcome.choose_optional");
    $("outcome-options").replaceChildren(...choices.map((value, index) => h("label",
      { class: "radio option" },
      h("input", { type: "radio", name: "outcome", value, checked: !required && index === 0 }),
      h("kbd", { text: String(index + first) }),
      h("span", { text: value || t("outcome.none") }))));
    let settled = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[name=outcome]:checked");
      if (!picked) {
        $("outcome-error").textContent = t("outcome.required");
        return;
      }
      settled = true;
      dialog.close();
      resolve(picked.value || null);
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.onkeydown = (event) => {
      // The choices by their number keys, and Enter to finish: no mouse needed.
      const inputs = [...form.querySelectorAll("input[name=outcome]")];
      if (/^[0-9]$/.test(event.key)) {
        const input = inputs[Number(event.key) - first];
        if (input) {
          event.preventDefault();
          input.checked = true;
          input.focus();
        }
      } else if (event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
      }
    };
    dialog.showModal();
    (form.querySelector("input:checked") || form.querySelector("input"))?.focus();
  });
}

/** Resolve with {service, name, position} to transfer `cur` to, undefined if cancelled.
 *  By keyboard: type to filter (this agency's services first, grouped by agency), arrows to
 *  move, Enter picks the destination and shows it by name, a second Enter transfers. Letter
 *  keys only ever type into the filter: they cannot change a choice behind the officer's back. */
export function askTransfer(cur, services, ownAgency) {
  return new Promise((resolve) => {
    const filter = $("transfer-filter");
    const list = $("transfer-list");
    const confirm = $("transfer-confirm");
    const others = services.filter((s) => s.code !== cur.service);
    const rank = (s) => (s.agency_code === ownAgency ? 0 : 1);
    others.sort((a, b) => rank(a) - rank(b)); // stable: the hall's order within each
    let shown = [];
    let active = 0;
    let picked = null;
    const pick = (service) => {
      picked = service;
      confirm.hidden = !service;
      confirm.textContent = service ? t("transfer.confirm",
        { code: cur.code, service: service.name, agency: service.agency_name || service.agency }) : "";
    };
    const draw = () => {
      const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      shown = others.filter((s) => words.every((w) =>
        `${s.code} ${s.name} ${s.agency} ${s.agency_name || ""}`.toLowerCase().includes(w)));
      active = Math.min(active, Math.max(0, shown.length - 1));
      const groups = new Map();
      shown.forEach((service, index) => {
        const key = service.agency_code || service.agency;
        if (!groups.has(key)) groups.set(key, [h("h3", { text: service.agency_name || service.agency })]);
        groups.get(key).push(h("div", { role: "option", id: `transfer-option-${index}`,
          "aria-selected": String(index === active), dataset: { service: service.code },
          text: service.name, onclick: () => { active = index; pick(service); draw(); } }));
      });
      list.replaceChildren(...[...groups.values()].flat());
      if (!shown.length) list.append(h("p", { class: "muted", text: t("transfer.none") }));
      filter.setAttribute("aria-activedescendant", shown.length ? `transfer-option-${active}` : "");
      $(`transfer-option-${active}`)?.scrollIntoView({ block: "nearest" });
    };
    $("transfer-code").textContent = cur.code;
    $("transfer-error").textContent = "";
    filter.value = "";
    filter.placeholder = t("transfer.filter");
    pick(null);
    draw();
    const dialog = $("transfer-dialog");
    const form = $("transfer-form");
    let settled = false;
    filter.oninput = () => { active = 0; pick(null); draw(); };
    form.onsubmit = (event) => {
      event.preventDefault();
      if (!picked) {
        $("transfer-error").textContent = t("transfer.pick");
        filter.focus();
        return;
      }
      settled = true;
      dialog.close();
      resolve({ service: picked.code, name: picked.name,
        position: form.querySelector("input[name=position]:checked").value });
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.onkeydown = (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (event.target !== filter) return; // the position radios keep their arrows
        event.preventDefault();
        active = Math.max(0, Math.min(shown.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
        pick(null);
        draw();
      } else if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        const highlighted = shown[active];
        // The first Enter names the destination; only an Enter on that same one transfers.
        if (highlighted && picked?.code !== highlighted.code) {
          pick(highlighted);
          $("transfer-error").textContent = "";
        } else {
          form.requestSubmit();
        }
      }
    };
    dialog.showModal();
    filter.focus();
  });
}

/** Resolve with the reason (recorded) for calling or removing a chosen ticket. */
export function askTicketReason(mode, item, text) {
  return askReason("ticket", { title: t(`${mode}.title`, { code: item.code }), text,
    submit: mode === "call" ? t("act.call") : t("act.remove") });
}
