// What both report pages share: words, the API (GET only, plus signing in), the page's
// views, the range in the address bar, and the dates of the presets.
import { $ } from "/static/shared/dom.js";
import { makeWords } from "/static/shared/words.js";
import { WORDS } from "./reports-words.js";

export const config = JSON.parse($("page-config").textContent);
export const words = makeWords(WORDS, { remember: "antre.lang" });
export const t = (key, params) => words.t(key, params);

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body, csrf) {
  const url = `${path}${path.includes("?") ? "&" : "?"}lang=${words.lang}`;
  const headers = { Accept: "application/json" };
  if (method !== "GET") Object.assign(headers, { "Content-Type": "application/json", "X-CSRFToken": csrf });
  let answer;
  try {
    answer = await fetch(url, { method, headers, credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw new ApiError(0, "network", t("msg.network"));
  }
  if (answer.status === 204) return null;
  const data = await answer.json().catch(() => null);
  if (answer.ok) return data;
  throw new ApiError(answer.status, data?.error?.code || `http_${answer.status}`,
    data?.error?.message || answer.statusText);
}

export const api = {
  get: (path) => call("GET", path),
  async me() {
    try {
      return await call("GET", "/api/v1/auth/me");
    } catch (error) {
      if (error.status === 401) return null;
      throw error;
    }
  },
  async login(username, password) {
    const { csrf_token: csrf } = await call("GET", "/api/v1/auth/csrf");
    return (await call("POST", "/api/v1/auth/login", { username, password }, csrf)).user;
  },
  async logout() {
    const { csrf_token: csrf } = await call("GET", "/api/v1/auth/csrf");
    await call("POST", "/api/v1/auth/logout", {}, csrf).catch(() => {});
  },
};

export function show(view) {
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll("main > .view")) {
    section.hidden = section.id !== `${view}-view`;
  }
}

export function showError(error) {
  const box = $("report-error");
  box.hidden = !error;
  box.textContent = error ? error.message : "";
}

/** The sign-in view until a supervisor or administrator is signed in; then `onReady(user)`. */
export async function signedIn(onReady) {
  const user = await api.me().catch(() => null);
  if (user) return ready(user, onReady);
  show("signin");
  const form = $("signin-form");
  setTimeout(() => $("signin-username").focus(), 0);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const name = $("signin-username").value.trim();
    const password = $("signin-password").value;
    $("signin-error").textContent = "";
    if (!name || !password) {
      $("signin-error").textContent = t("signin.missing");
      return;
    }
    try {
      const signed = await api.login(name, password);
      $("signin-password").value = "";
      ready(signed, onReady);
    } catch (error) {
      $("signin-error").textContent = error.message;
    }
  };
  return null;
}

function ready(user, onReady) {
  $("signout").hidden = false;
  $("where").textContent = user.name;
  $("signout").onclick = async () => {
    await api.logout();
    window.location.reload();
  };
  show("report");
  if (user.role === "officer") {
    showError(new Error(t("rep.forbidden")));
    return user;
  }
  onReady(user);
  return user;
}

/** The language button; `onChange` redraws what the page wrote itself. */
export function setupLanguage(onChange) {
  const button = $("lang");
  const label = () => {
    button.textContent = t("lang.switch");
    button.lang = words.other;
    $("live").hidden = true;
  };
  words.apply();
  label();
  button.addEventListener("click", () => {
    words.set(words.other);
    words.apply();
    label();
    onChange?.();
  });
}

// --- dates: strings YYYY-MM-DD, computed without the browser's time zone -----------------

const pad = (n) => String(n).padStart(2, "0");
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const parse = (text) => new Date(`${text}T00:00:00Z`);

/** The range of a preset, from the hall's today (site-local, given by the server). */
export function presetRange(name, today = config.today) {
  const day = parse(today);
  if (name === "today") return [today, today];
  if (name === "week") {
    const monday = new Date(day);
    monday.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
    return [iso(monday), today];
  }
  const first = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
  if (name === "month") return [iso(first), today];
  const lastOfPrevious = new Date(first);
  lastOfPrevious.setUTCDate(0);
  const firstOfPrevious = new Date(Date.UTC(lastOfPrevious.getUTCFullYear(),
    lastOfPrevious.getUTCMonth(), 1));
  return [iso(firstOfPrevious), iso(lastOfPrevious)];
}

/** The range asked for in the address bar (?from&to&by), else this month. */
export function rangeFromAddress(defaultBy = "agency") {
  const query = new URLSearchParams(window.location.search);
  const [first, last] = presetRange("month");
  return { from: query.get("from") || first, to: query.get("to") || last,
    by: query.get("by") || defaultBy };
}

export function query(range, extra = {}) {
  return new URLSearchParams({ from: range.from, to: range.to, ...extra }).toString();
}
