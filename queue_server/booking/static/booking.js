// The public booking page: agency → service → today's queue or a day and a time → phone
// number (and NIK where asked) → the e-ticket.
//
// The flow and the calls to the booking API live here; steps.js draws each step from the one
// state object. Each step is a history entry, so a phone's back button steps back; the
// e-ticket is also kept in this browser (mine.js), so going back never loses it.

import { $ } from "/static/shared/dom.js";
import { remember } from "./mine.js";
import { STEPS } from "./steps.js";
import { actions, chosenService, config, state, t, words } from "./state.js";

const API = "/api/v1";
const TIMEOUT_MS = 20000; // a slow line, but not forever

/** One JSON call: {ok, data} or {ok: false, status, code, message} (the API's words). */
async function call(method, path, body) {
  const headers = { "Accept-Language": words.lang }; // the refusals' language
  if (body) headers["Content-Type"] = "application/json";
  let answer;
  try {
    answer = await fetch(`${API}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit",
      // Older phones' browsers lack AbortSignal.timeout: they wait as long as it takes.
      signal: AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined,
    });
  } catch {
    return { ok: false, status: 0, code: "network", message: t("network_failed") };
  }
  const data = await answer.json().catch(() => null);
  if (answer.ok && data) return { ok: true, data };
  const error = (data && data.error) || {};
  return { ok: false, status: answer.status, code: error.code || "http_error",
           message: error.message || t("network_failed") };
}

/* --- Steps and history ------------------------------------------------------------------ */

function draw() {
  document.body.dataset.step = state.step;
  document.documentElement.lang = words.lang;
  $("lang").textContent = t("switch_to");
  document.title = `${config.site} · ${t("title")}`;
  $("main").replaceChildren(STEPS[state.step]());
}

function go(step, problem = null) {
  state.step = step;
  state.problem = problem;
  history.pushState({ step }, "");
  draw();
  window.scrollTo(0, 0);
}

// A step whose choice is no longer held (after a reload) falls back to the start.
const NEEDS = { service: "agency", when: "service", slot: "date", contact: "service",
                ticket: "ticket" };

window.addEventListener("popstate", (event) => {
  const step = (event.state && event.state.step) || "agency";
  const needed = NEEDS[step];
  state.step = !needed || state[needed] ? step : "agency";
  state.problem = null;
  draw();
});

/* --- What the visitor does -------------------------------------------------------------- */

async function loadServices() {
  const answer = await call("GET", "/bookings/services");
  if (!answer.ok) {
    state.step = "failed";
    state.problem = { message: answer.status ? answer.message : t("load_failed") };
    draw();
    return false;
  }
  state.agencies = answer.data.agencies;
  return true;
}

async function loadSlots() {
  state.slots = null;
  const date = state.date;
  const answer = await call("GET",
    `/services/${encodeURIComponent(state.service)}/slots?date=${date}`);
  if (date !== state.date) return; // the visitor chose another day meanwhile
  state.slots = answer.ok ? answer.data : { slots: [], closed_message: null };
  if (!answer.ok) state.problem = { message: answer.message };
  if (state.step === "slot") draw();
}

// Which step a refusal sends the visitor back to, and which field it marks.
const REFUSALS = {
  invalid_phone: { field: "phone" },
  nik_required: { field: "nik" },
  invalid_nik: { field: "nik" },
  slot_full: { step: "slot" },
  invalid_slot: { step: "slot" },
  invalid_date: { step: "when" },
  remote_quota_reached: { step: "service" },
  remote_closed: { step: "service" },
  closed_today: { step: "service" },
};

async function book(form) {
  if (state.busy) return;
  state.phone = form.phone.value.trim();
  state.nik = form.nik ? form.nik.value.trim() : "";
  state.busy = true;
  state.problem = null;
  draw();
  const body = { service: state.service, phone: state.phone };
  if (state.nik) body.nik = state.nik;
  if (state.date) Object.assign(body, { date: state.date, slot: state.slot });
  const answer = await call("POST", "/bookings", body);
  state.busy = false;
  if (answer.ok) {
    state.ticket = answer.data.ticket;
    remember(state.ticket);
    // Done with the choices and the number: going back starts afresh, the e-ticket listed.
    state.agency = state.service = state.date = state.slot = null;
    state.phone = state.nik = "";
    go("ticket");
    return;
  }
  const refusal = REFUSALS[answer.code] || {};
  const problem = { message: answer.message, field: refusal.field || null };
  if (refusal.step === "slot" && state.date) {
    go("slot", problem);
    loadSlots();
  } else if (refusal.step) {
    await loadServices(); // the figures changed: show them as they are now
    go(refusal.step, problem);
  } else {
    state.problem = problem;
    draw();
    if (problem.field) $(problem.field).focus();
  }
}

Object.assign(actions, {
  book,
  chooseAgency(code) {
    state.agency = code;
    go("service");
  },
  chooseService(code) {
    state.service = code;
    state.date = state.slot = null;
    go(chosenService().offers_slots ? "when" : "contact");
  },
  chooseToday() {
    state.date = state.slot = null;
    go("contact");
  },
  chooseDate(date) {
    state.date = date;
    state.slot = null;
    go("slot");
    loadSlots();
  },
  chooseSlot(start) {
    state.slot = start;
    go("contact");
  },
  startOver() {
    state.ticket = null;
    loadServices().then((ok) => ok && go("agency"));
  },
  retry() {
    loadServices().then((ok) => ok && go("agency"));
  },
});

$("lang").addEventListener("click", () => {
  words.set(words.other);
  // A reload keeps the language; the step stays as it is.
  history.replaceState(history.state, "", `?lang=${words.lang}`);
  draw();
});

if (!config.enabled) {
  state.step = "off"; // the hall takes no numbers from home
  draw();
} else {
  loadServices().then((ok) => {
    if (!ok) return;
    state.step = "agency";
    history.replaceState({ step: "agency" }, "");
    draw();
  });
}
