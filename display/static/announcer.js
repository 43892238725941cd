// The announcement queue: each call, and each announcement of the hall ("Pengumuman: ..."),
// is the chime, then the voice; they wait their turn and never overlap (an announcement never
// cuts a call, nor a call an announcement); each is said at most once even when several tabs
// show the same display.

const CLAIM_MS = 150; // tabs of one display compare claims for this long before one speaks
const GAP_MS = 400; // silence between two announcements
const MAX_PENDING = 20; // a longer line drops its oldest: they are on the screen anyway
const MAX_AGE_MS = 120000; // a call that waited this long for its turn is not said any more
const VOICE_FETCH_MS = 10000;
const SPEECH_MAX_MS = 20000; // speechSynthesis sometimes never says `end`
const SAID_KEEP = 60;
const LOG_KEEP = 300;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Which tab of this display speaks a call. Tabs greet each other over a BroadcastChannel;
 *  alone, a tab speaks at once. With company, every tab claims the call, waits CLAIM_MS, and
 *  the smallest tab id wins; the winner writes the call into a shared "said" list that a
 *  latecomer tab checks too. All tabs show every call; only the winner says it. */
class Claims {
  constructor(displayId) {
    this.tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.saidKey = `antre.display.${displayId}.said`;
    this.best = new Map(); // call key -> smallest tab id heard claiming it
    this.peers = new Set(); // other tabs of this display that are open
    try {
      this.channel = new BroadcastChannel(`antre.display.${displayId}`);
      this.channel.onmessage = ({ data }) => this.hear(data || {});
      this.channel.postMessage({ type: "hello", tab: this.tab });
      window.addEventListener("pagehide", () => {
        this.channel.postMessage({ type: "bye", tab: this.tab });
      });
    } catch {
      this.channel = null; // no BroadcastChannel: the said list alone guards
    }
  }

  hear({ type, tab, key }) {
    if (typeof tab !== "string" || tab === this.tab) return;
    if (type === "bye") {
      this.peers.delete(tab);
      return;
    }
    if (!this.peers.has(tab) && this.peers.size < 50) this.peers.add(tab);
    if (type === "hello") this.channel.postMessage({ type: "here", tab: this.tab });
    if (type === "claim") this.note(key, tab);
  }

  note(key, tab) {
    const known = this.best.get(key);
    if (known === undefined || tab < known) {
      this.best.delete(key);
      this.best.set(key, tab);
      while (this.best.size > SAID_KEEP) this.best.delete(this.best.keys().next().value);
    }
  }

