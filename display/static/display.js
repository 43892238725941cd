// The hall display: takes the device token from the setup link, follows the hub over
// Socket.IO (snapshot on connect, events with a per-room `seq`, a fresh snapshot on a gap) and
// hands each new call to the announcer. A reload never replays: calls in a snapshot are shown,
// not said, except those made while a connected page was briefly cut off.

import { Announcer } from "./announcer.js";
import { Clock } from "./clock.js";
import { View } from "./view.js";

const RECENT_KEEP = 10;
const ANNOUNCED_KEEP = 200;
const RESYNC_EVERY_MS = 10 * 60 * 1000; // a safety net, and picks up a changed running text
const RESYNC_MIN_GAP_MS = 2000;
const REFUSED_RETRY_MS = 15000;
const MISSED_MAX_AGE_MS = 60000; // a call missed while cut off is said if it is this recent

const config = JSON.parse(document.getElementById("antre-config").textContent);
const displayId = config.display.id;
const base = `/display/${encodeURIComponent(displayId)}`;
const tokenKey = `antre.display.${displayId}.token`;

/** The token from the setup link (`?token=` or `#token=`), kept in localStorage and taken
 *  out of the address bar; or the one kept from an earlier setup. */
function takeToken() {
  const url = new URL(window.location.href);
  const fromHash = new URLSearchParams(url.hash.slice(1)).get("token");
  const given = url.searchParams.get("token") || fromHash;
  if (given) {
    try {
      localStorage.setItem(tokenKey, given);
    } catch {
      // private mode: the token lives as long as the page
    }
    url.searchParams.delete("token");
    if (fromHash) url.hash = "";
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  try {
    return localStorage.getItem(tokenKey) || given;
  } catch {
    return given;
  }
}

/** One call, by ticket, counter and moment: a recall is a new call, a repeat is not. */
function keyed(call) {
  return { ...call, key: `${call.code}@${call.counter?.id ?? ""}@${call.at ?? ""}` };
}

const view = new View(config);
const clock = new Clock(config.server_now, config.site.timezone);
clock.start((c) => view.setClock(c));
view.setSite({});

const stats = { events: 0, calls: 0, snapshots: 0, resyncs: 0, gaps: 0 };
const api = { stats, log: [], trace: [], ready: false };
window.antreDisplay = api;

function main() {
  const token = takeToken();
  if (!token) {
    view.showSetup();
    return;
  }

  const state = {
    room: `display:${displayId}`,
    seq: null, // the last number seen in our room on this connection
    recent: [], // newest first, one per ticket
    seen: new Set(), // keys of the calls this page has been told of (events and snapshots)
    announced: new Set(), // keys of the calls handed to the announcer
    cutOff: false, // the connection dropped; the next snapshot says what was missed
    askedAt: 0,
  };

  const announcer = new Announcer({
    displayId,
    engine: config.display.voice,
    token,
    voiceUrl: `${base}/voice.wav`,
    chime: config.chime,
    onShow: (call, highlight) => {
      view.showCall(call, highlight);
      view.setRecent(state.recent);
    },
    onState: (audio) => { document.body.dataset.audioState = audio; },
    onBlocked: (blocked) => view.setSoundBlocked(blocked),
  });
  api.log = announcer.log;
  api.trace = announcer.trace;
  api.announcer = announcer;

  const remember = (set, key) => {
    set.add(key);
    while (set.size > ANNOUNCED_KEEP) set.delete(set.values().next().value);
  };

  const announce = (call) => {
    if (state.announced.has(call.key)) return;
    remember(state.announced, call.key);
    announcer.offer(call);
  };

  const socket = window.io({
    auth: { display: displayId, token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.5,
  });
  api.socket = socket;

  const askSnapshot = () => {
    if (!socket.connected || Date.now() - state.askedAt < RESYNC_MIN_GAP_MS) return;
    state.askedAt = Date.now();
    stats.resyncs += 1;
    socket.emit("snapshot");
  };

  /** Should this event be applied? No when already seen; a gap asks for a fresh snapshot. */
  const accept = (payload) => {
    stats.events += 1;
    if (payload.room !== state.room || !Number.isInteger(payload.seq)) return true;
    if (state.seq !== null && payload.seq <= state.seq) return false;
    if (state.seq !== null && payload.seq > state.seq + 1) {
      stats.gaps += 1;
      state.cutOff = true; // a call may have been among the lost events
      askSnapshot();
    }
    state.seq = payload.seq;
    return true;
  };

  const applySnapshot = (snapshot) => {
    stats.snapshots += 1;
    if (Number.isInteger(snapshot.seq)) state.seq = Math.max(state.seq ?? -1, snapshot.seq);
    if (snapshot.now) clock.sync(snapshot.now);
    view.hideSetup();
    view.setWaiting(snapshot.waiting || []);
    view.setCounters(snapshot.counters || []);
    view.setSite(snapshot);
    const calls = (snapshot.recent_calls || []).map(keyed);
    if (state.cutOff) {
      // Connected, cut off, back: recent calls this page was never told of were made
      // meanwhile, and are said now, oldest first. Their age is taken on the server's own
      // clock (the snapshot's `now`), whatever the TV box's clock says.
      const now = Date.parse(snapshot.now);
      calls.filter((call) => !state.seen.has(call.key) &&
                             now - Date.parse(call.at) <= MISSED_MAX_AGE_MS)
        .reverse().forEach(announce);
      state.cutOff = false;
    }
    for (const call of [...calls].reverse()) remember(state.seen, call.key);
    const seen = new Set();
    state.recent = calls.filter((call) => !seen.has(call.code) && seen.add(call.code))
      .slice(0, RECENT_KEEP);
    if (!announcer.busy && !view.highlighted) view.showCall(state.recent[0] || null, false);
    view.setRecent(state.recent);
    if (!api.ready) {
      api.ready = true;
      setTimeout(() => {
        announcer.prepare();
        document.body.dataset.ready = "true";
      }, 0);
    }
  };

  socket.on("connect", () => {
    state.seq = null; // a restarted server counts from zero again
    view.setOnline(true);
  });

  socket.on("disconnect", (reason) => {
    view.setOnline(false);
    state.cutOff = true;
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
  });

  socket.on("connect_error", (error) => {
    view.setOnline(false);
    if (socket.active) return; // a network error: socket.io tries again by itself
    // Refused by the server: a bad token, or the server could not take us yet.
    if (/^unauthorized/.test(error.message || "")) view.showSetup("invalid");
    setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
  });

  socket.on("snapshot", (snapshot) => {
    if (snapshot.event_id) accept(snapshot); // the day's rollover, sent as an event
    applySnapshot(snapshot);
  });

  socket.on("ticket_called", (payload) => {
    if (!accept(payload)) return;
    stats.calls += 1;
    const call = keyed(payload);
    remember(state.seen, call.key);
    state.recent = [call, ...state.recent.filter((c) => c.code !== call.code)]
      .slice(0, RECENT_KEEP);
    view.counterCalled(call);
    view.setRecent(state.recent);
    announce(call);
  });

  socket.on("counter_changed", (payload) => {
    if (accept(payload)) view.updateCounter(payload);
  });

  socket.on("queue_changed", (payload) => {
    if (accept(payload)) view.updateWaiting(payload.agency, payload.agency_waiting);
  });

  setInterval(askSnapshot, RESYNC_EVERY_MS);

  if (config.has_media) {
    // Loaded only by a display with a slideshow.
    import("./media.js").then(({ Slideshow }) => new Slideshow({
      listUrl: `${base}/media.json`,
      fileUrl: (name) => `${base}/media/${encodeURIComponent(name)}`,
      isPaused: () => view.highlighted,
      intervalS: config.media_interval_s,
    }).start());
  }
}

main();
