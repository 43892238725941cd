// The supervisor's overview: counters, queues, kiosks' printers; today's quota, closures and
// the displays' running text.
import { $, h } from "/static/shared/dom.js";
import { connectLive } from "/static/shared/live.js";
import { api } from "./api.js";
import { lang, remoteCountsText, setupLanguage, show, showLive, t, toast } from "./page.js";
import { askSignInAgain, signInView, startSignedIn } from "./signin.js";
import { askReason } from "./reason.js";
import { minutes, moment, syncClock, timeOfDay } from "./time.js";

const REFRESH_MS = 15000;
const S = { user: null, data: null, live: null, timer: null };

api.onUnauthorized = () => askSignInAgain(t("reauth.text_plain"), S.user?.username, async (user) => {
  S.user = user;
  connect();
});
setupLanguage(() => {
  render();
  S.live?.setLanguage(lang());
});
$("signout").addEventListener("click", async () => {
  S.live?.close();
  S.live = null;
  clearInterval(S.timer);
  await api.logout();
  S.user = null;
  $("signout").hidden = true;
  signInView(signedIn);
});

startSignedIn(signedIn);

async function signedIn(user) {
  S.user = user;
  $("signout").hidden = false;
  $("where").textContent = user.name;
  show("floor");
  if (!["supervisor", "admin"].includes(user.role)) {
    $("floor-error").hidden = false;
    $("floor-error").textContent = t("ov.forbidden");
    for (const card of document.querySelectorAll("#floor-view > .card, #floor-view > .split")) card.hidden = true;
    return;
  }
  await load();
  connect();
  clearInterval(S.timer);
  // Presence, printers and waits change without an event: look again now and then.
  S.timer = setInterval(load, REFRESH_MS);
}

// Every event to the staff rooms means "look again": the overview reads the whole floor.
const LOOK_AGAIN = ["queue_changed", "counter_changed", "ticket_called", "ticket_changed",
  "printer_changed"];

function connect() {
  if (!S.user) return;
  S.live?.close();
  S.live = connectLive({
    auth: { language: lang() },
    events: Object.fromEntries(LOOK_AGAIN.map((name) => [name, soon])),
    onSnapshot: soon,
    onStatus: showLive,
    onRefused: (message) => {
      if (!message.startsWith("unauthorized")) return true;
      api.onUnauthorized(); // signing in again connects anew
      return false;
    },
  });
}

let loadTimer = null;
function soon() {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(load, 250);
}

async function load() {
  try {
    S.data = await api.get("/api/v1/overview");
    syncClock(S.data.now);
    $("floor-error").hidden = true;
    render();
  } catch (error) {
    $("floor-error").hidden = false;
    $("floor-error").textContent = error.message;
  }
}

// --- Rendering ----------------------------------------------------------------------------

function stateBadge(state, text = t(`state.${state}`)) {
  return h("span", { class: "state", dataset: { state }, text });
}

function render() {
  const data = S.data;
  if (!data) return;
  renderUnheard(data);
  renderCounters(data);
  renderServices(data);
  renderKiosks(data);
  renderDisplays(data);
  renderFailedPrints(data);
  renderRunningText(data);
  renderChanges(data);
}

// Calls no display heard (the server could not publish them), and whether the link between
// the servers (the message queue) is down: the supervisor has the officer recall them.
function renderUnheard(data) {
  const calls = data.unannounced_calls || [];
  const names = Object.fromEntries(data.counters.map((c) => [c.id, c.name]));
  $("unheard-calls").replaceChildren(...calls.map((c) => h("li", { dataset: { ticket: c.code } },
    h("strong", { text: c.code }), ` ${names[c.counter] ?? c.counter ?? "—"} · `,
    h("time", { datetime: c.at, text: timeOfDay(c.at) }))));
  $("unheard-block").hidden = calls.length === 0;
  $("queue-down").hidden = data.message_queue_ok !== false;
  $("unheard-card").hidden = calls.length === 0 && data.message_queue_ok !== false;
}

