// The hall display: takes the device token from the setup link, follows the hub through the
// shared live connection (snapshot on connect, events drawn once, a fresh snapshot after a
// gap) and hands each new call, and each announcement of the hall, to the announcer. A reload
// never replays: calls in a snapshot are shown, not said, except those made while a connected
// page was briefly cut off. Nothing is polled: a new running text, a service opening or
// closing by the clock (hub/schedule.py) and a new day all arrive as events.

import { takeDeviceToken } from "/static/shared/device.js";
import { connectLive } from "/static/shared/live.js";
import { makeWords } from "/static/shared/words.js";
import { Announcer } from "./announcer.js";
import { Clock } from "./clock.js";
import { View } from "./view.js";
import { WORDS } from "./wordlist.js";

const RECENT_KEEP = 10;
const ANNOUNCED_KEEP = 200;
const MISSED_MAX_AGE_MS = 60000; // a call missed while cut off is said if it is this recent

const config = JSON.parse(document.getElementById("antre-config").textContent);
const displayId = config.display.id;
const base = `/display/${encodeURIComponent(displayId)}`;

/** One call, by ticket, counter and moment: a recall is a new call, a repeat is not. */
function keyed(call) {
  return { ...call, key: `${call.code}@${call.counter?.id ?? ""}@${call.at ?? ""}` };
}

// The hall's language; `?lang=en` on the display's address for an English-only screen.
const words = makeWords(WORDS, { language: new URLSearchParams(location.search).get("lang") });
const view = new View(config, words.t);
const clock = new Clock(config.server_now, config.site.timezone,
  words.lang === "en" ? "en-GB" : "id-ID");
clock.start((c) => view.setClock(c));
view.setSite({});

const stats = { calls: 0 };
const api = { stats, log: [], trace: [], ready: false };
window.antreDisplay = api;

function main() {
  const token = takeDeviceToken(`antre.display.${displayId}.token`);
  if (!token) {
    view.showSetup();
    return;
  }

  const state = {
    recent: [], // newest first, one per ticket
    seen: new Set(), // keys of the calls this page has been told of (events and snapshots)
    announced: new Set(), // keys of the calls handed to the announcer
  };

  // The display tells the server it is on and whether its voice works (the overview lists
  // it): every 30 s, and at once when the voice fails or works again.
  const voice = { ok: true };
  const reportVoice = () => fetch(`/api/v1/displays/${encodeURIComponent(displayId)}/voice-state`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ voice_ok: voice.ok }),
  }).catch(() => {});
  reportVoice();
  setInterval(reportVoice, 30000);

  const announcer = new Announcer({
    onVoice: (ok) => {
      if (ok === voice.ok) return;
      voice.ok = ok;
      reportVoice();
    },
    displayId,
    engine: config.display.voice,
    token,
    voiceUrl: `${base}/voice.wav`,
    noticeUrl: `${base}/notice.wav`,
    language: words.lang,
    chime: config.chime,
    onShow: (call, highlight) => {
      view.showCall(call, highlight);
      view.setRecent(state.recent);
    },
    onNotice: (notice) => view.showAnnouncement(notice.text),
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

  const applySnapshot = (snapshot, { catchUp }) => {
    if (snapshot.now) clock.sync(snapshot.now);
    view.hideSetup();
    view.setWaiting(snapshot.waiting || []);
    view.setCounters(snapshot.counters || []);
    view.setClosed(snapshot.closed || null);
    view.setSite(snapshot);
    const calls = (snapshot.recent_calls || []).map(keyed);
    if (catchUp) {
      // Connected, cut off (or a gap), back: recent calls this page was never told of were
      // made meanwhile, and are said now, oldest first. Their age is taken on the server's
      // own clock (the snapshot's `now`), whatever the TV box's clock says.
      const now = Date.parse(snapshot.now);
      calls.filter((call) => !state.seen.has(call.key) &&
                             now - Date.parse(call.at) <= MISSED_MAX_AGE_MS)
        .reverse().forEach(announce);
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

  const called = (payload) => {
    stats.calls += 1;
    const call = keyed(payload);
    remember(state.seen, call.key);
    state.recent = [call, ...state.recent.filter((c) => c.code !== call.code)]
      .slice(0, RECENT_KEEP);
    view.counterCalled(call);
    view.setRecent(state.recent);
    announce(call);
  };

  const live = connectLive({
    auth: { display: displayId, token },
    events: {
      ticket_called: called,
      counter_changed: (payload) => view.updateCounter(payload),
      queue_changed: (payload) => view.updateWaiting(payload.agency, payload.agency_waiting),
      running_text: (payload) => view.setRunningText(payload.text),
      // Said once, when it is sent; no snapshot repeats it.
      announcement: {
        draw: (payload) => announcer.offerNotice({
          key: `notice@${payload.event_id}`, said: payload.said, text: payload.text }),
        inSnapshot: false,
      },
    },
    onSnapshot: applySnapshot,
    onStatus: (status) => view.setOnline(status === "online"),
    onRefused: (message) => {
      // A bad token, or the server could not take us yet: either way keep trying, as a
      // new token or a server back on its feet must find the screen waiting.
      if (/^unauthorized/.test(message)) view.showSetup("invalid");
      return true;
    },
  });
  api.live = live;
  api.socket = live.socket;

  if (config.show_ikm) {
    // Loaded only by a display set to show the hall's satisfaction index (docs/skm.md).
    import("./ikm.js").then(({ showIkm }) => showIkm({ displayId, token,
      brand: document.querySelector(".brand"), language: words.lang }));
  }

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
