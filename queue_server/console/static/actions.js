// What the officer does: each action goes to the server, whose answer (the counter as it is
// now) is drawn; a refusal is said plainly and the counter looked at again.
import { $ } from "/static/shared/dom.js";
import { api } from "./api.js";
import { answered, loadServices, loadToday, refreshCounter, serviceName } from "./counter.js";
import { allowed, hideNotice, notice } from "./desk.js";
import { askOutcome, askTicketReason, askTransfer } from "./dialogs.js";
import { config, t, toast } from "./page.js";
import { S, changed, go } from "./state.js";
import { minutesSince } from "./time.js";

// After these, today's figures and no-shows differ.
const AFTER_TODAY = new Set(["finish", "no-show", "transfer", "call-next"]);
// The actions that call a ticket: the hall hears it, or the server says it did not.
const CALLS = new Set(["call-next", "call", "recall", "resume"]);
// Refusals that only mean the hall moved on (another counter was quicker, a double press):
// say so plainly and show the queue as it is now.
const MOVED_ON = new Set(["invalid_transition", "unknown_ticket", "counter_busy",
  "no_active_ticket", "ticket_elsewhere", "counter_not_open", "not_today",
  "service_not_served"]);

function setBusy(busy) {
  S.busy = busy;
  if (busy) document.body.dataset.busy = "1";
  else delete document.body.dataset.busy;
  changed();
}

async function act(name, body = {}, ticketCode = null) {
  if (S.busy || !S.counterId) return null;
  setBusy(true);
  S.closing = name === "close"; // their own closing is news, not a failure
  try {
    const out = await api.post(`/api/v1/counters/${S.counterId}/${name}`, body);
    if (out === null) {
      notice(t("msg.nobody"));
      await refreshCounter();
    } else {
      hideNotice(); // a stale "not now" or refusal no longer holds
      // A call the displays never heard (the server could not publish it) stays said until
      // a call goes through; the officer recalls it.
      if (out.announced === false) {
        S.unheard = { counter: S.counterId,
          code: out.ticket?.code ?? out.counter.current?.code ?? "—" };
      } else if (CALLS.has(name)) {
        S.unheard = null;
      }
      answered(out.counter); // a closed counter sends the officer back to the choice
    }
    if (AFTER_TODAY.has(name)) loadToday();
    return out;
  } catch (error) {
    if (error.code === "counter_taken" || error.code === "forbidden") {
      go.choose(error.message);
    } else if (name === "call" && ["invalid_transition", "unknown_ticket"].includes(error.code)) {
      notice(t("msg.taken", { code: ticketCode }));
      await refreshCounter();
    } else {
      notice(error.message);
      if (MOVED_ON.has(error.code) || error.status === 0) await refreshCounter();
    }
    return null;
  } finally {
    S.closing = false;
    setBusy(false);
  }
}

/** A button or its key: only what the server allows now. */
export function press(action) {
  if (!allowed(action)) return null;
  switch (action) {
    case "finish": return finish(false);
    case "finish-next": return finish(true);
    case "transfer": return transfer();
    case "resume": return resumeParked();
    default: return act(action);
  }
}

async function finish(andNext) {
  const cur = S.counter.current;
  if (!cur) return act("call-next");
  let outcome = null;
  if (cur.outcomes.length) {
    outcome = await askOutcome(cur);
    if (outcome === undefined) return null;
  }
  const chosen = cur.outcomes.length ? { outcome } : {};
  return andNext ? act("call-next", { finish_current: true, ...chosen }) : act("finish", chosen);
}

function resumeParked() {
  const parked = S.counter.parked;
  if (parked.length === 1) return resume(parked[0]);
  $("parked-list").querySelector("button:not([disabled])")?.focus(); // which one? they pick
  return null;
}

export function resume(item) {
  return act("resume", { ticket_id: item.id });
}

async function transfer() {
  const cur = S.counter.current;
  if (!S.services.length) await loadServices();
  const to = await askTransfer(cur, S.services, S.counter.agency);
  if (!to) return;
  const out = await act("transfer", { service: to.service, position: to.position });
  if (out) toast(t("msg.transferred", { code: cur.code, service: to.name }));
}

export async function reprintTicket(item) {
  try {
    await api.post(`/api/v1/tickets/${item.id}/reprint`, {});
    toast(t("msg.reprinted", { code: item.code }));
  } catch (error) {
    notice(error.message);
  }
}

export async function callTicket(item) {
  const reason = await askTicketReason("call", item, t("call.text",
    { service: serviceName(item.service), minutes: minutesSince(item.issued_at) }));
  if (reason) await act("call", { ticket_id: item.id, reason }, item.code);
}

export async function removeTicket(item) {
  const reason = await askTicketReason("remove", item, t("remove.text"));
  if (!reason) return;
  try {
    await api.post(`/api/v1/tickets/${item.id}/remove`, { reason });
    toast(t("msg.removed", { code: item.code }));
  } catch (error) {
    notice(error.message);
  }
  await refreshCounter();
}

export async function returnLate(item) {
  try {
    await api.post(`/api/v1/tickets/${item.id}/return`);
    toast(t("msg.returned", { code: item.code, places: config.late_return_places }));
  } catch (error) {
    notice(error.message);
  }
  await Promise.all([refreshCounter(), loadToday()]);
}
