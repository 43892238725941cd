// The kiosk's ticket API (its live connection is the shared /static/shared/live.js). Nothing
// here draws; kiosk.js is told what happened.

const TIMEOUT_MS = 10000;

/**
 * POST as the kiosk. Resolves to {ok: true, status, body} or {ok: false, status, code,
 * message}; rejects only when the server could not be reached.
 */
async function post(path, { token, language, body }) {
  const answer = await fetch(`/api/v1${path}?lang=${language}`, {
    method: "POST",
    headers: {
      "Authorization": `Bearer ${token}`,
      "Content-Type": "application/json",
      "Accept-Language": language,
    },
    body: JSON.stringify(body),
    credentials: "omit",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const data = await answer.json().catch(() => null);
  if (answer.ok && data) return { ok: true, status: answer.status, body: data };
  const error = (data && data.error) || {};
  return { ok: false, status: answer.status, code: error.code || "http_error",
           message: error.message || answer.statusText };
}

/** Ask for a ticket: {ok: true, ticket} or a refusal. */
export async function issueTicket({ token, language, service, reason }) {
  const answer = await post("/tickets", {
    token, language,
    body: { service, priority: reason !== null, priority_reason: reason, channel: "kiosk" },
  });
  return answer.ok ? { ok: true, ticket: answer.body } : answer;
}

/**
 * Check a booked ticket in by its tracking token or booking code: {ok: true, ticket} (the
 * ticket as an issue's answer, its print job sent, and `place_kept`) or a refusal.
 */
export async function checkInTicket({ token, language, key }) {
  const answer = await post(`/tickets/${encodeURIComponent(key)}/check-in`,
    { token, language, body: {} });
  return answer.ok ? { ok: true, ticket: answer.body.ticket } : answer;
}
