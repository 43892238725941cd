// The one live connection every page uses (kiosk, display, console, overview, ticket page).
//
// A page says which events it wants and how to draw each, and how to draw a snapshot; this
// module keeps the screen honest. Every event carries its room, the room's `seq` and the epoch
// of that sequence; a snapshot carries the numbers of the connection's rooms (`seqs`,
// `epochs`). An event already seen (the same `event_id` in another of our rooms, or a number
// the last snapshot already covers) is drawn once; a gap, a new epoch or a reconnection asks
// for one fresh snapshot. A server that sends no epoch yet is one constant epoch.

// One retry policy for every page: Socket.IO's own reconnection after a network drop, and
// ours after the server refused or closed the connection (Socket.IO does not retry those).
export const RETRY = Object.freeze({ firstMs: 500, maxMs: 5000, jitter: 0.5 });

const NO_EPOCH = "-"; // what a room's epoch is while the server sends none
const SEEN_KEEP = 500; // event ids remembered; far more than arrive between two snapshots
const ASK_TIMEOUT_MS = 10000; // an unanswered snapshot request stops holding the next one
// A snapshot that does not reach a gap is asked again this many times at most; then its own
// numbers are taken (a server that lost the missing events cannot send them either).
const NEED_TRIES = 2;

// Every open connection, so a test (or a console) can look at a page's live state.
export const connections = [];

/** The delay before retry number `attempt` (0, 1, 2, …): doubling, capped, jittered. */
export function retryDelay(attempt, random = Math.random) {
  const base = Math.min(RETRY.maxMs, RETRY.firstMs * 2 ** attempt);
  return Math.round(base * (1 + RETRY.jitter * (2 * random() - 1)));
}

function drawerOf(spec) {
  return typeof spec === "function" ? { draw: spec, inSnapshot: true }
    : { inSnapshot: true, ...spec };
}

/**
 * Open the page's connection.
 *
 * - `auth`: the page's credentials (`{display, token}`, `{kiosk, token}`, `{ticket}`,
 *   `{counter}`, …), with `language` when the page has one.
 * - `events`: `{name: draw(payload)}`, or `{name: {draw, inSnapshot: false}}` for an event no
 *   snapshot repeats (a print result), which is drawn even when its number is old.
 * - `onSnapshot(snapshot, {catchUp, pushed})`: catchUp when events may have been missed (a
 *   gap, a new epoch, a reconnection); pushed when the server sent it unasked as an event.
 * - `onStatus("online" | "offline" | "unavailable")`.
 * - `onRefused(message)`: the server refused the connection; return false to stop retrying
 *   (the page then calls `reconnect()` itself, e.g. after signing in again).
 * - `refreshEveryMs`: ask for a snapshot this often, for what no event announces.
 */
