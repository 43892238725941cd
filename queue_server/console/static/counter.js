// The officer at a counter: entering and leaving it, its live connection, and keeping
// `S.counter` and `S.today` as the server says they are.
import { connectLive } from "/static/shared/live.js";
import { api } from "./api.js";
import { config, lang, showLive, t } from "./page.js";
import { S, changed, go } from "./state.js";
import { syncClock } from "./time.js";

const ASK_DELAY_MS = 60; // the events of one action arrive together: one snapshot for them
const TODAY_EVERY_MS = 60000;
const REDRAW_EVERY_MS = 30000; // waited minutes grow without an event
const MOVED_EVERY_MS = 1000;

let live = null;
let timers = [];
let askTimer = null;
const queueWatchers = [];

/** `look()` when the desk opens, when the counter's queues move, and now and then: for what
 *  the snapshot does not carry (today's bookings). */
export function whenQueueMoves(look) {
  queueWatchers.push(look);
}

function queueMoved() {
  for (const look of queueWatchers) look();
}

// A busy hall moves its queues every few seconds: look at most once a second.
let movedTimer = null;
function queueMovedSoon() {
  if (movedTimer) return;
  movedTimer = setTimeout(() => { movedTimer = null; queueMoved(); }, MOVED_EVERY_MS);
}

export async function enterDesk(id, counter = null) {
  S.counterId = id;
  try {
    S.counter = counter || await api.get(`/api/v1/counters/${id}`);
  } catch (error) {
    S.counterId = null;
    go.choose(error.message);
    return false;
  }
  connect();
  beat();
  loadToday();
  queueMoved();
  if (!S.services.length) loadServices().then(changed);
  timers.push(setInterval(beat, config.heartbeat_s * 1000));
  timers.push(setInterval(loadToday, TODAY_EVERY_MS));
  timers.push(setInterval(queueMoved, TODAY_EVERY_MS));
  timers.push(setInterval(changed, REDRAW_EVERY_MS));
  return true;
}

export function stopDesk() {
  timers.forEach(clearInterval);
  timers = [];
  live?.close();
  live = null;
  S.counterId = null;
  S.counter = null;
  S.today = null;
  S.bookings = null;
}

/** (Re)connect: after entering, and after signing in again (the old one was the old
 *  session's). */
export function connect() {
  live?.close();
  // The console draws the counter's snapshot only: an event says "look again", and the
  // snapshot that answers is the whole truth, in the officer's language.
  const lookAgain = (isMine) => (payload) => { if (S.counter && isMine(payload)) askSoon(); };
  live = connectLive({
    auth: { counter: S.counterId, language: lang() },
    events: {
      counter_changed: lookAgain((p) => p.id === S.counter.id),
      queue_changed: (payload) => {
        if (!S.counter?.services.includes(payload.service)) return;
        askSoon();
        queueMovedSoon();
      },
      ticket_called: lookAgain((p) => p.counter?.id === S.counter.id),
    },
    onSnapshot: (snapshot) => {
      if (snapshot.kind === "counter" && snapshot.id === S.counterId) update(snapshot);
    },
    onStatus: showLive,
    onRefused: (message) => {
      if (message.startsWith("unauthorized")) api.onUnauthorized(); // then connect() again
      else if (/^(forbidden|unknown_counter)/.test(message)) go.choose(message);
      else return true;
      return false;
    },
  });
}

function askSoon() {
  clearTimeout(askTimer);
  askTimer = setTimeout(() => {
    if (live?.connected) live.resync();
    else refreshCounter();
  }, ASK_DELAY_MS);
}

/** An action's answer is newer than any snapshot still on its way. */
export function answered(counter) {
  live?.discardPending();
  update(counter);
}

export async function refreshCounter() {
  if (!S.counterId) return;
  try {
    update(await api.get(`/api/v1/counters/${S.counterId}`));
  } catch (error) {
    if (["forbidden", "unknown_counter"].includes(error.code)) go.choose(error.message);
  }
}

export function update(counter) {
  if (!S.counterId || counter.id !== S.counterId) return;
  S.counter = counter;
  if (counter.state === "closed" || (counter.officer && counter.officer.id !== S.user.id)) {
    // Closed by this officer (news, not an error), or from elsewhere (a supervisor, the day's
    // end, another PC).
    if (S.closing) go.choose(t("choose.closed_by_you", { counter: counter.name }), "info");
    else go.choose(t("choose.closed", { counter: counter.name }));
    return;
  }
  changed();
}

async function beat() {
  if (!S.counterId) return;
  try {
    await api.post(`/api/v1/counters/${S.counterId}/heartbeat`);
  } catch (error) {
    if (["counter_taken", "forbidden", "unknown_counter"].includes(error.code)) {
      go.choose(error.message);
    }
  }
}

export async function loadToday() {
  if (!S.counterId) return;
  try {
    S.today = await api.get(`/api/v1/counters/${S.counterId}/today`);
    syncClock(S.today.now);
    changed();
  } catch {
    // shown again at the next refresh
  }
}

export async function loadServices() {
  try {
    const { agencies } = await api.get("/api/v1/services");
    S.services = agencies.flatMap((agency) => agency.services.map((service) => ({
      code: service.code, name: service.name, agency: agency.short_name,
      agency_code: agency.code, agency_name: agency.name })));
  } catch {
    // the transfer dialog says so when it has nothing to offer
  }
}

export function serviceName(code) {
  return S.services.find((s) => s.code === code)?.name || code;
}

/** A new language: the server's words in the snapshot follow. */
export function setLanguage(language) {
  live?.setLanguage(language);
}
