// The officer's console: sign in, choose a counter, and work it from the keyboard.
import {
  $, api, askSignInAgain, clock, config, connectLive, el, lang, minutes, minutesSince, serverNow,
  setupLanguage, show, signInView, syncClock, t, toast,
} from "./common.js";

const REMEMBER = "antre.console.counter";
const WAITING_SHOWN = 30;

const S = {
  user: null,
  counterId: null,
  counter: null, // CounterOut, from an action's answer, a snapshot or GET /counters/<id>
  today: null, // CounterTodayOut
  services: [], // for the transfer dialog
  choices: [],
  socket: null,
  timers: [],
  busy: false,
};

const store = {
  get(key) { try { return localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); } catch { /* kept for this page */ } },
};

// --- Start, sign in, choose ---------------------------------------------------------------

api.onUnauthorized = () => askSignInAgain(
  S.counter ? t("reauth.text", { counter: S.counter.name }) : t("reauth.text_plain"),
  S.user?.username,
  async (user) => {
    S.user = user;
    if (S.counterId) connect(); // the old connection belonged to the ended session
  });

setupLanguage(() => {
  $("notice").hidden = true; // said in the other language
  if (document.body.dataset.view === "choose") renderChoices();
  render();
  renderToday();
});
$("signout").addEventListener("click", signOut);
window.addEventListener("pagehide", () => {
  if (S.counterId) api.beacon(`/api/v1/counters/${S.counterId}/leave`);
});

start();

async function start() {
  let me = null;
  try {
    me = await api.me();
  } catch (error) {
    toast(error.message, "error");
  }
  if (!me) {
    signInView(signedIn);
    return;
  }
  await api.token();
  signedIn(me);
}

function signedIn(user) {
  S.user = user;
  $("signout").hidden = false;
  $("overview-link").hidden = !["supervisor", "admin"].includes(user.role);
  $("where").textContent = user.name;
  chooseCounter();
}

async function chooseCounter(message = "") {
  stopDesk();
  let counters;
  try {
    counters = (await api.get("/api/v1/counters")).counters;
  } catch (error) {
    message = error.message;
    counters = [];
  }
  S.choices = counters;
  const remembered = store.get(REMEMBER);
  const known = counters.find((c) => c.id === remembered);
  if (remembered && !known && !message) message = t("choose.not_yours", { counter: remembered });
  if (known && !message && known.state !== "closed" && known.officer?.id === S.user.id) {
    // Back after a reload or a restart: the counter is still this officer's.
    enterDesk(known.id);
    return;
  }
  if (!counters.length && !message) message = t("choose.none");
  $("choose-error").textContent = message;
  show("choose");
  renderChoices();
}

function takenByOther(choice) {
  return choice.state !== "closed" && choice.officer && choice.officer.id !== S.user.id;
}

function renderChoices() {
  const box = $("counter-choices");
  const remembered = store.get(REMEMBER);
  box.replaceChildren(...S.choices.map((choice) => {
    const state = takenByOther(choice)
      ? `${t(`state.${choice.state}`)} · ${t("state.by", { name: choice.officer.name })}`
      : t(`state.${choice.state}`);
    return el("button", {
      type: "button", class: "choice", dataset: { id: choice.id, state: choice.state },
      disabled: takenByOther(choice),
      onclick: () => openCounter(choice.id),
    },
    el("strong", { text: choice.name }),
    el("span", { class: "choice-services", text: `${choice.agency_name} · ${choice.services.join(", ")}` }),
    el("span", { class: "choice-state", text: state }),
    choice.id === remembered ? el("span", { class: "choice-remembered", text: t("choose.remembered") }) : null);
  }));
  const buttons = [...box.querySelectorAll("button:not([disabled])")];
  const first = buttons.find((b) => b.dataset.id === remembered) || buttons[0];
  first?.focus();
}

// Arrow keys move between the counters, Enter opens the focused one.
$("counter-choices").addEventListener("keydown", (event) => {
  const buttons = [...$("counter-choices").querySelectorAll("button:not([disabled])")];
  const at = buttons.indexOf(document.activeElement);
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  if (step && at >= 0) {
    event.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length].focus();
  }
});

