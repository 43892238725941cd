// The officer's console: sign in, choose a counter, and work it from the keyboard.
//
// This module is the page's flow (signing in and out, which view shows); the desk's parts are
// modules of their own: counter.js (the counter and its live connection), desk.js (the
// current ticket and allowed actions), lists.js, actions.js, dialogs.js and keys.js.
import { $ } from "/static/shared/dom.js";
import "./bookings.js";
import "./keys.js";
import "./lists.js";
import { api } from "./api.js";
import { chooseCounter, renderChoices } from "./choose.js";
import { connect, enterDesk, setLanguage, stopDesk } from "./counter.js";
import { hideNotice, notice } from "./desk.js";
import { lang, setupLanguage, show, t, toast } from "./page.js";
import { askSignInAgain, signInView, startSignedIn } from "./signin.js";
import { S, changed, go } from "./state.js";

go.choose = (message, tone = "error") => {
  stopDesk();
  if (S.user) $("where").textContent = S.user.name; // no counter any more
  return chooseCounter(message, tone);
};

go.desk = async (id, counter = null) => {
  stopDesk();
  if (!await enterDesk(id, counter)) return;
  show("desk");
  $("where").textContent = `${S.counter.name} · ${S.user.name}`;
  changed();
  $("current").focus();
};

api.onUnauthorized = () => askSignInAgain(
  S.counter ? t("reauth.text", { counter: S.counter.name }) : t("reauth.text_plain"),
  S.user?.username,
  async (user) => {
    S.user = user;
    if (S.counterId) connect(); // the old connection belonged to the ended session
  });

setupLanguage(() => {
  hideNotice(); // said in the other language
  if (document.body.dataset.view === "choose") renderChoices();
  setLanguage(lang());
  changed();
});
$("signout").addEventListener("click", signOut);
window.addEventListener("pagehide", () => {
  if (S.counterId) api.beacon(`/api/v1/counters/${S.counterId}/leave`);
});

startSignedIn(signedIn, (error) => toast(error.message, "error"));

function signedIn(user) {
  S.user = user;
  $("signout").hidden = false;
  $("overview-link").hidden = !["supervisor", "admin"].includes(user.role);
  $("where").textContent = user.name;
  go.choose();
}

async function signOut() {
  if (S.counter && S.counter.state !== "closed") {
    if (S.counter.current) {
      notice(t("msg.busy_close"));
      return;
    }
    try {
      await api.post(`/api/v1/counters/${S.counterId}/close`);
    } catch {
      // signing out matters more; a supervisor sees the counter left open
    }
  }
  stopDesk();
  await api.logout();
  S.user = null;
  $("signout").hidden = true;
  $("overview-link").hidden = true;
  $("where").textContent = "";
  signInView(signedIn);
}
