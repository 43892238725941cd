// The rating screen beside a counter (/survey/<screen>?token=…): it shows the ticket just
// served at its counter and the survey; after an answer, a skip or a while untouched it
// starts over, and it never shows another visitor's answers or ticket.
//
// What to rate comes from the hub (`{survey: id, token}` → the screen's room: a snapshot
// and `survey_changed`) or, while that connection is down, from polling the API.

import { takeDeviceToken } from "/static/shared/device.js";
import { $ } from "/static/shared/dom.js";
import { connectLive } from "/static/shared/live.js";
import { makeWords } from "/static/shared/words.js";
import { surveyForm } from "./form.js";
import { SURVEY_WORDS } from "./words.js";

const POLL_MS = 3000; // only while the live connection is down
const THANKS_MS = 6000;
const BUSY_MS = 20000; // a visitor who touched the screen this recently is still answering

const page = JSON.parse($("page-data").textContent);
const screenId = page.screen.id;
const token = takeDeviceToken(`antre.survey.${screenId}`);
const words = makeWords(SURVEY_WORDS, { language: "id" });
const t = words.t;
const api = `/api/v1/survey-screens/${encodeURIComponent(screenId)}`;

let current = null; // the ticket being rated: {id, code, service_name, …}
const finished = new Set(); // ticket ids answered, skipped or timed out here
let lastTouch = 0;
let thanksTimer = null;
let pollTimer = null;

const form = surveyForm($("form"), {
  questionnaire: page.questionnaire[words.lang], t, onSubmit: submit, onSkip: () => idle(),
  onActivity: touched,
});

function touched() {
  lastTouch = Date.now();
}

function show(state) {
  document.body.dataset.state = state;
  for (const name of ["idle", "rating", "thanks"]) $(name).hidden = name !== state;
}

function drawWords() {
  words.apply();
  $("lang").textContent = t("lang.switch");
  $("lang").lang = words.other;
  $("idle-body").textContent = t("screen.idle_body", { counter: page.counter.name });
  if (current) {
    $("rating-ticket").textContent = t("screen.ticket",
      { code: current.code, service: current.service_name });
  }
  tick();
}

function idle() {
  if (current) finished.add(current.id);
  current = null;
  clearTimeout(thanksTimer);
  form.reset(page.questionnaire[words.lang]); // nothing of the last visitor stays
  show("idle");
}

function rate(ticket) {
  clearTimeout(thanksTimer);
  current = ticket;
  touched();
  form.reset(page.questionnaire[words.lang]);
  drawWords();
  show("rating");
}

function thank(title, body) {
  if (current) finished.add(current.id);
  current = null;
  form.reset(page.questionnaire[words.lang]);
  $("thanks-title").textContent = title;
  $("thanks-body").textContent = body;
  show("thanks");
  clearTimeout(thanksTimer);
  thanksTimer = setTimeout(() => show("idle"), THANKS_MS);
}

/** What the server says the screen should offer now. */
function apply(view) {
  if (!view || !("ticket" in view)) return;
  const offered = view.ticket;
  if (offered && !finished.has(offered.id) && offered.id !== current?.id) {
    rate(offered); // a new visitor was served: their survey, from the start
  } else if (!offered && current && Date.now() - lastTouch > BUSY_MS) {
    idle(); // timed out on the server, and nobody is touching the screen
  }
}

function tick() {
  if (!current) return;
  const left = Math.ceil((page.screen.timeout_s * 1000 - (Date.now() - lastTouch)) / 1000);
  if (left <= 0) {
    idle();
    return;
  }
  $("rating-left").textContent = t("screen.left", { n: left });
}

async function submit(body) {
  const ticket = current;
  if (!ticket) return;
  let answer;
  try {
    answer = await fetch(`${api}/answers?lang=${words.lang}`, {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ ticket_id: ticket.id, ...body }),
    });
  } catch {
    throw new Error(words.lang === "en" ? "no connection" : "tidak ada sambungan");
  }
  const reply = await answer.json().catch(() => ({}));
  if (answer.status === 201) {
    thank(t("survey.thanks"), t("survey.thanks_body"));
  } else if (answer.status === 409) {
    thank(t("survey.thanks"), reply.error?.message || t("survey.already"));
  } else {
    throw new Error(reply.error?.message || answer.statusText);
  }
}

function problem(message) {
  $("problem").textContent = message || "";
  $("problem").hidden = !message;
}

async function poll() {
  try {
    const answer = await fetch(`${api}?lang=${words.lang}`, {
      credentials: "omit", headers: { Authorization: `Bearer ${token}` } });
    if (answer.status === 401) {
      problem(t("screen.unauthorized"));
      return;
    }
    if (!answer.ok) return;
    problem("");
    apply(await answer.json());
  } catch {
    // offline: the next poll tries again
  }
}

function setOnline(online) {
  document.body.dataset.online = String(online);
  $("offline").hidden = online;
  clearInterval(pollTimer);
  pollTimer = online ? null : setInterval(poll, POLL_MS);
  if (!online) poll();
}

$("lang").addEventListener("click", () => {
  words.set(words.other);
  // The same visitor goes on in the other language, with what they already chose.
  form.reset(page.questionnaire[words.lang], true);
  touched();
  drawWords();
});
document.addEventListener("pointerdown", touched, { passive: true });
setInterval(tick, 1000);
drawWords();
show("idle");

if (!token) {
  problem(t("screen.unauthorized"));
} else {
  connectLive({
    auth: { survey: screenId, token },
    events: { survey_changed: apply },
    onSnapshot: apply,
    onStatus: (status) => setOnline(status === "online"),
    onRefused: () => true,
  });
}
