// The survey on the visitor's phone: when their ticket is finished as served, the ticket
// page turns into the survey (GET/POST /api/v1/tickets/<token>/survey). It asks once per
// page; a visitor who skips can open it again; an answer already given is thanked for,
// never asked again.

import { h } from "/static/shared/dom.js";
import { makeWords } from "/static/shared/words.js";
import { surveyForm } from "./form.js";
import { SURVEY_WORDS } from "./words.js";

/**
 * `section`: the (hidden) element the survey lives in; `language`: the page's.
 * Returns `{check()}`: call it whenever the ticket may have been served.
 */
export function phoneSurvey({ token, language, section }) {
  const words = makeWords(SURVEY_WORDS, { language });
  const t = words.t;
  const address = `/api/v1/tickets/${encodeURIComponent(token)}/survey?lang=${words.lang}`;
  let state = null; // null: not asked yet; then open, answered, not_served, closed
  let asking = null;
  let questionnaire = null;

  function mark(value) {
    document.body.dataset.survey = value;
  }

  function done(title, body) {
    section.hidden = false;
    section.replaceChildren(h("div", { class: "survey-done", role: "status" },
      h("h2", { text: title }), h("p", { text: body })));
  }

  function offer() {
    // Skipped: a button brings the survey back.
    mark("skipped");
    section.hidden = false;
    section.replaceChildren(h("div", { class: "survey-done" },
      h("p", { class: "survey-intro", text: t("survey.skipped") }),
      h("button", { type: "button", class: "survey-cta", id: "survey-offer",
        onclick: open }, t("survey.offer"))));
  }

  async function submit(body) {
    let answer;
    try {
      answer = await fetch(address, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), credentials: "omit",
      });
    } catch {
      throw new Error(language === "en" ? "no connection" : "tidak ada sambungan");
    }
    const reply = await answer.json().catch(() => ({}));
    if (answer.status === 201) {
      state = "answered";
      mark("thanks");
      done(t("survey.thanks"), t("survey.thanks_body"));
      return;
    }
    if (answer.status === 409) {
      // Answered already (another tab, the counter's screen) or closed: said kindly, once.
      state = reply.error?.code === "survey_answered" ? "answered" : "closed";
      mark(state);
      done(t("survey.thanks"), reply.error?.message || t("survey.already"));
      return;
    }
    throw new Error(reply.error?.message || answer.statusText);
  }

  function open() {
    mark("open");
    section.hidden = false;
    const body = h("div", { class: "survey-body" });
    section.replaceChildren(
      h("h2", { class: "survey-title", text: t("survey.title") }),
      h("p", { class: "survey-intro", text: t("survey.intro") }),
      body);
    surveyForm(body, { questionnaire, t, onSubmit: submit, onSkip: offer });
    section.scrollIntoView?.({ block: "start" });
  }

  async function ask() {
    const answer = await fetch(address, { credentials: "omit" });
    if (!answer.ok) return;
    const reply = await answer.json();
    state = reply.state;
    if (state === "open") {
      questionnaire = reply.questionnaire;
      open();
    } else if (state === "answered") {
      mark("answered");
      done(t("survey.thanks"), t("survey.already"));
    }
  }

  return {
    check() {
      if (state !== null && state !== "not_served") return;
      if (!asking) {
        asking = ask().catch(() => {}).finally(() => { asking = null; });
      }
    },
  };
}
