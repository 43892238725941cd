// The kiosk's screens. Each builds its section once; its fillers keep it current.

import { h } from "/static/shared/dom.js";
import { waitText } from "/static/shared/words.js";
import {
  CHECKIN,
  CODE_KEYS,
  CODE_LENGTH,
  KIOSK_ID,
  PRIORITY_REASONS,
  actions,
  agency,
  closedText,
  fill,
  idleLimit,
  printDetailText,
  refresh,
  service,
  setTicker,
  state,
  t,
  words,
} from "./app.js";

function loading() {
  return h("section", {}, h("p", { class: "prompt" }, t("connecting")));
}

function setup() {
  const url = `${location.origin}/kiosk/${KIOSK_ID}`;
  return h("section", {},
    // A stored token the server refused is not "not set up": say so, as the display does.
    h("h1", { class: "prompt" }, t(state.unauthorized ? "token_refused_title" : "setup_title")),
    state.unauthorized ? h("p", { class: "hint" }, t("token_refused_text")) : null,
    h("p", { class: "hint" }, t("setup_visitor")),
    h("p", { class: "setup-admin" }, t("setup_admin", { url, id: KIOSK_ID })));
}

/* --- Start: every agency on one screen ---------------------------------------------------- */

function start() {
  const grid = h("div", { class: "agencies" });
  for (const a of state.agencies) {
    const short = h("span", { class: "tile-short" });
    const name = h("span", { class: "tile-name" });
    const waiting = h("span", { class: "tile-waiting" });
    const tile = h("button", {
      type: "button", class: "tile", dataset: { agency: a.code },
      style: `--colour: ${a.colour}`, onclick: () => actions.openAgency(a.code),
    }, short, name, waiting);
    grid.append(tile);
    fill(() => {
      const now = agency(a.code);
      if (!now) return;
      short.textContent = now.short_name;
      name.textContent = now.name;
      const closed = now.services.every((s) => !s.open);
      tile.classList.toggle("closed", closed);
      waiting.textContent = closed ? t("agency_closed")
        : t("waiting_n", { n: now.waiting });
    });
  }
  fill(() => layoutGrid(grid, state.agencies.length));
  const hint = h("p", { class: "hint" });
  fill(() => {
    // The whole hall is closed (before hours, a holiday): say why once, up top.
    const all = state.agencies.flatMap((a) => a.services);
    const reasons = new Set(all.map((s) => (s.open ? null : closedText(s))));
    const hallClosed = reasons.size > 0 && !reasons.has(null);
    // A closed day (Sunday, a holiday) says why and when the hall opens again; services
    // with later hours differ only in that time, so the first service's words stand for all.
    const closedDay = hallClosed && all.every((s) => ["closed", "holiday"].includes(s.closed_reason));
    hint.textContent = !hallClosed ? t("choose_agency_hint")
      : reasons.size === 1 || closedDay ? closedText(all[0]) : t("all_closed");
    hint.classList.toggle("hall-closed", hallClosed);
  });
  // A visitor who booked from home checks in here (or simply scans, on any screen).
  const checkin = CHECKIN ? h("button", {
    type: "button", class: "checkin-open", dataset: { action: "checkin" },
    onclick: () => actions.openCheckin(),
  }, t("have_ticket")) : null;
  return h("section", {},
    h("div", { class: checkin ? "intro with-checkin" : "intro" },
      h("h1", { class: "prompt" }, t("choose_agency")), hint, checkin),
    grid,
    h("p", { class: "footer" }, t("footer")));
}

function portrait() {
  return window.matchMedia("(orientation: portrait)").matches;
}

function layoutGrid(grid, count) {
  // As many columns as keep every tile on one screen and its names readable.
  let columns;
  if (portrait()) columns = count <= 3 ? 1 : count <= 8 ? 2 : 3;
  else columns = count <= 4 ? Math.max(count, 1) : count <= 8 ? 4 : 6;
  grid.style.setProperty("--columns", columns);
  grid.style.setProperty("--rows", Math.max(1, Math.ceil(count / columns)));
}

/* --- Shared pieces ------------------------------------------------------------------------ */

function backButton(onclick) {
  return h("button", { type: "button", class: "back", onclick },
    h("span", { "aria-hidden": "true" }, "‹ "), t("back"));
}

function agencyBanner(a) {
  return h("div", { class: "agency-banner", style: `--colour: ${a.colour}` },
    h("p", { class: "banner-short" }, a.short_name),
    h("p", { class: "banner-name" }, a.name));
}

/** The three figures of a service: a <dl> and the filler that writes them. */
function figures(code) {
  const estimate = h("span");
  const waiting = h("span");
  const quota = h("span");
  const stat = (label, value) => h("div", { class: "stat" },
    h("dt", {}, label), h("dd", {}, value));
  const list = h("dl", { class: "stats" },
    stat(t("estimate"), estimate), stat(t("waiting"), waiting), stat(t("quota_left"), quota));
  const write = () => {
    const now = service(code);
    if (!now) return;
    estimate.textContent = waitText(t, now.estimated_wait_min);
    waiting.textContent = t("people", { n: now.waiting });
    quota.textContent = now.quota_left === null ? t("no_limit") : String(now.quota_left);
    list.hidden = !now.open;  // a wait or a quota means nothing while it cannot issue
  };
  return [list, write];
}

