// What the hall sees. Every element is made once (or once per snapshot for the counters and
// agencies) and then only updated, so a day of calls neither grows the page nor leaks.

import { $, h, setText } from "/static/shared/dom.js";
import { WORDS } from "./wordlist.js";

export const RECENT_SLOTS = 3; // three wide enough for a code at the readable size
export const PAGE_MS = 8000; // counters and agencies that do not fit turn a page this often
export const ANNOUNCEMENT_MS = 30000; // an announcement's banner stays this long after it is said
const LONG_ANNOUNCEMENT = 90; // characters; a longer text is set at the readable size
// The share of a cell its smallest text takes (display.css): a cell is never smaller than
// the readable size (--read) divided by it.
const TILE_TEXT = 0.3;
const CHIP_TEXT = 0.32;

const STATE_WORDS = new Set(["break", "closed"]); // a counter state with words of its own

/** Black or white, whichever reads better on this agency colour. */
function inkFor(colour) {
  const match = /^#?([0-9a-f]{6})$/i.exec(colour || "");
  if (!match) return "#fff";
  const n = parseInt(match[1], 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 160 ? "#111" : "#fff";
}

/** Shrink a one-line element's font until it fits (never grows past the CSS size). An
 *  inline-block is measured against its parent's content box, a block against itself. */
function fitText(node) {
  node.style.fontSize = "";
  const inline = getComputedStyle(node).display.startsWith("inline");
  const box = inline ? node.parentElement : node;
  const style = getComputedStyle(box);
  const padding = inline ? parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) : 0;
  const room = box.clientWidth - padding;
  const need = node.scrollWidth;
  if (room > 0 && need > room) {
    const size = parseFloat(getComputedStyle(node).fontSize);
    node.style.fontSize = `${Math.floor((size * room) / need * 0.97)}px`;
  }
}

/** The smallest text a visitor must read, in pixels: display.css's --read, 4.5 --u, where
 *  --u is min(1vh, 0.5625vw). */
function readable() {
  return 4.5 * Math.min(window.innerHeight / 100, (window.innerWidth * 0.5625) / 100);
}

/** How many cells of this aspect, each at least `minCell` high, the container holds. */
function capacity(container, aspect, minCell) {
  const width = container.clientWidth;
  const height = container.clientHeight;
  const gap = parseFloat(getComputedStyle(container).columnGap) || 0;
  const rows = Math.max(1, Math.floor((height + gap) / (minCell + gap)));
  const cols = Math.max(1, Math.floor((width + gap) / (minCell * aspect + gap)));
  return rows * cols;
}

/** Show page `page` of `items` (those `wanted`), `size` at a time; the others are hidden.
 *  Returns the number of pages. */
function showPage(items, wanted, size, page) {
  const shown = items.filter(wanted);
  const pages = Math.max(1, Math.ceil(shown.length / size));
  const first = (page % pages) * size;
  const onPage = new Set(shown.slice(first, first + size));
  for (const item of items) item.hidden = !onPage.has(item);
  return pages;
}

/** The column count that makes `count` cells of this aspect (width/height) largest. */
function fitGrid(container, count, aspect) {
  const width = container.clientWidth;
  const height = container.clientHeight;
  const gap = parseFloat(getComputedStyle(container).columnGap) || 0;
  let best = { cols: 1, rows: 1, cell: 0 };
  for (let cols = 1; cols <= Math.max(1, count); cols += 1) {
    const rows = Math.ceil(count / cols) || 1;
    const w = (width - gap * (cols - 1)) / cols;
    const h = (height - gap * (rows - 1)) / rows;
    const cell = Math.min(w / aspect, h);
    if (cell > best.cell) best = { cols, rows, cell };
  }
  container.style.setProperty("--cols", best.cols);
  container.style.setProperty("--rows", best.rows);
  container.style.setProperty("--cell", `${Math.max(0, best.cell)}px`);
}

