// Signing in: the page's sign-in view, and the dialog that asks again over an open page.
import { $ } from "/static/shared/dom.js";
import { api } from "./api.js";
import { show, t } from "./page.js";

async function submitSignIn(userField, passField, errorField) {
  errorField.textContent = "";
  const username = userField.value.trim();
  const password = passField.value;
  if (!username || !password) {
    errorField.textContent = t("signin.missing");
    (username ? passField : userField).focus();
    return null;
  }
  try {
    const user = await api.login(username, password);
    passField.value = "";
    return user;
  } catch (error) {
    errorField.textContent = error.message;
    passField.select();
    passField.focus();
    return null;
  }
}

/** A staff page's start: the user already signed in on this browser (with a fresh CSRF
 * token), else the sign-in view; then `onSignedIn(user)`. `onError` hears a failed check. */
export async function startSignedIn(onSignedIn, onError = () => {}) {
  let me = null;
  try {
    me = await api.me();
  } catch (error) {
    onError(error);
  }
  if (!me) {
    signInView(onSignedIn);
    return;
  }
  await api.token();
  onSignedIn(me);
}

export function signInView(onSignedIn) {
  show("signin");
  const form = $("signin-form");
  const user = $("signin-username");
  setTimeout(() => user.focus(), 0);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const signedIn = await submitSignIn(user, $("signin-password"), $("signin-error"));
    if (signedIn) onSignedIn(signedIn);
  };
}

let reauthPending = null;
// The session ended under an open page: ask for the password in a dialog over the page, so
// the counter, its ticket and the page's state stay where they are.
export function askSignInAgain(text, lastUsername, onSignedIn) {
  if (reauthPending) return reauthPending;
  const dialog = $("reauth-dialog");
  $("reauth-text").textContent = text;
  $("reauth-error").textContent = "";
  const user = $("reauth-username");
  user.value = lastUsername || "";
  reauthPending = new Promise((resolve) => {
    $("reauth-form").onsubmit = async (event) => {
      event.preventDefault();
      const signedIn = await submitSignIn(user, $("reauth-password"), $("reauth-error"));
      if (!signedIn) return;
      dialog.close();
      reauthPending = null;
      await onSignedIn?.(signedIn);
      resolve(true);
    };
    // The session is gone: there is nothing to go back to but signing in.
    dialog.oncancel = (event) => event.preventDefault();
  });
  dialog.showModal();
  (user.value ? $("reauth-password") : user).focus();
  return reauthPending;
}
