// The side of the desk: who waits, who is parked, today's no-shows and the officer's figures.
import { $, h } from "/static/shared/dom.js";
import { callTicket, removeTicket, reprintTicket, resume, returnLate } from "./actions.js";
import { serviceName } from "./counter.js";
import { priorityText } from "./desk.js";
import { lang, t } from "./page.js";
import { S, onChange } from "./state.js";
import { minutes, minutesSince, timeOfDay } from "./time.js";

const WAITING_SHOWN = 30;

// A ticket taken from home: an appointment shows its slot, today's online queue a plain mark.
function remoteBadge(item) {
  if (item.channel !== "online") return null;
  const text = item.slot_start ? t("badge.appointment", { time: timeOfDay(item.slot_start) })
    : t("badge.online");
  return h("span", { class: "badge remote", dataset: { channel: item.slot_start ? "appointment" : "online" },
    text });
}

function rowButton(label, item, onclick, { quiet = false, disabled = false } = {}) {
  return h("button", {
    type: "button", class: quiet ? "small quiet" : "small", disabled, text: label,
    "aria-label": `${label} ${item.code}`, onclick,
  });
}

function ticketRow(item, ...buttons) {
  return h("li", { class: item.priority ? "ticket priority" : "ticket",
    dataset: { id: item.id, code: item.code } },
  h("span", { class: "code", text: item.code }),
  h("span", { class: "meta" },
    h("span", { text: serviceName(item.service) }),
    item.priority ? h("span", { class: "badge", text: priorityText(item) }) : null,
    remoteBadge(item)),
  h("span", { class: "waited", text: minutes(minutesSince(item.issued_at)) }),
  h("span", { class: "row-buttons" }, ...buttons));
}

function fillList(name, items, rows, total = items.length) {
  $(`${name}-list`).replaceChildren(...rows);
  $(`${name}-count`).textContent = total;
  $(`${name}-empty`).hidden = total > 0;
}

function renderLists() {
  const c = S.counter;
  if (!c || document.body.dataset.view !== "desk") return;
  // A chosen ticket is called when the next one could be (an open counter, nobody on it).
  const mayCall = c.allowed_actions?.includes("call-next") && !S.busy;
  const mayResume = c.allowed_actions?.includes("resume") && !S.busy;
  const shown = c.waiting.slice(0, WAITING_SHOWN);
  // The server may list only the head of a long line and count everyone apart.
  const total = Math.max(c.waiting_total ?? 0, c.waiting.length);
  const rows = shown.map((item) => ticketRow(item,
    // The kiosk could not print it: the visitor may hold no paper; print it again.
    item.print_failed ? rowButton(t("act.reprint"), item, () => reprintTicket(item)) : null,
    rowButton(t("act.call"), item, () => callTicket(item), { disabled: !mayCall }),
    rowButton(t("act.remove"), item, () => removeTicket(item), { quiet: true })));
  if (total > shown.length) {
    rows.push(h("li", { class: "more", text: t("waiting.more", { count: total - shown.length }) }));
  }
  fillList("waiting", c.waiting, rows, total);
  fillList("parked", c.parked, c.parked.map((item) => ticketRow(item,
    rowButton(t("act.resume_row"), item, () => resume(item), { disabled: !mayResume }))));
}

function renderToday() {
  const today = S.today;
  if (!today) return;
  $("stat-served").textContent = today.mine.served;
  $("stat-average").textContent = today.mine.average_service_min === null ? "—"
    : minutes(today.mine.average_service_min.toLocaleString(lang()));
  $("stat-no-shows").textContent = today.mine.no_shows;
  fillList("noshow", today.no_shows, today.no_shows.map((item) => ticketRow(item,
    rowButton(t("act.return"), item, () => returnLate(item)))));
}

onChange(renderLists);
onChange(renderToday);
