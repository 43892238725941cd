// The kiosk's two lines to the server: its Socket.IO connection (the services, live) and the
// ticket API. Nothing here draws; kiosk.js is told what happened.

const REFRESH_MS = 60000;  // services open and close by the clock too, which no event announces
const ISSUE_TIMEOUT_MS = 10000;

/**
 * Connect the kiosk's socket. `on` receives: snapshot(data), queue(event), print(event) and
 * status("online" | "offline" | "unauthorized").
 */
export function connectKiosk({ kioskId, token, language, on }) {
  // eslint-disable-next-line no-undef -- the Socket.IO client is a classic script (/vendor)
  const socket = io({
    auth: { kiosk: kioskId, token, language },
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    timeout: 5000,
  });
  let lastSeq = null;

  // Every event to the kiosk's room carries the room's `seq`: a gap means one was missed, and
  // a fresh snapshot puts the screen right. One already inside the last snapshot is skipped.
  function inOrder(event) {
    if (typeof event.seq !== "number" || lastSeq === null) return true;
    if (event.seq <= lastSeq) return false;
    if (event.seq > lastSeq + 1) socket.emit("snapshot", { language: socket.auth.language });
    lastSeq = event.seq;
    return true;
  }

  socket.on("snapshot", (data) => {
    lastSeq = typeof data.seq === "number" ? data.seq : null;
    on.snapshot(data);
    on.status("online");
  });
  socket.on("queue_changed", (event) => { if (inOrder(event)) on.queue(event); });
  socket.on("print_status", (event) => {
    inOrder(event);
    on.print(event);  // always applied: no snapshot repeats a print result
  });
  socket.on("disconnect", (reason) => {
    lastSeq = null;
    on.status("offline");
    // The server closed this connection on purpose (its kiosk changed): come back to it.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 3000);
  });
  socket.on("connect_error", (error) => {
    if (/^unauthorized/.test(error.message || "")) {
      on.status("unauthorized");
      return;
    }
    on.status("offline");
    // A refusal by the server itself ("unavailable") is not retried by the client: we do.
    if (!socket.active) setTimeout(() => socket.connect(), 3000);
  });

  setInterval(() => {
    if (socket.connected) socket.emit("snapshot", { language: socket.auth.language });
  }, REFRESH_MS);

  return {
    setLanguage(language) {
      socket.auth.language = language;
      if (socket.connected) socket.emit("snapshot", { language });
    },
    refresh() {
      if (socket.connected) socket.emit("snapshot", { language: socket.auth.language });
    },
    get connected() { return socket.connected; },
  };
}

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