  said() {
    try {
      const list = JSON.parse(localStorage.getItem(this.saidKey) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  markSaid(key) {
    try {
      const list = this.said().filter((k) => k !== key);
      list.push(key);
      localStorage.setItem(this.saidKey, JSON.stringify(list.slice(-SAID_KEEP)));
    } catch {
      // storage full or blocked: the BroadcastChannel claim still decides
    }
  }

  async win(key) {
    if (this.said().includes(key)) return false;
    this.note(key, this.tab);
    if (this.peers.size) {
      this.channel.postMessage({ type: "claim", key, tab: this.tab });
      await sleep(CLAIM_MS);
      if (this.best.get(key) !== this.tab || this.said().includes(key)) return false;
    }
    this.markSaid(key);
    return true;
  }
}

/** The chime of display/chime.py, synthesised here from the same numbers. */
function chimeBuffer(context, p) {
  const rate = 22050;
  const total = p.spacing_s * (p.tones_hz.length - 1) + p.length_s;
  const mix = new Float32Array(Math.floor(total * rate));
  p.tones_hz.forEach((freq, index) => {
    const start = Math.floor(index * p.spacing_s * rate);
    const length = Math.min(Math.floor(p.length_s * rate), mix.length - start);
    const attack = Math.max(1, Math.floor(p.attack_s * rate));
    const release = Math.max(1, Math.floor(length / 10));
    const partials = p.partials.map(([mult, level]) => [(2 * Math.PI * freq * mult) / rate, level]);
    for (let i = 0; i < length; i += 1) {
      let envelope = Math.exp((-p.decay_per_s * i) / rate);
      if (i < attack) envelope *= 0.5 - 0.5 * Math.cos((Math.PI * i) / attack);
      if (i >= length - release) envelope *= (length - i) / release;
      let sample = 0;
      for (const [w, level] of partials) sample += level * Math.sin(w * i);
      mix[start + i] += envelope * sample;
    }
  });
  let loudest = 0;
  for (const v of mix) loudest = Math.max(loudest, Math.abs(v));
  const scale = loudest > 0 ? p.peak / loudest : 0;
  const buffer = context.createBuffer(1, mix.length, rate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < mix.length; i += 1) channel[i] = mix[i] * scale;
  return buffer;
}

export class Announcer {
  /**
   * engine: clips | espeak | browser | chime.
   * onShow(call, highlight): put a call in the big panel.
   * onState(state): idle | chime | voice (the page shows it in data-audio-state).
   * onBlocked(blocked): the browser will not play sound until someone touches the screen.
   * onNotice(notice): show an announcement (when it arrives, and again as it is said).
   * language: the page's (id | en); an announcement is said in it.
   */
  constructor({ displayId, engine, token, voiceUrl, noticeUrl, language, chime, onShow,
    onNotice, onState, onBlocked, onVoice }) {
    this.onVoice = onVoice || (() => {}); // (ok): a call was voiced, or its voice failed
    this.onNotice = onNotice || (() => {});
    this.engine = engine;
    this.token = token;
    this.voiceUrl = voiceUrl;
    this.noticeUrl = noticeUrl;
    this.language = language || "id";
    this.chimeParams = chime;
    this.onShow = onShow;
    this.onState = onState;
    this.onBlocked = onBlocked;
    this.claims = new Claims(displayId);
    this.pending = [];
    this.busy = false;
    this.log = [];
    this.trace = [];
    this.context = null;
    this.chime = null;
    this.browserVoice = null;
    if (engine === "browser" && "speechSynthesis" in window) {
      const pick = () => { this.browserVoice = this.findVoice(); };
      pick();
      speechSynthesis.addEventListener?.("voiceschanged", pick);
    }
  }

  record(what, key) {
    // The voice state the overview shows is the calls' (an announcement may lack a voice
    // where calls have one: a recorded clip set cannot say free text).
    const call = !key.startsWith("notice@");
    if (call && (what === "voice" || what === "novoice")) this.onVoice(what === "voice");
    const entry = `${what}:${key}`;
    this.log.push(entry);
    this.trace.push({ at: performance.now(), entry });
    if (this.log.length > LOG_KEEP) this.log.splice(0, this.log.length - LOG_KEEP);
    if (this.trace.length > LOG_KEEP) this.trace.splice(0, this.trace.length - LOG_KEEP);
  }

  /** Make the audio context and the chime now, not at the first call: on a TV box this
   *  takes a noticeable moment, which must not delay the first number on the screen. */
  prepare() {
    this.audio();
  }

  audio() {
    if (!this.context) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      this.context = new Context();
      const unlock = () => this.context.resume().then(() => this.onBlocked(false));
      window.addEventListener("pointerdown", unlock);
      window.addEventListener("keydown", unlock);
      this.chime = chimeBuffer(this.context, this.chimeParams);
    }
    if (this.context.state === "suspended") {
      this.context.resume().catch(() => {});
    }
    return this.context;
  }

  get idle() {
    return !this.busy && this.pending.length === 0;
  }

  /** A new call: said by this tab if it wins the claim, else only shown. */
  offer(call) {
    if (this.idle) this.onShow(call, true); // on the screen at once; the sound follows
    this.queue(call, () => this.onShow(call, true));
  }

  /** An announcement {key, said: {id, en}, text}: shown at once, said in its turn. */
  offerNotice(notice) {
    this.onNotice(notice);
    this.queue({ ...notice, notice: true }, () => {});
  }

  queue(item, onLost) {
    this.claims.win(item.key).then((won) => {
      if (!won) {
        onLost();
        return;
      }
      this.pending.push({ call: item, since: Date.now() });
      while (this.pending.length > MAX_PENDING) this.record("skip", this.pending.shift().call.key);
      this.pump();
    });
  }

  async pump() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.length) {
        const { call, since } = this.pending.shift();
        if (Date.now() - since > MAX_AGE_MS) {
          this.record("skip", call.key);
          continue;
        }
        try {
          await this.say(call);
        } catch (error) {
          this.record("error", call.key); // one bad call must not silence the ones after it
          console.error("announcement failed", call.key, error);
        }
        this.onState("idle");
        if (this.pending.length) await sleep(GAP_MS);
      }
    } finally {
      this.busy = false;
      this.onState("idle");
    }
  }

  async say(call) {
    const key = call.key;
    if (call.notice) this.onNotice(call);
    else this.onShow(call, true);
    // Rendered on the server while the chime rings.
    const fetching = call.notice ? this.noticeVoice(call) : this.serverVoice(call);
    fetching.catch(() => {});
    this.onState("chime");
    this.record("chime", key);
    await this.play(this.chime);
    const sentence = call.notice ? call.said?.[this.language] || call.said?.id
      : call.announcement?.speech_id || call.announcement?.id;
    // A call's words are Indonesian; an announcement is in the page's language.
    const voice = this.engine === "browser" && (call.notice && this.language !== "id"
      ? this.findVoice(this.language) : this.browserVoice);
    let spoke = false;
    if (this.engine === "browser" && sentence && voice) {
      this.onState("voice");
      this.record("voice", key);
      spoke = await this.speak(sentence, voice);
    } else if (this.engine === "espeak" || this.engine === "clips") {
      const buffer = await fetching.catch(() => null);
      if (buffer) {
        this.onState("voice");
        this.record("voice", key);
        spoke = await this.play(buffer);
      }
    }
    if (!spoke && this.engine !== "chime") this.record("novoice", key);
    this.record("done", key);
  }

  /** Play an AudioBuffer to its end (or a little past it, if the browser never says so). */
  play(buffer) {
    const context = this.audio();
    if (!context || !buffer) return Promise.resolve(false);
    this.onBlocked(context.state !== "running");
    return new Promise((resolve) => {
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      const timer = setTimeout(() => finish(false), buffer.duration * 1000 + 1500);
      const finish = (ok) => {
        clearTimeout(timer);
        source.onended = null;
        source.disconnect();
        resolve(ok);
      };
      source.onended = () => finish(true);
      source.start();
    });
  }

  serverVoice(call) {
    if (!call.announcement || !call.counter?.id) return Promise.resolve(null);
    return this.fetchVoice(`${this.voiceUrl}?code=${encodeURIComponent(call.code)}` +
      `&counter=${encodeURIComponent(call.counter.id)}`);
  }

  noticeVoice(notice) {
    if (!notice.text) return Promise.resolve(null);
    return this.fetchVoice(`${this.noticeUrl}?text=${encodeURIComponent(notice.text)}` +
      `&lang=${encodeURIComponent(this.language)}`);
  }

  async fetchVoice(url) {
    if (this.engine !== "espeak" && this.engine !== "clips") return null;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), VOICE_FETCH_MS);
    try {
      const answer = await fetch(url, {
        headers: { Authorization: `Bearer ${this.token}` }, signal: abort.signal,
      });
      if (!answer.ok) return null; // e.g. espeak-ng missing: the chime alone
      const context = this.audio();
      return context ? await context.decodeAudioData(await answer.arrayBuffer()) : null;
    } finally {
      clearTimeout(timer);
    }
  }

  findVoice(language = "id") {
    // Only a voice on this machine: a network voice fails with the internet.
    const voices = speechSynthesis.getVoices() || [];
    const tag = language === "id" ? /^(id|in)([-_]|$)/i : new RegExp(`^${language}([-_]|$)`, "i");
    return voices.find((v) => tag.test(v.lang) && v.localService) || null;
  }

  speak(text, voice) {
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = voice.lang;
      utterance.voice = voice;
      utterance.rate = 0.9;
      const timer = setTimeout(() => {
        speechSynthesis.cancel();
        finish(false);
      }, SPEECH_MAX_MS);
      const finish = (ok) => {
        clearTimeout(timer);
        utterance.onend = utterance.onerror = null;
        resolve(ok);
      };
      utterance.onend = () => finish(true);
      utterance.onerror = () => finish(false);
      speechSynthesis.speak(utterance);
    });
  }
}
