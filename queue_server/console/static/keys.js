// The desk from the keyboard: each action button's letter (data-key) presses it.
import { press } from "./actions.js";
import { notice } from "./desk.js";
import { t } from "./page.js";
import { S } from "./state.js";

/** Why `action` is not possible now, in the officer's words. */
function whyNot(action) {
  const counter = S.counter;
  if (!counter) return "";
  const cur = counter.current;
  if (S.busy) return t("why.busy");
  if (counter.state !== "open" && !["open", "close"].includes(action)) {
    return t(`why.${counter.state}`);
  }
  const needsTicket = ["recall", "start", "finish", "no-show", "transfer", "park", "recycle"];
  if (needsTicket.includes(action) && !cur) return t("why.no_ticket");
  if (action === "no-show" && counter.recalls_left > 0) {
    return t("why.recalls", { n: counter.recalls_left });
  }
  if (["call-next", "close", "break", "resume"].includes(action) && cur) {
    if (action === "resume" && !counter.parked.length) return t("why.none_parked");
    return t("why.busy_with", { code: cur.code });
  }
  if (action === "resume") return t("why.none_parked");
  if (action === "start" && cur?.status === "serving") return t("why.serving", { code: cur.code });
  if (["call-next", "finish-next"].includes(action) && !counter.waiting?.length) return t("why.nobody");
  return "";
}

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
  if (button.disabled) {
    const why = whyNot(button.dataset.action);
    notice(why ? t("msg.not_now_because", { key, why }) : t("msg.not_now", { key }));
  }
  else button.click();
});
