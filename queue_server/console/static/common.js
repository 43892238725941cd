// What both pages share: the API client (CSRF, sign-in again), the sign-in form, the live
// connection with its sequence numbers, messages and time helpers.
import { applyWords, lang, setLang, t } from "./i18n.js";

export { t, lang };

export const config = JSON.parse(document.getElementById("page-config").textContent);
export const $ = (id) => document.getElementById(id);

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const api = {
  csrf: null,
  // Set by the page: resolves true once the user signed in again after a 401.
  onUnauthorized: null,

  async token() {
    const answer = await fetch("/api/v1/auth/csrf", { credentials: "same-origin" });
    this.csrf = (await answer.json()).csrf_token;
  },

  async request(method, path, body, { retry = true } = {}) {
    const url = `${path}${path.includes("?") ? "&" : "?"}lang=${lang()}`;
    const headers = { Accept: "application/json" };
    const write = method !== "GET";
    if (write) {
      if (!this.csrf) await this.token();
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = this.csrf;
    }
    let answer;
    try {
      answer = await fetch(url, {
        method, headers, credentials: "same-origin",
        body: write ? JSON.stringify(body || {}) : undefined,
      });
    } catch {
      throw new ApiError(0, "network", t("msg.network"));
    }
    if (answer.status === 204) return null;
    let data = null;
    try {
      data = await answer.json();
    } catch {
      data = null;
    }
    if (answer.ok) return data;
    const error = new ApiError(answer.status, data?.error?.code || `http_${answer.status}`,
      data?.error?.message || answer.statusText);
    if (retry && error.code === "csrf_failed") {
      await this.token();
      return this.request(method, path, body, { retry: false });
    }
    if (retry && error.status === 401 && this.onUnauthorized && !path.startsWith("/api/v1/auth/")) {
      // Nothing was done (a 401 changes nothing), so the same request is safe to repeat.
      if (await this.onUnauthorized()) return this.request(method, path, body, { retry: false });
    }
    throw error;
  },

  get(path) { return this.request("GET", path); },
  // Fire and forget, and still sent while the page unloads.
  beacon(path) {
    if (!this.csrf) return;
    fetch(path, {
      method: "POST", keepalive: true, credentials: "same-origin", body: "{}",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
    }).catch(() => {});
  },
  post(path, body) { return this.request("POST", path, body); },
  put(path, body) { return this.request("PUT", path, body); },

  async me() {
    try {
      return await this.request("GET", "/api/v1/auth/me", null, { retry: false });
    } catch (error) {
      if (error.status === 401) return null;
      throw error;
    }
  },

  async login(username, password) {
    await this.token();
    const out = await this.request("POST", "/api/v1/auth/login", { username, password },
      { retry: false });
    this.csrf = out.csrf_token;
    return out.user;
  },

  async logout() {
    try {
      await this.request("POST", "/api/v1/auth/logout", {}, { retry: false });
    } catch {
      // already signed out
    }
    this.csrf = null;
  },
};

// --- Views and messages -------------------------------------------------------------------

export function show(view) {
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll("main > .view")) {
    section.hidden = section.id !== `${view}-view`;
  }
}

let toastTimer = null;
export function toast(text, kind = "info") {
  const el = $("toast");
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === "error" ? 8000 : 4000);
}

const LIVE_WORDS = { on: "live.on", lost: "live.lost", off: "live.off" };

function showLive(state) {
  $("live").dataset.state = state;
  $("live-text").textContent = t(LIVE_WORDS[state] || "live.off");
}

export function setupLanguage(onChange) {
  const button = $("lang");
  const label = () => {
    button.textContent = t("lang.switch");
    button.lang = lang() === "id" ? "en" : "id";
    showLive($("live").dataset.state);
  };
  label();
  applyWords();
  button.addEventListener("click", () => {
    setLang(lang() === "id" ? "en" : "id");
    label();
    onChange?.();
  });
}

// --- Signing in ---------------------------------------------------------------------------

