// The desk's tickets taken from home (issue 16): today's bookings for the counter's services,
// their slots, who has not arrived yet, and checking a visitor in at the counter: by the
// booking code typed, or from the list once the phone's last digits are confirmed.
import { $, h } from "/static/shared/dom.js";
import { api } from "./api.js";
import { refreshCounter, serviceName, whenQueueMoves } from "./counter.js";
import { notice } from "./desk.js";
import { remoteCountsText, t, toast } from "./page.js";
import { S, onChange } from "./state.js";
import { timeOfDay } from "./time.js";

const LISTED = 20; // the head of the not-arrived list; last digits typed find the rest
const LAST_DIGITS = /^\d{4}$/;

export async function loadBookings() {
  if (!S.counterId) return;
  const counter = S.counterId;
  const typed = $("checkin-code").value.trim();
  const params = new URLSearchParams({ counter, limit: String(LISTED) });
  if (LAST_DIGITS.test(typed)) params.set("find", typed);
  try {
    const answer = await api.get(`/api/v1/bookings/today?${params}`);
    if (S.counterId !== counter) return; // the officer moved on meanwhile
    S.bookings = answer;
    render();
  } catch {
    // shown again at the next refresh
  }
}

function slotChip(slot) {
  return h("li", { class: "slot", dataset: { start: slot.start, left: slot.left },
    title: t("bookings.slot_title", { ...slot.counts, left: slot.left }) },
  h("span", { class: "slot-time", text: slot.start.replace(":", ".") }),
  h("span", { text: `${slot.taken}/${slot.capacity}` }),
  slot.counts.checked_in ? h("span", { class: "slot-in", text: `✓${slot.counts.checked_in}` }) : null);
}

function serviceRow(service) {
  return h("li", { dataset: { service: service.code } },
    h("strong", { text: service.name }), " ",
    h("span", { class: "remote-counts", text: remoteCountsText(service.counts) }),
    service.slots.length ? h("ul", { class: "slots" }, ...service.slots.map(slotChip)) : null);
}

function whenText(item) {
  if (item.slot_start) return t("bookings.slot", { time: timeOfDay(item.slot_start) });
  if (item.arrive_from) {
    return t("bookings.window", { from: timeOfDay(item.arrive_from), until: timeOfDay(item.arrive_until) });
  }
  return t("badge.online");
}

function bookingRow(item) {
  return h("li", { class: "ticket booked", dataset: { id: item.id, code: item.code, booking: item.booking_code } },
    h("span", { class: "code", text: item.code }),
    h("span", { class: "meta" },
      h("span", { text: serviceName(item.service) }),
      h("span", { class: "badge remote", text: whenText(item) }),
      item.window === "late" ? h("span", { class: "badge late", text: t("bookings.late") }) : null,
      item.phone_last4 ? h("span", { text: t("bookings.phone", { digits: item.phone_last4 }) }) : null),
    h("span", { class: "booking-code", text: item.booking_code || "" }),
    h("span", { class: "row-buttons" }, h("button", {
      type: "button", class: "small", text: t("bookings.check_in"),
      "aria-label": `${t("bookings.check_in")} ${item.code}`, onclick: () => confirmCheckIn(item) })));
}

// A service taking numbers from home, or with bookings still (taken before it stopped).
const remote = (service) => service.takes_remote || service.counts.booked > 0;

function render() {
  const data = S.bookings;
  const card = $("bookings-card");
  if (!data || document.body.dataset.view !== "desk") return;
  const shown = data.services.filter(remote);
  card.hidden = shown.length === 0;
  $("booked-services").replaceChildren(...shown.map(serviceRow));
  const rows = data.not_arrived.map(bookingRow);
  if (data.not_arrived_total > rows.length) {
    rows.push(h("li", { class: "more", text: t("waiting.more", { count: data.not_arrived_total - rows.length }) }));
  }
  $("not-arrived-list").replaceChildren(...rows);
  $("not-arrived-count").textContent = data.not_arrived_total;
  $("not-arrived-empty").hidden = data.not_arrived_total > 0;
}

/** From the list: the officer asks the visitor for the last digits before checking in. */
function confirmCheckIn(item) {
  const dialog = $("checkin-dialog");
  $("checkin-title").textContent = t("bookings.confirm_title", { code: item.code });
  $("checkin-text").textContent = `${serviceName(item.service)} · ${whenText(item)}`;
  $("checkin-digits").replaceChildren(
    item.phone_last4 ? h("span", { text: t("bookings.ask_phone", { digits: item.phone_last4 }) }) : "",
    item.nik_last4 ? h("span", { text: t("bookings.ask_nik", { digits: item.nik_last4 }) }) : "");
  $("checkin-error").textContent = "";
  $("checkin-dialog-form").onsubmit = async (event) => {
    event.preventDefault();
    const error = await checkIn(item.booking_code || item.code);
    if (error) $("checkin-error").textContent = error;
    else dialog.close();
  };
  dialog.showModal();
  $("checkin-submit").focus();
}

/** Check the booking in; the refusal's message, or null once it is in the line. */
async function checkIn(code) {
  try {
    const out = await api.post(`/api/v1/tickets/${encodeURIComponent(code)}/check-in`, {});
    toast(t(out.ticket.place_kept ? "bookings.in_kept" : "bookings.in_back", { code: out.ticket.code }));
    $("checkin-code").value = "";
    await Promise.all([refreshCounter(), loadBookings()]);
    return null;
  } catch (error) {
    return error.message;
  }
}

// Typed: a booking code checks the visitor in at once (they show it on their phone); four
// digits find their booking by the phone's (or NIK's) last digits, to confirm from the list.
$("checkin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const typed = $("checkin-code").value.trim();
  if (!typed) return;
  if (!LAST_DIGITS.test(typed)) {
    const error = await checkIn(typed);
    if (error) notice(error);
    return;
  }
  await loadBookings();
  const found = S.bookings?.not_arrived || [];
  if (found.length === 1) confirmCheckIn(found[0]);
  else if (!found.length) notice(t("bookings.not_found", { digits: typed }));
});
$("checkin-code").addEventListener("input", () => {
  if (!$("checkin-code").value.trim()) loadBookings(); // the whole list again
});

// Asked again as the counter's queues move, where its services take numbers from home at all.
whenQueueMoves(() => { if (!S.bookings || S.bookings.services.some(remote)) loadBookings(); });
onChange(render);
