// What the staff pages' dialogs share: their cancel buttons, and asking why before a change
// that is recorded with its reason (the console's call or removal of a chosen ticket, the
// overview's quota, closing a service, closing a counter left open).
import { $ } from "/static/shared/dom.js";
import { t } from "./page.js";

for (const button of document.querySelectorAll("dialog [data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

/** Open the dialog `${prefix}-dialog` (with its -form, -title, -text, -reason, -error and
 *  -submit) and resolve with the reason given once `send(reason)` succeeded, or undefined
 *  when cancelled. A refusal `send` throws is said in the dialog, which stays open; an empty
 *  reason is never sent. `submit` names the button (else it keeps its label); `focus` is
 *  where typing starts (the reason by default). */
export function askReason(prefix, { title, text, submit = null, focus = null, send = null }) {
  return new Promise((resolve) => {
    const dialog = $(`${prefix}-dialog`);
    const reason = $(`${prefix}-reason`);
    const error = $(`${prefix}-error`);
    $(`${prefix}-title`).textContent = title;
    $(`${prefix}-text`).textContent = text;
    if (submit) $(`${prefix}-submit`).textContent = submit;
    reason.value = "";
    error.textContent = "";
    let settled = false;
    $(`${prefix}-form`).onsubmit = async (event) => {
      event.preventDefault();
      const given = reason.value.trim();
      if (!given) {
        error.textContent = t("reason.missing");
        reason.focus();
        return;
      }
      try {
        if (send) await send(given);
      } catch (refusal) {
        error.textContent = refusal.message;
        return;
      }
      settled = true;
      dialog.close();
      resolve(given);
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.showModal();
    (focus || reason).focus();
  });
}
