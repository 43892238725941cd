// What the administration sections share: reading a section's data, a change and its answer,
// the dialogs' forms, times in site time, errors, secrets shown once.
import { $ } from "/static/shared/dom.js";
import { api } from "/console/static/api.js";
import { config, lang, toast } from "/console/static/page.js";

export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: config.timezone, day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

export function timeOnly(iso) {
  return new Date(iso).toLocaleTimeString(lang() === "en" ? "en-GB" : "id-ID", {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

export function showError(error) {
  const box = $("admin-error");
  box.hidden = !error;
  box.textContent = error ? (error.message || String(error)) : "";
}

/** The loader of a section: read what `read()` answers (a URL to get, or the data) into
 *  S.data and draw it; a failure is said on the page's error line. The section is ready
 *  (body[data-ready]) once drawn. */
export function loader(S, read, draw) {
  return async () => {
    try {
      const what = read();
      S.data = typeof what === "string" ? await api.get(what) : await what;
      showError(null);
      draw(S);
      document.body.dataset.ready = "true";
    } catch (error) {
      showError(error);
    }
  };
}

/** Put `rows` in the table body `body`; the keyboard's focus, if it was on a button of a
 *  row, stays on that button of the same row (a refresh must not throw it away). */
export function replaceRows(body, rows) {
  const focused = body.contains(document.activeElement) ? document.activeElement : null;
  const [name, value] = Object.entries(focused?.closest("tr")?.dataset || {})[0] || [];
  body.replaceChildren(...rows);
  if (!name || !focused.dataset.action) return;
  const row = [...body.rows].find((tr) => tr.dataset[name] === value);
  row?.querySelector(`[data-action="${focused.dataset.action}"]`)?.focus();
}

/** Start a section: read its data now; redraw (on a change of language) once there is some. */
export function start(S, draw) {
  S.load();
  return { redraw: () => S.data && draw(S) };
}

/** Make a change; `done(answer)` says what happened (and usually loads again); a refusal is
 *  shown as it came, in red. */
export async function attempt(change, done) {
  try {
    await done(await change());
  } catch (error) {
    toast(error.message, "error");
  }
}

/** A dialog's form (`<name>-dialog`, `-form`, `-cancel`, `-error`): submitting runs `save()`
 *  of whatever was opened last; its refusal stays in the dialog, in its words. */
export function dialogForm(name) {
  const dialog = $(`${name}-dialog`);
  const error = $(`${name}-error`);
  let save = null;
  $(`${name}-cancel`).addEventListener("click", () => dialog.close());
  $(`${name}-form`).addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const done = await save();
      dialog.close();
      await done?.();
    } catch (problem) {
      error.textContent = problem.message;
    }
  });
  return {
    /** Show the dialog with `focus` focused; `submit()` is the save, it may answer a
     *  function to run once the dialog is closed. */
    open(focus, submit) {
      save = submit;
      error.textContent = "";
      dialog.showModal();
      focus.focus();
    },
  };
}

/** Show a secret (a password or a device token) once, with a link and its QR code if any. */
export function showSecret(title, value, link = null, qr = null) {
  $("secret-title").textContent = title;
  $("secret-value").textContent = value;
  $("secret-link").hidden = !link;
  $("secret-link").textContent = link || "";
  $("secret-link").href = link || "#";
  $("secret-qr").hidden = !qr;
  $("secret-qr").src = qr || "";
  $("secret-dialog").showModal();
  $("secret-close").focus();
}