function renderCounters(data) {
  $("counters-table").tBodies[0].replaceChildren(...data.counters.map((c) => {
    const flag = c.state === "closed" ? null
      : c.unattended ? h("span", {
        class: "flag alert", text: t("ov.no_console"),
        title: t("ov.no_console_long", { time: moment(c.last_activity_at) }) })
        : c.console_live ? h("span", { class: "flag ok", text: t("ov.console_live") }) : null;
    const current = c.current
      ? h("span", {}, h("strong", { text: c.current.code }),
        h("span", { class: "sub", text: `${c.current.service} · ${t(`status.${c.current.status}`)} · ${timeOfDay(c.current.since)}` }))
      : "—";
    return h("tr", { class: c.unattended ? "unattended" : null, dataset: { counter: c.id } },
      h("th", { scope: "row" }, c.name, h("span", { class: "sub", text: `${c.agency} · ${c.services.join(", ")}` })),
      h("td", {}, stateBadge(c.state), flag,
        c.unattended ? h("span", { class: "sub", text: t("ov.no_console_long", { time: moment(c.last_activity_at) }) }) : null,
        c.state !== "closed" && !c.console_live ? h("button", { type: "button", class: "small quiet", text: t("ov.close_counter"),
          "aria-label": `${t("ov.close_counter")} ${c.name}`, onclick: () => closeCounter(c) }) : null),
      h("td", { text: c.officer ? c.officer.name : "—" }),
      h("td", {}, current),
      h("td", { class: "num", text: String(c.served_today) }),
      h("td", { class: "num", text: String(c.waiting) }),
      h("td", { class: "num", text: c.waiting ? minutes(c.longest_wait_min) : "—" }));
  }));
}

function renderServices(data) {
  $("services-table").tBodies[0].replaceChildren(...data.services.map((s) => {
    const state = s.open ? stateBadge("open", t("ov.open"))
      : stateBadge(s.closed_today ? "closed_today" : "refused", s.closed_message?.[lang()] || t("state.closed"));
    const quota = s.quota === null ? `${s.issued} / ${t("ov.unlimited")}` : `${s.issued} / ${s.quota}`;
    const buttons = s.manageable ? h("div", { class: "cell-buttons" },
      h("button", { type: "button", class: "small", text: t("ov.change_quota"),
        "aria-label": `${t("ov.change_quota")} ${s.name}`, onclick: () => operation("quota", s) }),
      s.closed_today
        ? h("button", { type: "button", class: "small", text: t("ov.reopen"),
          "aria-label": `${t("ov.reopen")} ${s.name}`, onclick: () => operation("reopen", s) })
        : h("button", { type: "button", class: "small quiet", text: t("ov.close_today"),
          "aria-label": `${t("ov.close_today")} ${s.name}`, onclick: () => operation("close", s) })) : null;
    return h("tr", { dataset: { service: s.code } },
      h("th", { scope: "row" }, s.name, h("span", { class: "sub", text: `${s.agency_name} · ${s.code}` })),
      h("td", {}, state),
      h("td", { class: "num", text: String(s.waiting) }),
      h("td", { class: "num", text: s.waiting ? minutes(s.longest_wait_min) : "—" }),
      h("td", { class: "num", text: String(s.served_today) }),
      h("td", { class: "num quota", text: quota }),
      h("td", { class: "num quota-left", text: s.quota_left === null ? "—" : String(s.quota_left) }),
      h("td", { class: "remote", text: s.remote ? remoteCountsText(s.remote) : "—" }),
      h("td", {}, buttons));
  }));
}

function renderKiosks(data) {
  $("kiosks-table").tBodies[0].replaceChildren(...data.kiosks.map((k) => h("tr", { dataset: { kiosk: k.id } },
    h("th", { scope: "row" }, k.name, h("span", { class: "sub", text: k.id })),
    h("td", {}, h("span", { class: "printer", dataset: { printer: k.printer }, text: t(`printer.${k.printer}`) })),
    h("td", { text: timeOfDay(k.printer_status_at || k.last_seen_at) }))));
}

