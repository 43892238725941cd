// The server's time on a machine whose own clock may be wrong (a TV box that never got the
// time, a PC running a training day): only the offset to the server is kept.

export class ServerTime {
  /** `serverNowMs`: the server's time when the page was made, if the page says it. */
  constructor(serverNowMs = null) {
    this.offset = Number.isFinite(serverNowMs) ? serverNowMs - Date.now() : 0;
  }

  /** Take the server's time from an ISO string (a snapshot's or an answer's `now`). */
  sync(iso) {
    const at = Date.parse(iso);
    if (Number.isFinite(at)) this.offset = at - Date.now();
  }

  /** Milliseconds since the epoch, by the server's clock. */
  now() {
    return Date.now() + this.offset;
  }
}
