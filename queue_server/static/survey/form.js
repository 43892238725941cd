// The survey form, one question a screen: a tap answers and moves on, so the nine elements
// take under a minute; then the optional profile and suggestion, and "send". Used by the
// visitor's phone (the ticket page) and the rating screen beside the counter.
//
// The questions and answer words come from the server (`questionnaire`, one language);
// the form's own words from ./words.js through the page's `t`.

import { h } from "/static/shared/dom.js";

/**
 * Draw the form into `root`.
 * - `onSubmit({answers, profile, suggestion})` returns a promise; a rejection's message is
 *   shown under the send button, which stays ready for another try;
 * - `onSkip()` when the visitor skips; `onActivity()` at every touch (a screen's timeout).
 * Returns `{reset(questionnaire), answers}`.
 */
export function surveyForm(root, { questionnaire, t, onSubmit, onSkip, onActivity = () => {} }) {
  let form = questionnaire;
  let step = 0;
  let answers = {};
  let profile = {};
  let suggestion = "";
  let sending = false;
  let failure = "";

  const total = () => form.elements.length;

  function go(next) {
    step = Math.max(0, Math.min(total(), next));
    draw();
  }

  function choose(code, value) {
    answers[code] = value;
    onActivity();
    // A short beat so the visitor sees their choice lit before the next question.
    draw();
    setTimeout(() => { if (answers[code] === value && step < total()) go(step + 1); }, 180);
  }

  function toggle(key, value) {
    profile[key] = profile[key] === value ? undefined : value;
    onActivity();
    draw();
  }

  async function send() {
    if (sending) return;
    const missing = form.elements.find((element) => !answers[element.code]);
    if (missing) {
      go(form.elements.indexOf(missing));
      return;
    }
    sending = true;
    failure = "";
    draw();
    const chosen = Object.fromEntries(Object.entries(profile).filter(([, v]) => v));
    try {
      await onSubmit({ answers: { ...answers }, profile: chosen,
        suggestion: suggestion.trim() || null });
    } catch (error) {
      failure = t("survey.failed", { message: error.message });
    }
    sending = false;
    if (root.isConnected) draw();
  }

  function header() {
    const n = Math.min(step + 1, total());
    const label = step < total() ? t("survey.step", { n, total: total() }) : t("survey.about");
    return h("div", { class: "survey-head" },
      h("p", { class: "survey-step", text: label }),
      h("div", { class: "survey-progress", "aria-hidden": "true" },
        h("span", { style: `width: ${Math.round((step / total()) * 100)}%` })));
  }

  function question() {
    const element = form.elements[step];
    return h("fieldset", { class: "survey-question", dataset: { element: element.code } },
      h("legend", {},
        h("span", { class: "survey-element", text: `${element.code} · ${element.name}` }),
        h("span", { class: "survey-text", text: element.question })),
      h("div", { class: "survey-answers" }, element.answers.map((answer) => h("button", {
        type: "button", class: "survey-answer",
        dataset: { element: element.code, value: answer.value },
        "aria-pressed": answers[element.code] === answer.value ? "true" : "false",
        onclick: () => choose(element.code, answer.value),
      }, h("span", { class: "survey-mark", "aria-hidden": "true" }),
      h("span", { text: answer.label })))));
  }

  function about() {
    const area = h("textarea", {
      id: "survey-suggestion", rows: 3, maxlength: form.suggestion_max,
      placeholder: t("survey.suggestion_hint"),
      oninput: (event) => { suggestion = event.target.value; onActivity(); },
    });
    area.value = suggestion;
    return h("div", { class: "survey-about" },
      h("p", { class: "survey-optional", text: t("survey.optional") }),
      form.profile.map((item) => h("fieldset", { class: "survey-profile",
        dataset: { profile: item.key } },
      h("legend", { text: item.label }),
      h("div", { class: "survey-chips" }, item.choices.map((choice) => h("button", {
        type: "button", class: "survey-chip", dataset: { profile: item.key, value: choice.value },
        "aria-pressed": profile[item.key] === choice.value ? "true" : "false",
        onclick: () => toggle(item.key, choice.value),
      }, choice.label))))),
      h("label", { class: "survey-label", for: "survey-suggestion",
        text: t("survey.suggestion") }),
      area,
      h("p", { class: "survey-error", role: "alert", hidden: !failure, text: failure }),
      h("button", { type: "button", class: "survey-send", id: "survey-send",
        disabled: sending, onclick: send }, sending ? t("survey.sending") : t("survey.send")));
  }

  function draw() {
    root.dataset.step = step < total() ? form.elements[step].code : "about";
    root.replaceChildren(
      header(),
      step < total() ? question() : about(),
      h("div", { class: "survey-nav" },
        h("button", { type: "button", class: "survey-back", hidden: step === 0,
          onclick: () => { onActivity(); go(step - 1); } }, t("survey.back")),
        h("button", { type: "button", class: "survey-skip", id: "survey-skip",
          onclick: () => onSkip() }, t("survey.skip"))),
    );
  }

  draw();
  return {
    /** Start again, empty (a new visitor, or the language changed). */
    reset(next = form, keep = false) {
      form = next;
      if (!keep) {
        answers = {};
        profile = {};
        suggestion = "";
        step = 0;
      }
      failure = "";
      sending = false;
      draw();
    },
    get answers() { return { ...answers }; },
  };
}
