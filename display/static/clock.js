// The hall's clock on a TV box whose own clock may be wrong: the server's time is the truth,
// the box keeps only the offset to it (from the page and each snapshot).

const TIME_PARTS = ["hour", "minute", "second"];

export class Clock {
  constructor(serverNowMs, timeZone) {
    this.offset = Number.isFinite(serverNowMs) ? serverNowMs - Date.now() : 0;
    this.timeFormat = new Intl.DateTimeFormat("id-ID", {
      timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    this.dateFormat = new Intl.DateTimeFormat("id-ID", {
      timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric",
    });
    this.timer = null;
  }

  /** Take the server's time from an ISO string (a snapshot's `now`). */
  sync(iso) {
    const at = Date.parse(iso);
    if (Number.isFinite(at)) this.offset = at - Date.now();
  }

  now() {
    return Date.now() + this.offset;
  }

  time(ms = this.now()) {
    const parts = {};
    for (const part of this.timeFormat.formatToParts(ms)) parts[part.type] = part.value;
    return TIME_PARTS.map((name) => parts[name] ?? "--").join(":");
  }

  date(ms = this.now()) {
    return this.dateFormat.format(ms);
  }

  /** Call `show(clock)` every second, on the second. */
  start(show) {
    const tick = () => {
      show(this);
      this.timer = setTimeout(tick, 1000 - (this.now() % 1000) + 5);
    };
    tick();
  }
}