/** A refusal's title and message, and the button that puts it away. */
function problemParts(onDismiss) {
  return state.problem ? [
    h("p", { class: "problem-title" }, state.problem.title),
    h("p", {}, state.problem.message),
    h("button", { type: "button", class: "plain", onclick: onDismiss }, t("try_again")),
  ] : [];
}

function requirementList(requirements) {
  return h("ul", { class: "requirement-list" }, requirements.map((r) => h("li", {}, r)));
}

/* --- Services of one agency ------------------------------------------------------------- */

function services() {
  const a = agency();
  const list = h("div", { class: "service-list" });
  for (const s of a.services) {
    const [stats, writeStats] = figures(s.code);
    const reason = h("p", { class: "closed-reason" });
    const requirements = s.requirements.length
      ? h("p", { class: "requirements" }, h("strong", {}, `${t("requirements")}: `),
        s.requirements.join(" · "))
      : null;
    const card = h("button", {
      type: "button", class: "service", dataset: { service: s.code },
      onclick: () => actions.chooseService(s.code),
    }, h("span", { class: "service-name" }, s.name), stats, reason, requirements);
    list.append(card);
    fill(writeStats);
    fill(() => {
      const now = service(s.code);
      if (!now) return;
      card.classList.toggle("closed", !now.open);
      card.setAttribute("aria-disabled", String(!now.open));
      reason.textContent = now.open ? "" : closedText(now);
      reason.hidden = now.open;
    });
  }
  const count = a.services.length;
  const columns = portrait() ? (count <= 4 ? 1 : 2) : (count <= 2 ? count : count <= 4 ? 2 : 3);
  list.dataset.columns = columns;
  list.style.setProperty("--columns", columns);
  const more = h("p", { class: "more", "aria-hidden": "true" }, `▲ ${t("more_below")}`);
  const checkMore = () => {
    more.hidden = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  };
  list.addEventListener("scroll", checkMore, { passive: true });
  requestAnimationFrame(checkMore);
  return h("section", {},
    h("div", { class: "bar" }, backButton(() => actions.show("start")), agencyBanner(a)),
    h("h1", { class: "prompt" }, t("choose_service")),
    list, more);
}

/* --- Confirm: the choice, priority, and the one button that issues ------------------------ */

function priorityOption(reason, label, hint) {
  const button = h("button", {
    type: "button", class: "option", dataset: { reason: reason || "none" },
    onclick: () => { state.reason = reason; refresh(); },
  }, h("span", { class: "option-label" }, label),
  hint ? h("span", { class: "option-hint" }, hint) : null);
  fill(() => {
    const chosen = state.reason === reason;
    button.setAttribute("aria-pressed", String(chosen));
    button.classList.toggle("chosen", chosen);
  });
  return button;
}

function confirm() {
  const a = agency();
  const s = service();
  const [stats, writeStats] = figures(s.code);
  const options = h("div", { class: "options" },
    priorityOption(null, t("priority_none")),
    PRIORITY_REASONS.map((reason) => priorityOption(reason, t(`priority_${reason}`),
      words.optional(`priority_${reason}_hint`))));
  const issue = h("button", { type: "button", class: "issue", onclick: actions.issue });
  const closed = h("p", { class: "closed-reason" });
  const problem = h("div", { class: "problem", role: "alert" });
  fill(writeStats);
  fill(() => {
    const now = service(s.code) || s;
    closed.hidden = now.open;
    closed.textContent = now.open ? "" : closedText(now);
    issue.disabled = !state.armed || !state.online || !now.open || state.issuing;
    issue.textContent = state.issuing ? t("issuing")
      : state.online ? t("issue") : t("wait_connection");
    issue.classList.toggle("busy", state.issuing);
    problem.hidden = !state.problem;
    problem.replaceChildren(...problemParts(actions.dismissProblem));
  });
  return h("section", {},
    h("div", { class: "bar" }, backButton(() => actions.show("services")), agencyBanner(a)),
    h("div", { class: "confirm-grid" },
      h("div", { class: "chosen" },
        h("h1", { class: "chosen-name" }, s.name),
        stats,
        h("p", { class: "bring" }, t("bring")),
        s.requirements.length ? requirementList(s.requirements)
          : h("p", {}, t("no_requirements"))),
      h("div", { class: "decide" },
        h("h2", { class: "priority-question" }, t("priority_question")),
        options,
        h("p", { class: "priority-note" }, t("priority_note")),
        closed, problem, issue)));
}

/* --- Check-in: the booking code typed on screen keys (a scan needs no screen) ----------- */

