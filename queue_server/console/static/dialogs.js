// The desk's dialogs. Each asks one question and resolves with the answer (undefined when the
// officer cancels); what is then done with it is actions.js's business.
import { $, h } from "/static/shared/dom.js";
import { t } from "./page.js";

for (const button of document.querySelectorAll("dialog [data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

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

/** Resolve with {service, name, position} to transfer `cur` to, undefined if cancelled. */
export function askTransfer(cur, services) {
  return new Promise((resolve) => {
    const select = $("transfer-service");
    const groups = new Map();
    for (const service of services) {
      if (service.code === cur.service) continue;
      if (!groups.has(service.agency)) {
        groups.set(service.agency, h("optgroup", { label: service.agency }));
      }
      groups.get(service.agency).append(h("option", { value: service.code, text: service.name }));
    }
    select.replaceChildren(h("option", { value: "", text: "—" }), ...groups.values());
    $("transfer-code").textContent = cur.code;
    $("transfer-error").textContent = "";
    const dialog = $("transfer-dialog");
    const form = $("transfer-form");
    let settled = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      if (!select.value) {
        $("transfer-error").textContent = t("transfer.pick");
        select.focus();
        return;
      }
      settled = true;
      dialog.close();
      resolve({ service: select.value, name: select.selectedOptions[0].textContent,
        position: form.querySelector("input[name=position]:checked").value });
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.onkeydown = (event) => {
      if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        form.requestSubmit();
      }
    };
    dialog.showModal();
    select.focus();
  });
}

/** Resolve with the reason (recorded) for calling or removing a chosen ticket. */
export function askReason(mode, item, text) {
  return new Promise((resolve) => {
    const dialog = $("ticket-dialog");
    const reason = $("ticket-reason");
    $("ticket-title").textContent = t(`${mode}.title`, { code: item.code });
    $("ticket-text").textContent = text;
    $("ticket-submit").textContent = mode === "call" ? t("act.call") : t("act.remove");
    $("ticket-error").textContent = "";
    reason.value = "";
    let settled = false;
    $("ticket-form").onsubmit = (event) => {
      event.preventDefault();
      const given = reason.value.trim();
      if (!given) {
        $("ticket-error").textContent = t("reason.missing");
        reason.focus();
        return;
      }
      settled = true;
      dialog.close();
      resolve(given);
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.showModal();
    reason.focus();
  });
}