export function connectLive({
  auth = {}, events = {}, onSnapshot = () => {}, onStatus = () => {}, onRefused = () => true,
  refreshEveryMs = 0, io = globalThis.io,
} = {}) {
  const stats = { events: 0, drawn: {}, duplicates: 0, gaps: 0, epochs: 0, asked: 0,
    snapshots: 0, retries: 0 };
  if (typeof io !== "function") {
    // No Socket.IO client (blocked, or not installed): the page works from what it has.
    onStatus("unavailable");
    return deadConnection(stats);
  }

  const socket = io({
    auth: { ...auth },
    reconnectionDelay: RETRY.firstMs,
    reconnectionDelayMax: RETRY.maxMs,
    randomizationFactor: RETRY.jitter,
  });
  const rooms = new Map(); // room -> {seq, epoch} on this connection
  const seen = new Set(); // event ids drawn (insertion order: the oldest go first)
  const needs = new Map(); // room -> {seq, epoch} a snapshot must reach to cover a gap
  // {at, stale} while a snapshot is on its way; the server sends one with every connection,
  // so one is on its way from the start (and after every disconnection).
  let pending = { at: Date.now(), stale: false };
  let again = false; // the page asked while one was on its way: ask once more after it
  let catchUp = false;
  let attempts = 0;
  let retryTimer = null;
  let closed = false;

  function epochOf(message, room) {
    return message.epochs?.[room] ?? message.epoch ?? NO_EPOCH;
  }

  function ask() {
    if (!socket.connected) {
      catchUp = true; // the snapshot sent at the next connection answers
      return;
    }
    if (pending && Date.now() - pending.at < ASK_TIMEOUT_MS) {
      return;
    }
    pending = { at: Date.now(), stale: false };
    stats.asked += 1;
    const language = socket.auth.language;
    socket.emit("snapshot", language ? { language } : {});
  }

  /** Count an event against its room; false when the room's last snapshot already had it. */
  function track(event) {
    const room = event.room;
    if (typeof room !== "string" || !Number.isInteger(event.seq)) return true;
    const epoch = epochOf(event, room);
    const known = rooms.get(room);
    if (!known) {
      rooms.set(room, { seq: event.seq, epoch }); // before this connection's first snapshot
      return true;
    }
    if (epoch !== known.epoch) {
      // The server's numbers started again (a Redis restart): a low number is new, not old.
      stats.epochs += 1;
      rooms.set(room, { seq: event.seq, epoch });
      needs.set(room, { seq: event.seq, epoch, tries: 0 });
      catchUp = true;
      ask();
      return true;
    }
    if (event.seq <= known.seq) return false;
    if (event.seq > known.seq + 1) {
      stats.gaps += 1;
      needs.set(room, { seq: event.seq - 1, epoch, tries: 0 });
      catchUp = true;
      ask();
    }
    known.seq = event.seq;
    return true;
  }

  /** True the first time an event id is met. */
  function firstSight(event) {
    const id = event.event_id;
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > SEEN_KEEP) seen.delete(seen.values().next().value);
    return true;
  }

  function onEvent(name, { draw, inSnapshot }, event) {
    stats.events += 1;
    const fresh = track(event); // counted in every room it reached, drawn once
    if (!firstSight(event) || (!fresh && inSnapshot)) {
      stats.duplicates += 1;
      return;
    }
    stats.drawn[name] = (stats.drawn[name] || 0) + 1;
    draw(event);
  }

  /** Take a snapshot's numbers; true when it does not reach a gap seen since it was asked. */
  function baseline(snapshot) {
    const seqs = snapshot.seqs
      || (typeof snapshot.room === "string" ? { [snapshot.room]: snapshot.seq } : {});
    let uncovered = false;
    for (const [room, seq] of Object.entries(seqs)) {
      if (!Number.isInteger(seq)) continue;
      const epoch = epochOf(snapshot, room);
      const need = needs.get(room);
      if (need && (epoch !== need.epoch || seq < need.seq) && ++need.tries < NEED_TRIES) {
        uncovered = true; // older than what this page has seen: keep counting from there
        continue;
      }
      needs.delete(room);
      const known = rooms.get(room);
      if (known && known.epoch === epoch) known.seq = Math.max(known.seq, seq);
      else rooms.set(room, { seq, epoch });
    }
    for (const room of needs.keys()) if (!(room in seqs)) needs.delete(room);
    return uncovered;
  }

  function onSnapshotMessage(snapshot) {
    if (snapshot.event_id) {
      // Sent to the room as an event (a new day): numbered like one.
      track(snapshot);
      if (firstSight(snapshot)) onSnapshot(snapshot, { catchUp: false, pushed: true });
      return;
    }
    stats.snapshots += 1;
    const answered = pending;
    pending = null;
    const uncovered = baseline(snapshot);
    if (answered?.stale) {
      again = false;
      ask(); // it may predate what the page already shows: not drawn, asked again
      return;
    }
    const missed = catchUp && !uncovered;
    if (!uncovered) catchUp = false;
    onSnapshot(snapshot, { catchUp: missed, pushed: false });
    if (uncovered || again) {
      again = false;
      ask();
    }
  }

  function retryLater() {
    if (closed) return;
    clearTimeout(retryTimer);
    stats.retries += 1;
    retryTimer = setTimeout(() => { if (!closed) socket.connect(); }, retryDelay(attempts));
    attempts += 1;
  }

  for (const [name, spec] of Object.entries(events)) {
    const drawer = drawerOf(spec);
    socket.on(name, (event) => onEvent(name, drawer, event || {}));
  }
  socket.on("snapshot", (snapshot) => onSnapshotMessage(snapshot || {}));
  socket.on("connect", () => {
    // The server sends a snapshot with every connection (Socket.IO may hand it over even
    // before this event), so nothing is asked here.
    attempts = 0;
    onStatus("online");
  });
  socket.on("disconnect", (reason) => {
    // The next connection counts every room afresh, from the snapshot it brings; that
    // snapshot catches up on whatever was said meanwhile.
    rooms.clear();
    needs.clear();
    pending = { at: Date.now(), stale: false };
    again = false;
    catchUp = true;
    if (closed) return;
    onStatus("offline");
    if (reason === "io server disconnect") retryLater(); // closed on purpose: come back
  });
  socket.on("connect_error", (error) => {
    onStatus("offline");
    if (socket.active) return; // a network failure: Socket.IO retries by the same policy
    if (onRefused(String(error?.message || "")) !== false) retryLater();
  });

  const refresher = refreshEveryMs > 0 ? setInterval(() => {
    if (socket.connected) ask();
  }, refreshEveryMs) : null;

  const live = {
    socket,
    stats,
    retry: RETRY,
    get connected() { return socket.connected; },
    /** Ask for a fresh snapshot (once more after the one on its way, if any). */
    resync() {
      if (!socket.connected) {
        if (!socket.active && !closed) socket.connect();
        return;
      }
      if (pending && Date.now() - pending.at < ASK_TIMEOUT_MS) again = true;
      else ask();
    },
    /** The snapshot on its way (asked for, or the one a new connection brings) may
     *  predate what the page just learnt (an action's answer): do not draw it, ask again. */
    discardPending() {
      if (pending) pending.stale = true;
    },
    setLanguage(language) {
      socket.auth.language = language;
      if (pending) pending.stale = true;
      else ask();
    },
    reconnect() {
      if (closed) return;
      socket.disconnect();
      socket.connect();
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(refresher);
      socket.disconnect();
      connections.splice(connections.indexOf(live), 1);
    },
  };
  connections.push(live);
  return live;
}

function deadConnection(stats) {
  const none = () => {};
  return { socket: null, stats, retry: RETRY, connected: false, resync: none,
    discardPending: none, setLanguage: none, reconnect: none, close: none };
}
