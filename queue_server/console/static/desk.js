// The desk: the current ticket, its clock, and the action buttons the server allows now.
import { $ } from "/static/shared/dom.js";
import { serviceName } from "./counter.js";
import { t } from "./page.js";
import { S, onChange } from "./state.js";
import { clock, minutes, serverNow } from "./time.js";

const CLOCK_EVERY_MS = 1000;

/** May this action be pressed now? Only what the server listed (`allowed_actions`). */
export function allowed(action) {
  return Boolean(S.counter?.allowed_actions?.includes(action)) && !S.busy;
}

export function priorityText(item) {
  return item.priority_reason ? t(`priority.${item.priority_reason}`) : t("priority");
}

function statusText(cur) {
  if (cur.status === "serving") return t("status.serving");
  return cur.call_count > 1 ? t("status.called_n", { count: cur.call_count }) : t("status.called");
}

function render() {
  const c = S.counter;
  if (!c || document.body.dataset.view !== "desk") return;
  const cur = c.current;
  document.body.dataset.counterState = c.state;
  $("current").dataset.status = cur ? cur.status : "none";
  $("current-code").textContent = cur ? cur.code : "—";
  $("current-service").textContent = cur ? serviceName(cur.service) : "";
  $("current-priority").hidden = !cur?.priority;
  $("current-priority").textContent = cur?.priority ? priorityText(cur) : "";
  $("current-status").textContent = cur ? statusText(cur) : "";
  $("current-empty").hidden = Boolean(cur);
  $("current-empty").textContent = c.state === "break" ? t("current.on_break") : t("current.none");
  for (const node of document.querySelectorAll(".current-body")) node.hidden = !cur;
  $("current-waited").textContent = cur ? minutes(Math.max(0, Math.floor(
    ((cur.called_at ? Date.parse(cur.called_at) : serverNow()) - Date.parse(cur.issued_at))
    / 60000))) : "—";
  tick();
  const unheard = S.unheard?.counter === S.counterId ? S.unheard.code : null; // this counter's
  $("unheard").hidden = !unheard;
  $("unheard").textContent = unheard ? t("msg.unheard", { code: unheard }) : "";

  const allowedNow = new Set(c.allowed_actions || []);
  for (const button of document.querySelectorAll("#actions [data-action]")) {
    const ok = allowedNow.has(button.dataset.action);
    button.disabled = !ok;
    button.setAttribute("aria-disabled", String(!ok));
  }
  // The server counts the recalls still owed before a no-show (null: nobody is called).
  $("no-show-hint").textContent = c.recalls_left > 0 ? t("noshow.after", { left: c.recalls_left })
    : "";
}

// The clock of the current ticket: since the call, or since service started against target.
function tick() {
  const cur = S.counter?.current;
  if (!cur || document.body.dataset.view !== "desk") return;
  const serving = cur.status === "serving";
  const since = serving ? cur.started_at : cur.called_at;
  const seconds = since ? (serverNow() - Date.parse(since)) / 1000 : 0;
  $("current-clock-label").textContent = serving ? t("current.served") : t("current.called_since");
  $("current-clock").textContent = clock(seconds);
  const target = $("current-target");
  target.hidden = !serving;
  if (serving) {
    const share = seconds / (cur.target_minutes * 60);
    $("current-target-fill").style.width = `${Math.min(100, share * 100)}%`;
    target.dataset.over = String(share > 1);
    $("current-target-text").textContent = share > 1
      ? `${t("current.target", { minutes: cur.target_minutes })} · ${t("current.over")}`
      : t("current.target", { minutes: cur.target_minutes });
  }
}

let noticeTimer = null;
/** A message over the actions: why a key did nothing, what the server refused. */
export function notice(text) {
  const box = $("notice");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 8000);
}

export function hideNotice() {
  $("notice").hidden = true;
}

onChange(render);
setInterval(tick, CLOCK_EVERY_MS);
