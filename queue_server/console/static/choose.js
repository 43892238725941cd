// Choosing the counter to work: the officer's counters, the one used last on this PC first;
// back to it at once after a reload while it is still this officer's.
import { $, h } from "/static/shared/dom.js";
import { api } from "./api.js";
import { show, t } from "./page.js";
import { S, go, store } from "./state.js";

const REMEMBER = "antre.console.counter";

/** Show the counters; `message` says why the officer is here (a closed counter, an error);
 *  `tone` "info" for news that is not a failure (they closed it themselves). */
export async function chooseCounter(message = "", tone = "error") {
  let counters;
  try {
    counters = (await api.get("/api/v1/counters")).counters;
  } catch (error) {
    message = error.message;
    counters = [];
  }
  S.choices = counters;
  const remembered = store.get(REMEMBER);
  const known = counters.find((c) => c.id === remembered);
  if (remembered && !known && !message) message = t("choose.not_yours", { counter: remembered });
  // Back after a reload, a restart or a fresh sign-in (another PC): a counter still open in
  // this officer's name is where they work.
  const mine = (c) => c && c.state !== "closed" && c.officer?.id === S.user.id;
  const still = mine(known) ? known : counters.find(mine);
  if (still && !message) {
    go.desk(still.id);
    return;
  }
  if (!counters.length && !message) message = t("choose.none");
  $("choose-error").textContent = message;
  $("choose-error").className = tone === "info" ? "info" : "error";
  show("choose");
  renderChoices();
}

function takenByOther(choice) {
  return choice.state !== "closed" && choice.officer && choice.officer.id !== S.user.id;
}

export function renderChoices() {
  const box = $("counter-choices");
  const remembered = store.get(REMEMBER);
  box.replaceChildren(...S.choices.map((choice) => {
    const state = takenByOther(choice)
      ? `${t(`state.${choice.state}`)} · ${t("state.by", { name: choice.officer.name })}`
      : t(`state.${choice.state}`);
    return h("button", {
      type: "button", class: "choice", dataset: { id: choice.id, state: choice.state },
      disabled: takenByOther(choice),
      onclick: () => openCounter(choice.id),
    },
    h("strong", { text: choice.name }),
    h("span", { class: "choice-services",
      text: `${choice.agency_name} · ${choice.services.join(", ")}` }),
    h("span", { class: "choice-state", text: state }),
    choice.id === remembered
      ? h("span", { class: "choice-remembered", text: t("choose.remembered") }) : null);
  }));
  const buttons = [...box.querySelectorAll("button:not([disabled])")];
  const first = buttons.find((b) => b.dataset.id === remembered) || buttons[0];
  first?.focus();
}

// Arrow keys move between the counters, Enter opens the focused one.
$("counter-choices").addEventListener("keydown", (event) => {
  const buttons = [...$("counter-choices").querySelectorAll("button:not([disabled])")];
  const at = buttons.indexOf(document.activeElement);
  const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
  if (step && at >= 0) {
    event.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length].focus();
  }
});

async function openCounter(id) {
  $("choose-error").textContent = "";
  try {
    const out = await api.post(`/api/v1/counters/${id}/open`);
    store.set(REMEMBER, id);
    go.desk(id, out.counter);
  } catch (error) {
    $("choose-error").textContent = error.message;
    chooseCounter(error.message);
  }
}