async function openCounter(id) {
  $("choose-error").textContent = "";
  try {
    const out = await api.post(`/api/v1/counters/${id}/open`);
    store.set(REMEMBER, id);
    enterDesk(id, out.counter);
  } catch (error) {
    $("choose-error").textContent = error.message;
    chooseCounter(error.message);
  }
}

async function enterDesk(id, counter = null) {
  S.counterId = id;
  try {
    S.counter = counter || await api.get(`/api/v1/counters/${id}`);
  } catch (error) {
    S.counterId = null;
    chooseCounter(error.message);
    return;
  }
  show("desk");
  $("where").textContent = `${S.counter.name} · ${S.user.name}`;
  render();
  $("current").focus();
  connect();
  beat();
  loadToday();
  if (!S.services.length) loadServices().then(render);
  S.timers.push(setInterval(beat, config.heartbeat_s * 1000));
  S.timers.push(setInterval(loadToday, 60000));
  S.timers.push(setInterval(tick, 1000));
  S.timers.push(setInterval(render, 30000));
}

function stopDesk() {
  S.timers.forEach(clearInterval);
  S.timers = [];
  S.socket?.disconnect();
  S.socket = null;
  S.counterId = null;
  S.counter = null;
  S.today = null;
}

async function signOut() {
  if (S.counter && S.counter.state !== "closed") {
    if (S.counter.current) {
      notice(t("msg.busy_close"));
      return;
    }
    try {
      await api.post(`/api/v1/counters/${S.counterId}/close`);
    } catch {
      // signing out matters more; a supervisor sees the counter left open
    }
  }
  stopDesk();
  await api.logout();
  S.user = null;
  $("signout").hidden = true;
  $("overview-link").hidden = true;
  $("where").textContent = "";
  signInView(signedIn);
}

// --- Live ---------------------------------------------------------------------------------

// Snapshots are asked one at a time, so each answer is known to match its question. An
// answer to a question asked before an action's answer came back may predate that action:
// it is dropped and asked again, so the screen never steps back to an older state.
const asks = { sent: 0, pending: false, again: false, staleUpTo: 0 };

function connect() {
  S.socket?.disconnect();
  S.socket = connectLive({
    auth: { counter: S.counterId },
    onConnect: () => {
      asks.pending = false; // the server sends a snapshot of its own at every connection
      asks.again = false;
    },
    onSnapshot: (snapshot) => {
      let stale = false;
      if (asks.pending) {
        asks.pending = false;
        stale = asks.sent <= asks.staleUpTo;
      }
      if (!stale && snapshot.kind === "counter" && snapshot.id === S.counterId) update(snapshot);
      if (stale || asks.again) {
        asks.again = false;
        sendAsk();
      }
    },
    onEvent: (name, payload) => {
      const c = S.counter;
      if (!c) return;
      const mine = (name === "counter_changed" && payload.id === c.id)
        || (name === "queue_changed" && c.services.includes(payload.service))
        || (name === "ticket_called" && payload.counter?.id === c.id);
      if (mine) askSnapshot();
    },
    onRefused: (message) => {
      if (message.startsWith("unauthorized")) api.onUnauthorized();
      else if (message.startsWith("forbidden") || message.startsWith("unknown_counter")) chooseCounter(message);
    },
  });
}

let snapshotTimer = null;
function askSnapshot() {
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(sendAsk, 60);
}

function sendAsk() {
  if (!S.socket?.connected) {
    refreshCounter();
    return;
  }
  if (asks.pending) {
    asks.again = true;
    return;
  }
  asks.pending = true;
  asks.sent += 1;
  S.socket.emit("snapshot");
}

async function refreshCounter() {
  if (!S.counterId) return;
  try {
    update(await api.get(`/api/v1/counters/${S.counterId}`));
  } catch (error) {
    if (error.code === "forbidden" || error.code === "unknown_counter") chooseCounter(error.message);
  }
}

function update(counter) {
  if (!S.counterId || counter.id !== S.counterId) return;
  S.counter = counter;
  if (counter.state === "closed" || (counter.officer && counter.officer.id !== S.user.id)) {
    // Closed or taken over from elsewhere (a supervisor, another PC).
    chooseCounter(t("choose.closed", { counter: counter.name }));
    return;
  }
  render();
}

