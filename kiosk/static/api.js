// The kiosk's ticket API (its live connection is the shared /static/shared/live.js). Nothing
// here draws; kiosk.js is told what happened.

const ISSUE_TIMEOUT_MS = 10000;

/**
 * Ask for a ticket. Resolves to {ok: true, ticket} or {ok: false, status, code, message};
 * rejects only when the server could not be reached.
 */
export async function issueTicket({ token, language, service, reason }) {
  const answer = await fetch(`/api/v1/tickets?lang=${language}`, {
    method: "POST",
    headers: {
      "Authorization": `Bearer ${token}`,
      "Content-Type": "application/json",
      "Accept-Language": language,
    },
    body: JSON.stringify({
      service, priority: reason !== null, priority_reason: reason, channel: "kiosk",
    }),
    credentials: "omit",
    signal: AbortSignal.timeout(ISSUE_TIMEOUT_MS),
  });
  const body = await answer.json().catch(() => null);
  if (answer.status === 201 && body) return { ok: true, ticket: body };
  const error = (body && body.error) || {};
  return { ok: false, status: answer.status, code: error.code || "http_error",
           message: error.message || answer.statusText };
}
