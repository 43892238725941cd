// The JSON API as the console and overview use it: the CSRF token, the page's language, and
// signing in again when the session ended under an open page.
import { lang, t } from "./page.js";

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