async function beat() {
  if (!S.counterId) return;
  try {
    await api.post(`/api/v1/counters/${S.counterId}/heartbeat`);
  } catch (error) {
    if (["counter_taken", "forbidden", "unknown_counter"].includes(error.code)) chooseCounter(error.message);
  }
}

async function loadToday() {
  if (!S.counterId) return;
  try {
    S.today = await api.get(`/api/v1/counters/${S.counterId}/today`);
    syncClock(S.today.now);
    renderToday();
    render();
  } catch {
    // shown again at the next refresh
  }
}

// --- Rendering ----------------------------------------------------------------------------

function applicable(action) {
  const c = S.counter;
  if (!c) return false;
  const cur = c.current;
  const open = c.state === "open";
  switch (action) {
    case "call-next": return open && !cur && c.waiting.length > 0;
    case "finish-next": return open && (!!cur || c.waiting.length > 0);
    case "recall":
    case "start":
    case "recycle": return cur?.status === "called";
    case "finish": return !!cur;
    case "no-show": return cur?.status === "called" && recallsLeft(cur) === 0;
    case "transfer":
    case "park": return cur?.status === "serving";
    case "resume": return open && !cur && c.parked.length > 0;
    case "break": return open && !cur;
    case "open": return c.state === "break";
    case "close": return !cur;
    default: return false;
  }
}

function recallsLeft(cur) {
  return Math.max(0, config.recalls_before_no_show - (cur.call_count - 1));
}

function priorityText(item) {
  return item.priority_reason ? t(`priority.${item.priority_reason}`) : t("priority");
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
  $("current-status").textContent = !cur ? "" : cur.status === "serving" ? t("status.serving")
    : cur.call_count > 1 ? t("status.called_n", { count: cur.call_count }) : t("status.called");
  $("current-empty").hidden = !!cur;
  $("current-empty").textContent = c.state === "break" ? t("current.on_break") : t("current.none");
  for (const node of document.querySelectorAll(".current-body")) node.hidden = !cur;
  $("current-waited").textContent = cur
    ? minutes(Math.max(0, Math.floor(
      ((cur.called_at ? Date.parse(cur.called_at) : serverNow()) - Date.parse(cur.issued_at)) / 60000)))
    : "—";
  tick();

  for (const button of document.querySelectorAll("#actions [data-action]")) {
    const ok = applicable(button.dataset.action);
    button.disabled = !ok;
    button.setAttribute("aria-disabled", String(!ok));
  }
  $("no-show-hint").textContent = cur?.status === "called" && recallsLeft(cur) > 0
    ? t("noshow.after", { left: recallsLeft(cur) }) : "";
  renderLists();
}

// The clock of the current ticket: since the call, or since service started against target.
function tick() {
  const cur = S.counter?.current;
  if (!cur) return;
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

function serviceName(code) {
  return S.services.find((s) => s.code === code)?.name || code;
}

function ticketRow(item, ...buttons) {
  return el("li", { class: item.priority ? "ticket priority" : "ticket", dataset: { id: item.id, code: item.code } },
    el("span", { class: "code", text: item.code }),
    el("span", { class: "meta" },
      el("span", { text: serviceName(item.service) }),
      item.priority ? el("span", { class: "badge", text: priorityText(item) }) : null),
    el("span", { class: "waited", text: minutes(minutesSince(item.issued_at)) }),
    el("span", { class: "row-buttons" }, ...buttons));
}

function renderLists() {
  const c = S.counter;
  const idle = c.state === "open" && !c.current;
  const shown = c.waiting.slice(0, WAITING_SHOWN);
  const rows = shown.map((item) => ticketRow(item,
    el("button", { type: "button", class: "small", disabled: !idle, text: t("act.call"),
      "aria-label": `${t("act.call")} ${item.code}`, onclick: () => ticketDialog("call", item) }),
    el("button", { type: "button", class: "small quiet", text: t("act.remove"),
      "aria-label": `${t("act.remove")} ${item.code}`, onclick: () => ticketDialog("remove", item) })));
  if (c.waiting.length > shown.length) {
    rows.push(el("li", { class: "more", text: t("waiting.more", { count: c.waiting.length - shown.length }) }));
  }
  $("waiting-list").replaceChildren(...rows);
  $("waiting-count").textContent = c.waiting.length;
  $("waiting-empty").hidden = c.waiting.length > 0;

  $("parked-list").replaceChildren(...c.parked.map((item) => ticketRow(item,
    el("button", { type: "button", class: "small", disabled: !idle, text: t("act.resume_row"),
      "aria-label": `${t("act.resume_row")} ${item.code}`,
      onclick: () => act("resume", { ticket_id: item.id }) }))));
  $("parked-count").textContent = c.parked.length;
  $("parked-empty").hidden = c.parked.length > 0;
}

function renderToday() {
  const today = S.today;
  if (!today) return;
  $("stat-served").textContent = today.mine.served;
  $("stat-average").textContent = today.mine.average_service_min === null ? "—"
    : minutes(today.mine.average_service_min.toLocaleString(lang() === "en" ? "en" : "id"));
  $("stat-no-shows").textContent = today.mine.no_shows;
  $("noshow-list").replaceChildren(...today.no_shows.map((item) => ticketRow(item,
    el("button", { type: "button", class: "small", text: t("act.return"),
      "aria-label": `${t("act.return")} ${item.code}`, onclick: () => returnLate(item) }))));
  $("noshow-count").textContent = today.no_shows.length;
  $("noshow-empty").hidden = today.no_shows.length > 0;
}

let noticeTimer = null;
function notice(text) {
  const box = $("notice");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 8000);
}