function checkin() {
  const cells = h("div", { class: "code-cells", "aria-live": "polite" });
  const go = h("button", {
    type: "button", class: "issue checkin-go", onclick: () => actions.checkIn(state.typed),
  });
  const problem = h("div", { class: "problem", role: "alert" });
  const keys = h("div", { class: "keys" },
    [...CODE_KEYS].map((key) => h("button", {
      type: "button", class: "key", dataset: { key }, onclick: () => actions.typeKey(key),
    }, key)),
    h("button", {
      type: "button", class: "key key-erase", dataset: { key: "erase" },
      "aria-label": t("erase"), onclick: actions.eraseKey,
    }, "⌫"));
  fill(() => {
    cells.replaceChildren(...Array.from({ length: CODE_LENGTH },
      (_, i) => h("span", { class: "cell" }, state.typed[i] || "")));
    go.disabled = !state.online || state.checking || state.typed.length < CODE_LENGTH;
    go.textContent = state.checking ? t("checking")
      : state.online ? t("checkin_go") : t("wait_connection");
    go.classList.toggle("busy", state.checking);
    problem.hidden = !state.problem;
    problem.replaceChildren(...problemParts(actions.retypeCode));
    keys.hidden = Boolean(state.problem);
  });
  return h("section", {},
    h("div", { class: "bar" }, backButton(actions.goStart)),
    h("h1", { class: "prompt" }, t("checkin_title")),
    h("p", { class: "hint" }, t("checkin_scan")),
    cells, problem, keys, go);
}

/* --- Result: the number, the QR code, what happened to the paper ------------------------ */

function qrSource(ticket) {
  // A visitor who used the kiosk in English gets the ticket page in English.
  const language = words.lang === "en" ? "?lang=en" : "";
  return `/t/${encodeURIComponent(ticket.token)}/qr.svg${language}`;
}

function printOutcome() {
  if (state.print === "printed") return [t("printed"), t("printed_hint")];
  if (state.print === "pending") return [t("printing"), null];
  return [t("print_failed"), [printDetailText(), t("print_failed_hint")].filter(Boolean).join(" ")];
}

function result() {
  const ticket = state.ticket;
  const root = h("section", { dataset: { print: state.print } });
  const status = h("div", { class: "print-status", role: "status" });
  const qrCaption = h("p", { class: "qr-caption" });
  const countdown = h("p", { class: "countdown" });
  const done = h("button", { type: "button", class: "done", onclick: actions.goStart },
    t("done"));
  const reasonLabel = ticket.priority_reason ? t(`priority_${ticket.priority_reason}`) : null;
  const requirements = (service(ticket.service) || { requirements: [] }).requirements;
  const bring = requirements.length
    ? h("div", { class: "result-bring" }, h("p", { class: "bring" }, t("bring")),
      requirementList(requirements))
    : null;
  fill(() => {
    root.dataset.print = state.print;
    done.disabled = !state.armed;
    const [title, hint] = printOutcome();
    status.replaceChildren(...[h("p", { class: "print-title" }, title),
      hint ? h("p", { class: "print-hint" }, hint) : null].filter(Boolean));
    qrCaption.textContent = state.print === "failed" ? t("qr_eticket") : t("qr_caption");
    if (bring) bring.hidden = state.print !== "failed";  // no paper: the list is here only
  });
  setTicker(() => {
    const left = Math.ceil((idleLimit() - (Date.now() - state.lastTouch)) / 1000);
    countdown.textContent = Number.isFinite(left)
      ? t("back_in", { n: Math.max(0, left) }) : "";
  });
  const ahead = ticket.ahead > 0 ? t("ahead", { n: ticket.ahead }) : t("ahead_none");
  const wait = t("estimate_line", { wait: waitText(t, ticket.estimated_wait_min) });
  root.append(
    h("div", { class: "result-main" },
      state.checkin ? h("p", {
        class: `checkin-note ${state.checkin.placeKept ? "kept" : "late"}`,
      }, t(state.checkin.placeKept ? "checkin_kept" : "checkin_back")) : null,
      h("p", { class: "your-number" }, t("your_number")),
      h("p", { class: "number", dataset: { code: ticket.code } }, ticket.code),
      ticket.priority ? h("p", { class: "priority-badge" },
        [t("priority"), reasonLabel].filter(Boolean).join(" · ")) : null,
      h("p", { class: "result-service" }, ticket.service_name),
      h("p", { class: "result-agency" }, ticket.agency_name),
      h("p", { class: "result-ahead" }, ahead),
      h("p", { class: "result-wait" }, wait),
      status),
    h("div", { class: "result-qr" },
      h("img", { class: "qr", alt: ticket.tracking_url, src: qrSource(ticket) }),
      qrCaption, bring),
    h("div", { class: "result-end" }, done, countdown));
  return root;
}

export const SCREENS = { loading, setup, start, services, confirm, checkin, result };
