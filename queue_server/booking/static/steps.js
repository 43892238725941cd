// The booking page's steps, each drawn whole from the state (a step is small, and redrawn
// only when the visitor acts or an answer comes).

import { h } from "/static/shared/dom.js";
import { waitText } from "/static/shared/words.js";
import { mine } from "./mine.js";
import {
  actions, chosenAgency, chosenService, clock, config, dayName, said, state, t, words,
} from "./state.js";

function step(title, back, ...content) {
  return h("section", { class: "step" },
    back ? h("button", { type: "button", class: "back", onclick: () => history.back() },
      `‹ ${t("back")}`) : null,
    h("h1", {}, title),
    problemBox(),
    content);
}

function problemBox() {
  return state.problem
    ? h("p", { class: "problem", id: "problem", role: "alert" }, state.problem.message)
    : null;
}

function tracking(ticket) {
  // Relative: the visitor stays on the address they reached us by.
  const language = words.lang === "en" ? "?lang=en" : "";
  return `/t/${encodeURIComponent(ticket.token)}${language}`;
}

/* --- Agency ----------------------------------------------------------------------------- */

function myTickets() {
  const list = mine(config.today);
  if (!list.length) return null;
  return h("div", { class: "mine" }, h("h2", {}, t("my_tickets")),
    h("ul", {}, list.map((ticket) => h("li", {},
      h("a", { href: tracking(ticket) },
        h("strong", {}, ticket.code), ` · ${ticket.service_name} · `,
        ticket.day === config.today ? t("today") : dayName(ticket.day))))));
}

function agency() {
  return step(t("step_agency"), false,
    h("p", { class: "hint" }, t("step_agency_hint")),
    myTickets(),
    h("div", { class: "choices" }, state.agencies.map((a) => h("button", {
      type: "button", class: "choice", dataset: { agency: a.code },
      style: a.colour ? `--colour: ${a.colour}` : null,
      onclick: () => actions.chooseAgency(a.code),
    }, h("span", { class: "choice-name" }, a.name),
    h("span", { class: "choice-detail" }, t("services_n", { n: a.services.length }))))));
}

/* --- Service ---------------------------------------------------------------------------- */

function requirements(service) {
  return service.requirements.length
    ? h("p", { class: "detail" }, h("strong", {}, `${t("requirements")}: `),
      service.requirements.join(" · "))
    : h("p", { class: "detail" }, t("no_requirements"));
}

function figures(service) {
  return h("dl", { class: "figures" },
    h("div", {}, h("dt", {}, t("remote_left")),
      h("dd", {}, service.remote_left === null ? "—" : String(service.remote_left))),
    h("div", {}, h("dt", {}, t("estimate")), h("dd", {}, waitText(t, service.estimate_min))));
}

function service() {
  const a = chosenAgency();
  return step(t("step_service"), true,
    h("p", { class: "hint" }, a.name),
    h("div", { class: "choices" }, a.services.map((s) => {
      // A service closed for today may still take appointments on later days.
      const open = s.remote_open || s.offers_slots;
      return h("button", {
        type: "button", class: `choice service${open ? "" : " closed"}`,
        dataset: { service: s.code }, "aria-disabled": String(!open),
        onclick: () => open && actions.chooseService(s.code),
      }, h("span", { class: "choice-name" }, s.name),
      s.remote_open ? figures(s) : h("p", { class: "closed-reason" },
        said(s.remote_closed_message) || t("closed")),
      requirements(s));
    })));
}

/* --- When: today's queue or a day, then a time ------------------------------------------ */

function when() {
  const s = chosenService();
  const today = h("button", {
    type: "button", class: "choice", id: "today", "aria-disabled": String(!s.remote_open),
    onclick: () => s.remote_open && actions.chooseToday(),
  }, h("span", { class: "choice-name" }, t("today_queue")),
  h("span", { class: "choice-detail" }, s.remote_open ? t("today_queue_hint")
    : said(s.remote_closed_message) || t("closed")));
  today.classList.toggle("closed", !s.remote_open);
  return step(t("step_when"), true,
    h("p", { class: "hint" }, s.name),
    today,
    h("h2", {}, t("or_date")),
    h("div", { class: "days" }, config.days.map((day) => h("button", {
      type: "button", class: "day", dataset: { date: day },
      onclick: () => actions.chooseDate(day),
    }, day === config.today ? `${t("today")} · ${dayName(day)}` : dayName(day)))));
}

function slotButton(s) {
  return h("button", {
    type: "button", class: "slot", dataset: { slot: s.start }, disabled: s.left <= 0,
    onclick: () => actions.chooseSlot(s.start),
  }, h("span", { class: "slot-time" }, s.start),
  h("span", { class: "slot-left" }, s.left > 0 ? t("slot_left", { n: s.left }) : t("slot_full")));
}

