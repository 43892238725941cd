// The hall's clock on a TV box whose own clock may be wrong: the server's time is the truth
// (from the page and each snapshot), shown in the hall's time zone.

import { ServerTime } from "/static/shared/servertime.js";

const TIME_PARTS = ["hour", "minute", "second"];

export class Clock extends ServerTime {
  constructor(serverNowMs, timeZone, locale = "id-ID") {
    super(serverNowMs);
    this.timeFormat = new Intl.DateTimeFormat(locale, {
      timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
    this.dateFormat = new Intl.DateTimeFormat(locale, {
      timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric",
    });
    this.timer = null;
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