async function submitSignIn(userField, passField, errorField) {
  errorField.textContent = "";
  const username = userField.value.trim();
  const password = passField.value;
  if (!username || !password) {
    errorField.textContent = t("signin.missing");
    (username ? passField : userField).focus();
    return null;
  }
  try {
    const user = await api.login(username, password);
    passField.value = "";
    return user;
  } catch (error) {
    errorField.textContent = error.message;
    passField.select();
    passField.focus();
    return null;
  }
}

export function signInView(onSignedIn) {
  show("signin");
  const form = $("signin-form");
  const user = $("signin-username");
  setTimeout(() => user.focus(), 0);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const signedIn = await submitSignIn(user, $("signin-password"), $("signin-error"));
    if (signedIn) onSignedIn(signedIn);
  };
}

let reauthPending = null;
// The session ended under an open page: ask for the password in a dialog over the page, so
// the counter, its ticket and the page's state stay where they are.
export function askSignInAgain(text, lastUsername, onSignedIn) {
  if (reauthPending) return reauthPending;
  const dialog = $("reauth-dialog");
  $("reauth-text").textContent = text;
  $("reauth-error").textContent = "";
  const user = $("reauth-username");
  user.value = lastUsername || "";
  reauthPending = new Promise((resolve) => {
    $("reauth-form").onsubmit = async (event) => {
      event.preventDefault();
      const signedIn = await submitSignIn(user, $("reauth-password"), $("reauth-error"));
      if (!signedIn) return;
      dialog.close();
      reauthPending = null;
      await onSignedIn?.(signedIn);
      resolve(true);
    };
    // The session is gone: there is nothing to go back to but signing in.
    dialog.oncancel = (event) => event.preventDefault();
  });
  dialog.showModal();
  (user.value ? $("reauth-password") : user).focus();
  return reauthPending;
}

// --- Live connection ----------------------------------------------------------------------

const EVENTS = ["queue_changed", "counter_changed", "ticket_called", "ticket_changed",
  "printer_changed"];

// A Socket.IO connection that checks each room's seq: a gap asks for a fresh snapshot; an
// event sent to several of this connection's rooms is handled once.
export function connectLive({ auth, onConnect, onSnapshot, onEvent, onRefused }) {
  const status = showLive;
  if (typeof io !== "function") {
    status("off");
    return null;
  }
  const socket = io({ auth: { ...auth, language: lang() } });
  let seqs = {};
  const seen = new Set();
  socket.on("connect", () => {
    status("on");
    onConnect?.();
  });
  socket.on("disconnect", () => status("lost"));
  socket.on("connect_error", (error) => {
    status("lost");
    // Refused by the server (not a network failure): the client will not retry by itself.
    if (!socket.active) onRefused?.(String(error?.message || ""));
  });
  socket.on("snapshot", (snapshot) => {
    seqs = { ...(snapshot.seqs || {}) };
    onSnapshot?.(snapshot);
  });
  for (const name of EVENTS) {
    socket.on(name, (payload) => {
      const room = payload.room;
      const last = seqs[room];
      if (last !== undefined && payload.seq > last + 1) socket.emit("snapshot");
      seqs[room] = Math.max(last || 0, payload.seq || 0);
      if (payload.event_id) {
        if (seen.has(payload.event_id)) return;
        if (seen.size > 500) seen.clear();
        seen.add(payload.event_id);
      }
      onEvent?.(name, payload);
    });
  }
  return socket;
}

// --- Time ---------------------------------------------------------------------------------

// The server's clock may differ from this PC's (or run from a training start time): timers
// follow the server, by the offset seen in its answers.
let offsetMs = 0;
export function syncClock(serverIso) {
  if (serverIso) offsetMs = Date.parse(serverIso) - Date.now();
}
export function serverNow() {
  return Date.now() + offsetMs;
}
export function minutesSince(iso) {
  return iso ? Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000)) : 0;
}
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
export function timeOfDay(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "id-ID", {
    hour: "2-digit", minute: "2-digit", timeZone: config.timezone,
  }).format(new Date(iso));
}
export function minutes(n) {
  return t("minutes", { n });
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
