// What the report pages (reports, print, SKM) add to the console's page modules: their words
// (added when this module loads), the error line, and signing in a supervisor or
// administrator.
import { $ } from "/static/shared/dom.js";
import { api } from "./api.js";
import { addWords, show, t } from "./page.js";
import { WORDS } from "./reports-words.js";
import { startSignedIn } from "./signin.js";

addWords(WORDS);

export function showError(error) {
  const box = $("report-error");
  box.hidden = !error;
  box.textContent = error ? error.message : "";
}

/** The sign-in view until someone is signed in; then the report view and `onReady(user)`,
 * or, for an officer, the `forbidden` message. */
export async function signedIn(onReady, forbidden = "rep.forbidden") {
  const ready = (user) => {
    $("signout").hidden = false;
    $("where").textContent = user.name;
    $("signout").onclick = async () => {
      await api.logout();
      window.location.reload();
    };
    show("report");
    if (user.role === "officer") showError(new Error(t(forbidden)));
    else onReady(user);
  };
  await startSignedIn(ready);
}
