// The desk from the keyboard: each action button's letter (data-key) presses it.
import { press } from "./actions.js";
import { notice } from "./desk.js";
import { t } from "./page.js";

for (const button of document.querySelectorAll("#actions [data-action]")) {
  button.addEventListener("click", () => press(button.dataset.action));
}

document.addEventListener("keydown", (event) => {
  if (document.body.dataset.view !== "desk" || event.repeat) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector("dialog[open]")) return;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName)) return;
  if (event.key.length !== 1) return;
  const key = event.key.toUpperCase();
  const button = document.querySelector(`#actions [data-key="${key}"]`);
  if (!button) return;
  event.preventDefault();
  // A key for an action the counter does not allow now says so rather than nothing.
  if (button.disabled) notice(t("msg.not_now", { key }));
  else button.click();
});