// --- Actions ------------------------------------------------------------------------------

function setBusy(busy) {
  S.busy = busy;
  if (busy) document.body.dataset.busy = "1";
  else delete document.body.dataset.busy;
}

const AFTER_TODAY = new Set(["finish", "no-show", "transfer", "call-next"]);
// Refusals that only mean the hall moved on (another counter was quicker, a double press):
// say so plainly and show the queue as it is now.
const MOVED_ON = new Set(["invalid_transition", "unknown_ticket", "counter_busy", "no_active_ticket",
  "ticket_elsewhere", "counter_not_open", "not_today", "service_not_served"]);

async function act(name, body = {}, ticketCode = null) {
  if (S.busy || !S.counterId) return null;
  setBusy(true);
  try {
    const out = await api.post(`/api/v1/counters/${S.counterId}/${name}`, body);
    asks.staleUpTo = asks.sent;
    if (out === null) {
      notice(t("msg.nobody"));
      await refreshCounter();
    } else {
      update(out.counter); // a closed counter sends the officer back to the choice
    }
    if (AFTER_TODAY.has(name)) loadToday();
    return out;
  } catch (error) {
    if (error.code === "counter_taken" || error.code === "forbidden") {
      chooseCounter(error.message);
    } else if (name === "call" && ["invalid_transition", "unknown_ticket"].includes(error.code)) {
      notice(t("msg.taken", { code: ticketCode }));
      await refreshCounter();
    } else {
      notice(error.message);
      if (MOVED_ON.has(error.code) || error.status === 0) await refreshCounter();
    }
    return null;
  } finally {
    setBusy(false);
    render();
  }
}

async function press(action) {
  if (S.busy || !applicable(action)) return;
  switch (action) {
    case "finish": return finish(false);
    case "finish-next": return finish(true);
    case "transfer": return openTransfer();
    case "resume": return resumeParked();
    default: return act(action);
  }
}

function finish(andNext) {
  const cur = S.counter.current;
  if (!cur) return act("call-next");
  if (!cur.outcomes.length) {
    return andNext ? act("call-next", { finish_current: true }) : act("finish");
  }
  return askOutcome(cur).then((outcome) => {
    if (outcome === undefined) return null;
    return andNext ? act("call-next", { finish_current: true, outcome }) : act("finish", { outcome });
  });
}

function resumeParked() {
  const parked = S.counter.parked;
  if (parked.length === 1) return act("resume", { ticket_id: parked[0].id });
  $("parked-list").querySelector("button:not([disabled])")?.focus();
  return null;
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
  if (button.disabled) notice(t("msg.not_now", { key }));
  else button.click();
});

// --- Dialogs ------------------------------------------------------------------------------