function slot() {
  const answer = state.slots;
  // Today's times already begun are past, not full: not offered.
  const offered = answer ? answer.slots.filter(
    (s) => state.date !== config.today || s.start > config.time) : [];
  let body;
  if (!answer) body = h("p", { class: "wait" }, t("loading_slots"));
  else if (answer.closed_message) {
    body = h("p", { class: "closed-reason" }, said(answer.closed_message));
  } else if (!offered.length) body = h("p", { class: "closed-reason" }, t("no_slots"));
  else body = h("div", { class: "slots" }, offered.map(slotButton));
  return step(t("step_slot"), true,
    h("p", { class: "hint" }, t("slots_of", { day: dayName(state.date) })), body);
}

/* --- Contact: the phone number (and NIK), the privacy note ------------------------------ */

function field(name, label, hint, props) {
  const wrong = state.problem && state.problem.field === name;
  return h("label", { class: `field${wrong ? " wrong" : ""}` },
    h("span", { class: "field-label" }, label),
    h("input", { name, id: name, required: true, "aria-invalid": String(wrong),
                 "aria-describedby": wrong ? "problem" : null, ...props }),
    h("span", { class: "field-hint" }, hint));
}

function contact() {
  const s = chosenService();
  const chosenWhen = state.date
    ? t("when_slot", { day: dayName(state.date), time: state.slot }) : t("when_today");
  const form = h("form", {
    class: "contact", novalidate: true,
    onsubmit: (event) => { event.preventDefault(); actions.book(form); },
  },
  field("phone", t("phone"), t("phone_hint"), {
    type: "tel", inputmode: "tel", autocomplete: "tel", maxlength: 20, value: state.phone,
  }),
  s.asks_nik ? field("nik", t("nik"), t("nik_hint"), {
    type: "text", inputmode: "numeric", autocomplete: "off", maxlength: 16, value: state.nik,
  }) : null,
  h("button", { type: "submit", class: "primary", id: "book", disabled: state.busy },
    state.busy ? t("booking") : t("book")));
  return step(t("step_contact"), true,
    h("div", { class: "summary" }, h("p", { class: "summary-label" }, t("chosen")),
      h("p", { class: "summary-service" }, s.name), h("p", {}, chosenWhen)),
    form,
    h("aside", { class: "privacy", id: "privacy" }, h("h2", {}, t("privacy_title")),
      h("p", {}, t("privacy", { nik: s.asks_nik ? t("privacy_nik") : "" })),
      config.gateway ? h("p", {}, t("privacy_gateway")) : null));
}

/* --- The e-ticket ----------------------------------------------------------------------- */

function arrival(ticket) {
  const times = { from: clock(ticket.arrive_from), until: clock(ticket.arrive_until),
                  zone: config.timezone_label };
  return ticket.day === config.today ? t("arrive", times)
    : t("arrive_day", { ...times, day: dayName(ticket.day) });
}

function ticket() {
  const tk = state.ticket;
  const language = words.lang === "en" ? "?lang=en" : "";
  return h("section", { class: "step eticket" },
    h("h1", {}, t("ticket_title")),
    h("div", { class: "card" },
      h("p", { class: "label" }, t("your_number")),
      h("p", { class: "code", id: "code" }, tk.code),
      h("p", { class: "ticket-service" }, tk.service_name),
      h("p", { class: "arrive", id: "arrive" }, arrival(tk)),
      h("img", { class: "qr", id: "qr", width: 220, height: 220,
                 src: `/t/${encodeURIComponent(tk.token)}/qr.svg${language}`,
                 alt: t("qr_alt", { code: tk.code }) }),
      h("p", { class: "label" }, t("booking_code")),
      h("p", { class: "booking-code", id: "booking-code" }, tk.booking_code)),
    h("h2", {}, t("checkin_title")),
    h("p", {}, t("checkin")),
    h("p", { class: "hint" }, t("late", { until: clock(tk.arrive_until),
                                          expires: clock(tk.expires_at) })),
    h("a", { class: "primary track", id: "track", href: tracking(tk) }, t("track")),
    h("p", { class: "hint" }, t("keep")),
    h("button", { type: "button", class: "plain", onclick: actions.startOver }, t("another")));
}

function loading() {
  return h("p", { class: "wait" }, t("loading"));
}

function failed() {
  return h("section", { class: "step" }, problemBox(),
    h("button", { type: "button", class: "primary", onclick: actions.retry }, t("retry")));
}

function off() {
  return h("section", { class: "step" }, h("h1", {}, t("title")),
    h("p", { class: "problem", role: "alert" }, t("remote_off", { site: config.site })));
}

export const STEPS = { loading, failed, off, agency, service, when, slot, contact, ticket };