export class View {
  constructor(config, t) {
    this.config = config;
    this.t = t;
    this.$ = $;
    this.agencies = new Map(); // code -> {short_name, colour}
    this.tiles = new Map(); // counter id -> {root, code, state}
    this.chips = new Map(); // agency code -> {root, count}
    this.flashTimers = new Map(); // counter id -> timer
    this.nowTimer = null;
    this.shown = null; // the call in the big panel
    this.tickerText = null;
    this.recentSlots = [];
    const list = this.$("recent");
    for (let i = 0; i < RECENT_SLOTS; i += 1) {
      const item = h("li", { class: "call empty" });
      const code = h("span", { class: "call-code" });
      const where = h("span", { class: "call-counter" });
      item.append(code, where);
      list.append(item);
      this.recentSlots.push({ item, code, where });
    }
    this.page = 0; // turned every PAGE_MS; each grid shows page % its own page count
    this.pager = setInterval(() => {
      this.page += 1;
      this.fitCounters();
      this.fitWaiting();
    }, PAGE_MS);
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => this.fit(), 150);
    });
  }

  // --- the frame ---------------------------------------------------------------------------

  setSite(snapshot) {
    this.siteName = snapshot.site?.name || this.config.site.name;
    setText(this.$("site-name"), this.siteName);
    setText(this.$("display-name"), snapshot.display?.name || this.config.display.name);
    this.setRunningText(snapshot.running_text);
  }

  /** The display's running text (its own or the hall's); empty: the welcome. */
  setRunningText(text) {
    this.setTicker((text || "").trim() ||
      this.t("welcome", { site: this.siteName || this.config.site.name }));
  }

  setTicker(text) {
    if (text === this.tickerText) return;
    this.tickerText = text;
    const run = this.$("ticker");
    run.textContent = text;
    this.runTicker();
  }

  runTicker() {
    const run = this.$("ticker");
    const box = run.parentElement;
    const distance = box.clientWidth + run.scrollWidth;
    const speed = Math.max(60, window.innerWidth * 0.06); // px per second
    run.style.setProperty("--from", `${box.clientWidth}px`);
    run.style.setProperty("--to", `${-run.scrollWidth}px`);
    run.style.animation = "none";
    void run.offsetWidth; // restart the animation from the right edge
    run.style.animation = `ticker ${Math.max(8, distance / speed)}s linear infinite`;
  }

  setClock(clock) {
    setText(this.$("clock-time"), clock.time());
    setText(this.$("clock-date"), clock.date());
  }

  setOnline(online) {
    document.body.dataset.online = online ? "true" : "false";
  }

  showSetup(reason) {
    const box = this.$("setup");
    if (reason === "invalid") {
      setText(this.$("setup-title"), this.t("token_refused_title"));
      setText(this.$("setup-text"), this.t("token_refused_text"));
    }
    box.hidden = false;
  }

  /** The whole hall closed today: {id, en} says why and when it opens, or null. */
  setClosed(closed) {
    this.closed = closed;
    this.fitCounters();
  }

  /** One notice in the counters panel: the hall closed today, or no counter open yet. */
  showNotice(notice) {
    this.$("closed-notice").hidden = !notice;
    document.body.classList.toggle("hall-closed", Boolean(notice));
    setText(this.$("closed-id"), notice?.id || "");
    setText(this.$("closed-en"), notice?.en || "");
  }

  hideSetup() {
    this.$("setup").hidden = true;
  }

  /** A hall announcement's text: a banner over the lower panels, kept ANNOUNCEMENT_MS. */
  showAnnouncement(text) {
    const box = this.$("announcement");
    setText(this.$("announcement-text"), text);
    box.classList.toggle("long", text.length > LONG_ANNOUNCEMENT);
    box.hidden = false;
    clearTimeout(this.announcementTimer);
    this.announcementTimer = setTimeout(() => { box.hidden = true; }, ANNOUNCEMENT_MS);
  }

  setSoundBlocked(blocked) {
    this.$("sound-off").hidden = !blocked;
  }

  // --- the call in progress ----------------------------------------------------------------

  showCall(call, highlight) {
    if (call && highlight && this.highlighted && this.shown?.key === call.key) return;
    this.shown = call;
    const now = this.$("now");
    const code = this.$("now-code");
    if (!call) {
      now.dataset.state = "empty";
      setText(code, "–");
      code.dataset.code = "";
      setText(this.$("now-counter"), "\u00a0");
      setText(this.$("now-agency-name"), this.t("no_call"));
      now.style.removeProperty("--agency");
      now.style.removeProperty("--agency-ink");
      return;
    }
    setText(code, call.code);
    code.dataset.code = call.code;
    code.dataset.key = call.key;
    setText(this.$("now-counter"),
      call.counter?.name || this.t("counter_n", { n: call.counter?.number ?? "" }));
    const agency = call.agency || {};
    const service = call.service?.name ? ` · ${call.service.name}` : "";
    setText(this.$("now-agency-name"), `${agency.short_name || agency.code || ""}${service}`);
    now.style.setProperty("--agency", agency.colour || "#1f6feb");
    now.style.setProperty("--agency-ink", inkFor(agency.colour));
    now.classList.toggle("recall", Boolean(call.recall));
    fitText(code);
    fitText(this.$("now-counter"));
    clearTimeout(this.nowTimer);
    if (highlight) {
      now.dataset.state = "flash";
      // Re-trigger the CSS animation for a second call in a row.
      now.classList.remove("pulse");
      void now.offsetWidth;
      now.classList.add("pulse");
      this.nowTimer = setTimeout(() => {
        now.dataset.state = "shown";
        now.classList.remove("pulse");
      }, this.config.highlight_s * 1000);
    } else {
      now.dataset.state = "shown";
    }
  }

  get highlighted() {
    return this.$("now").dataset.state === "flash";
  }

  // --- recent calls ------------------------------------------------------------------------

  /** `calls`: newest first, one per ticket. The one in the big panel is not repeated. */
  setRecent(calls) {
    const shownCode = this.shown?.code;
    const rest = calls.filter((call) => call.code !== shownCode).slice(0, RECENT_SLOTS);
    this.recentSlots.forEach((slot, index) => {
      const call = rest[index];
      slot.item.classList.toggle("empty", !call);
      slot.item.dataset.code = call ? call.code : "";
      setText(slot.code, call ? call.code : "");
      setText(slot.where, call ? (call.counter?.name || "") : "");
      slot.item.style.setProperty("--agency", call?.agency?.colour || "transparent");
      if (call) fitText(slot.code);
    });
  }

  // --- counters ----------------------------------------------------------------------------

  setCounters(summaries) {
    const ids = summaries.map((s) => s.id).join("|");
    if (ids !== this.counterIds) {
      this.counterIds = ids;
      for (const timer of this.flashTimers.values()) clearTimeout(timer);
      this.flashTimers.clear();
      this.tiles.clear();
      const box = this.$("counters");
      box.replaceChildren();
      for (const summary of summaries) {
        const root = h("div", { class: "tile" });
        root.dataset.counter = summary.id;
        const name = h("div", { class: "tile-name", text: summary.name });
        const code = h("div", { class: "tile-code" });
        root.append(name, code);
        box.append(root);
        this.tiles.set(summary.id, { root, name, code });
      }
      this.fitCounters();
    }
    for (const summary of summaries) this.updateCounter(summary);
  }

  updateCounter(summary) {
    const tile = this.tiles.get(summary.id);
    if (!tile) return;
    const agency = this.agencies.get(summary.agency);
    tile.root.style.setProperty("--agency", agency?.colour || "#1f6feb");
    tile.root.dataset.state = summary.state;
    tile.root.dataset.status = summary.current_status || "";
    setText(tile.name, summary.name);
    const idle = STATE_WORDS.has(summary.state) ? this.t(summary.state) : "–";
    setText(tile.code, summary.current || idle);
    tile.root.classList.toggle("idle", !summary.current);
    const shown = summary.state !== "closed" || Boolean(summary.current);
    if (tile.shown !== shown) {
      tile.shown = shown;
      this.fitCounters();
    }
  }

  /** A counter just called: its tile shows the code at once and flashes. */
  counterCalled(call) {
    const tile = this.tiles.get(call.counter?.id);
    if (!tile) return;
    setText(tile.code, call.code);
    tile.root.classList.remove("idle");
    tile.root.dataset.status = "called";
    if (!tile.shown) {
      tile.shown = true;
      this.fitCounters();
    }
    tile.root.classList.remove("flash");
    void tile.root.offsetWidth;
    tile.root.classList.add("flash");
    clearTimeout(this.flashTimers.get(call.counter.id));
    this.flashTimers.set(call.counter.id, setTimeout(() => {
      tile.root.classList.remove("flash");
      this.flashTimers.delete(call.counter.id);
    }, this.config.highlight_s * 1000));
  }

  /** Open counters only (a closed one without a ticket tells the hall nothing), as many as
   *  fit at the readable size; the rest on the next pages. */
  fitCounters() {
    const box = this.$("counters");
    const tiles = [...this.tiles.values()];
    for (const tile of tiles) tile.root.hidden = false;
    const wanted = tiles.filter((tile) => tile.shown !== false);
    const none = wanted.length === 0 && tiles.length > 0;
    this.showNotice(this.closed ||
      (none ? { id: WORDS.id.no_counter_open, en: WORDS.en.no_counter_open } : null));
    const size = capacity(box, 1.9, readable() / TILE_TEXT);
    fitGrid(box, Math.min(wanted.length, size), 1.9);
    showPage(tiles.map((tile) => tile.root), (root) => wanted.some((t) => t.root === root),
      size, this.page);
  }

  // --- waiting per agency ------------------------------------------------------------------

  setWaiting(rows) {
    this.agencies.clear();
    for (const row of rows) this.agencies.set(row.code, row);
    const codes = rows.map((r) => r.code).join("|");
    if (codes !== this.waitingCodes) {
      this.waitingCodes = codes;
      this.chips.clear();
      const box = this.$("waiting");
      box.replaceChildren();
      for (const row of rows) {
        const root = h("div", { class: "chip" });
        root.dataset.agency = row.code;
        const name = h("span", { class: "chip-name", text: row.short_name });
        const count = h("span", { class: "chip-count" });
        root.append(name, count);
        box.append(root);
        this.chips.set(row.code, { root, name, count });
      }
      this.fitWaiting();
    }
    for (const row of rows) this.updateWaiting(row.code, row.waiting);
  }

  updateWaiting(code, waiting) {
    const chip = this.chips.get(code);
    if (!chip) return;
    const agency = this.agencies.get(code);
    chip.root.style.setProperty("--agency", agency?.colour || "#1f6feb");
    chip.root.style.setProperty("--agency-ink", inkFor(agency?.colour));
    setText(chip.count, String(waiting ?? 0));
    chip.root.classList.toggle("none", !waiting);
    if (chip.waiting !== Boolean(waiting)) {
      chip.waiting = Boolean(waiting);
      this.fitWaiting();
    }
  }

  /** Agencies with someone waiting, as many as fit at the readable size; paged. */
  fitWaiting() {
    const box = this.$("waiting");
    const chips = [...this.chips.values()];
    for (const chip of chips) chip.root.hidden = false;
    const wanted = new Set(chips.filter((chip) => chip.waiting).map((chip) => chip.root));
    const size = capacity(box, 2.8, readable() / CHIP_TEXT);
    fitGrid(box, Math.min(wanted.size, size), 2.8);
    showPage(chips.map((chip) => chip.root), (root) => wanted.has(root), size, this.page);
  }

  fit() {
    this.fitCounters();
    this.fitWaiting();
    if (this.shown) {
      fitText(this.$("now-code"));
      fitText(this.$("now-counter"));
    }
    for (const slot of this.recentSlots) fitText(slot.code);
    this.runTicker();
  }
}
