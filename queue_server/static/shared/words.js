// The one way pages put words on screen: Bahasa Indonesia first, English on request.
//
// Each page brings its own table, `{id: {key: text}, en: {key: text}}`; a text may hold
// `{name}` places filled from the params. A word missing in English falls back to Indonesian.

const LANGUAGES = ["id", "en"];
export const DEFAULT_LANGUAGE = "id";

/** Fill `{name}` places; a place without a value stays visible, so the gap is noticed. */
export function format(template, params = {}) {
  return template.replace(/\{(\w+)\}/g,
    (place, name) => (params[name] === undefined ? place : String(params[name])));
}

function readStored(key) {
  try {
    return key ? localStorage.getItem(key) : null;
  } catch {
    return null; // a locked-down browser: no remembered choice
  }
}

/**
 * The page's words. `remember`: a localStorage key that keeps the visitor's choice across
 * reloads (the console); pages for the public start in Indonesian every time.
 */
export function makeWords(table, { language = DEFAULT_LANGUAGE, remember = null } = {}) {
  const pick = (wanted) => (LANGUAGES.includes(wanted) && table[wanted] ? wanted
    : DEFAULT_LANGUAGE);
  let current = pick(readStored(remember) || language);

  const optional = (key, params) => {
    const text = table[current]?.[key] ?? table[DEFAULT_LANGUAGE]?.[key];
    return text === undefined ? null : format(text, params);
  };

  return {
    get lang() { return current; },
    /** The language a "switch" button offers. */
    get other() { return current === "id" ? "en" : "id"; },
    t(key, params) { return optional(key, params) ?? key; },
    /** The text, or null where the table has none (an optional hint). */
    optional,
    set(language) {
      current = pick(language);
      if (remember) {
        try {
          localStorage.setItem(remember, current);
        } catch {
          // the choice lasts for this page only
        }
      }
      return current;
    },
    /** Write every `[data-i18n]` element's text under `root` in the current language. */
    apply(root = document) {
      document.documentElement.lang = current;
      for (const node of root.querySelectorAll("[data-i18n]")) {
        node.textContent = this.t(node.dataset.i18n);
      }
    },
  };
}

/** A wait in minutes as people say it: `soon`, `minutes` {n} or `hours` {h} {m};
 * `no_counter` when the server has no figure (null: no counter serving it is open). */
export function waitText(t, minutes) {
  if (minutes === null || minutes === undefined) return t("no_counter");
  if (minutes <= 0) return t("soon");
  if (minutes < 60) return t("minutes", { n: minutes });
  return t("hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}