// Tickets a kiosk could not print: the visitor may be holding nothing; print it again.
function renderFailedPrints(data) {
  const failed = data.failed_prints || [];
  $("failed-prints").replaceChildren(...failed.map((p) => h("li", { dataset: { ticket: p.code } },
    h("strong", { text: p.code }), ` ${p.service} · ${p.kiosk} · ${timeOfDay(p.issued_at)}`,
    p.message ? h("span", { class: "sub", text: p.message }) : null,
    h("button", { type: "button", class: "small", text: t("ov.reprint"),
      "aria-label": `${t("ov.reprint")} ${p.code}`, onclick: () => reprint(p) }))));
  $("failed-prints-empty").hidden = failed.length > 0;
}

async function reprint(item) {
  try {
    await api.post(`/api/v1/tickets/${item.id}/reprint`, {});
    toast(t("ov.reprinted", { code: item.code }));
    await load();
  } catch (error) {
    toast(error.message, "error");
  }
}

function renderDisplays(data) {
  $("displays-table").tBodies[0].replaceChildren(...(data.displays || []).map((d) => h("tr",
    { class: d.voice_ok === false ? "unattended" : null, dataset: { display: d.id } },
    h("th", { scope: "row" }, d.name, h("span", { class: "sub", text: d.id })),
    h("td", {}, stateBadge(d.on ? "open" : "closed", t(d.on ? "ov.display_on" : "ov.display_off"))),
    h("td", {}, d.voice_ok === false
      ? h("span", { class: "flag alert", text: t("ov.voice_failed", { engine: d.voice }) })
      : h("span", { text: d.voice_ok ? t("ov.voice_ok", { engine: d.voice }) : d.voice })))));
}

function renderRunningText(data) {
  const area = $("running-text");
  const admin = data.may_set_running_text;
  if (document.activeElement !== area) area.value = data.running_text;
  area.disabled = !admin;
  $("running-save").hidden = !admin;
  $("running-hint").textContent = admin ? "" : t("ov.running_admin_only");
}

function changeText(change) {
  if (change.kind === "quota") {
    return t("ov.change.quota", { quota: change.data.quota ?? t("ov.unlimited") });
  }
  return t(`ov.change.${change.kind}`);
}

function renderChanges(data) {
  $("changes-list").replaceChildren(...data.changes.map((c) => h("li", {},
    h("time", { datetime: c.at, text: timeOfDay(c.at) }),
    h("strong", { text: `${c.service} ${changeText(c)}` }),
    ` — “${c.reason}”`,
    c.user ? ` ${t("ov.by", { name: c.user })}` : "")));
  $("changes-empty").hidden = data.changes.length > 0;
}

// --- Operations ---------------------------------------------------------------------------

$("running-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const out = await api.put("/api/v1/site/running-text", { text: $("running-text").value });
    $("running-text").value = out.text;
    toast(t("ov.running_saved"));
  } catch (error) {
    toast(error.message, "error");
  }
});

// A counter whose console is gone: the supervisor closes it, with the reason recorded.
async function closeCounter(counter) {
  $("op-quota-field").hidden = true;
  const done = await askReason("op", {
    title: t("op.close_counter_title", { counter: counter.name }),
    text: t("op.close_counter_text"),
    send: (reason) => api.post(`/api/v1/counters/${encodeURIComponent(counter.id)}/close-left`,
      { reason }),
  });
  if (!done) return;
  toast(t("op.counter_closed", { counter: counter.name }));
  await load();
}

// Today's quota, closing or reopening a service: each with the reason recorded.
async function operation(kind, service) {
  const quota = $("op-quota");
  $("op-quota-field").hidden = kind !== "quota";
  quota.value = service.quota ?? "";
  const done = await askReason("op", {
    title: t(`op.${kind}_title`, { service: service.name }),
    text: kind === "quota"
      ? t("op.quota_text", { issued: service.issued, configured: service.configured_quota ?? t("ov.unlimited") })
      : t(`op.${kind}_text`),
    focus: kind === "quota" ? quota : null,
    send: (reason) => api.post(`/api/v1/services/${encodeURIComponent(service.code)}/${kind}`,
      kind === "quota" ? { reason, quota: quota.value === "" ? null : Number(quota.value) } : { reason }),
  });
  if (!done) return;
  toast(t("op.saved", { service: service.name }));
  await load();
}