for (const button of document.querySelectorAll("dialog [data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

function askOutcome(cur) {
  return new Promise((resolve) => {
    const dialog = $("outcome-dialog");
    const form = $("outcome-form");
    const choices = cur.outcome_required ? [...cur.outcomes] : ["", ...cur.outcomes];
    $("outcome-code").textContent = cur.code;
    $("outcome-error").textContent = "";
    $("outcome-legend").textContent = t(cur.outcome_required ? "outcome.choose" : "outcome.choose_optional");
    const first = cur.outcome_required ? 1 : 0;
    $("outcome-options").replaceChildren(...choices.map((value, index) => el("label", { class: "radio option" },
      el("input", { type: "radio", name: "outcome", value, checked: !cur.outcome_required && index === 0 }),
      el("kbd", { text: String(index + first) }),
      el("span", { text: value || t("outcome.none") }))));
    let settled = false;
    form.onsubmit = (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[name=outcome]:checked");
      if (!picked) {
        $("outcome-error").textContent = t("outcome.required");
        return;
      }
      settled = true;
      dialog.close();
      resolve(picked.value || null);
    };
    dialog.onclose = () => { if (!settled) resolve(undefined); };
    dialog.onkeydown = (event) => {
      const inputs = [...form.querySelectorAll("input[name=outcome]")];
      if (/^[0-9]$/.test(event.key)) {
        const input = inputs[Number(event.key) - first];
        if (input) {
          event.preventDefault();
          input.checked = true;
          input.focus();
        }
      } else if (event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
      }
    };
    dialog.showModal();
    (form.querySelector("input:checked") || form.querySelector("input"))?.focus();
  });
}

async function loadServices() {
  try {
    const { agencies } = await api.get("/api/v1/services");
    S.services = agencies.flatMap((agency) => agency.services.map((service) => ({
      code: service.code, name: service.name, agency: agency.short_name })));
  } catch {
    // the dialog says so when it has nothing to offer
  }
}

async function openTransfer() {
  const cur = S.counter.current;
  if (!S.services.length) await loadServices();
  const select = $("transfer-service");
  const groups = new Map();
  for (const service of S.services) {
    if (service.code === cur.service) continue;
    if (!groups.has(service.agency)) groups.set(service.agency, el("optgroup", { label: service.agency }));
    groups.get(service.agency).append(el("option", { value: service.code, text: service.name }));
  }
  select.replaceChildren(el("option", { value: "", text: "—" }), ...groups.values());
  $("transfer-code").textContent = cur.code;
  $("transfer-error").textContent = "";
  const dialog = $("transfer-dialog");
  const form = $("transfer-form");
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!select.value) {
      $("transfer-error").textContent = t("transfer.pick");
      select.focus();
      return;
    }
    const position = form.querySelector("input[name=position]:checked").value;
    const name = select.selectedOptions[0].textContent;
    dialog.close();
    const out = await act("transfer", { service: select.value, position });
    if (out) toast(t("msg.transferred", { code: cur.code, service: name }));
  };
  dialog.onkeydown = (event) => {
    if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
      event.preventDefault();
      form.requestSubmit();
    }
  };
  dialog.showModal();
  select.focus();
}

function ticketDialog(mode, item) {
  const dialog = $("ticket-dialog");
  const reason = $("ticket-reason");
  $("ticket-title").textContent = t(`${mode}.title`, { code: item.code });
  $("ticket-text").textContent = mode === "call"
    ? t("call.text", { service: serviceName(item.service), minutes: minutesSince(item.issued_at) })
    : t("remove.text");
  $("ticket-submit").textContent = mode === "call" ? t("act.call") : t("act.remove");
  $("ticket-error").textContent = "";
  reason.value = "";
  $("ticket-form").onsubmit = async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      $("ticket-error").textContent = t("reason.missing");
      reason.focus();
      return;
    }
    dialog.close();
    if (mode === "call") await act("call", { ticket_id: item.id, reason: text }, item.code);
    else await removeTicket(item, text);
  };
  dialog.showModal();
  reason.focus();
}

async function removeTicket(item, reason) {
  try {
    await api.post(`/api/v1/tickets/${item.id}/remove`, { reason });
    toast(t("msg.removed", { code: item.code }));
  } catch (error) {
    notice(error.message);
  }
  await refreshCounter();
}

async function returnLate(item) {
  try {
    await api.post(`/api/v1/tickets/${item.id}/return`);
    toast(t("msg.returned", { code: item.code, places: config.late_return_places }));
  } catch (error) {
    notice(error.message);
  }
  await Promise.all([refreshCounter(), loadToday()]);
}
