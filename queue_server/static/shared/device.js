// A kiosk's or display's device token: given once by its setup link, kept in this browser.

/**
 * The token from the setup link (`?token=` or `#token=`), stored under `storageKey` and taken
 * out of the address bar (it must not be bookmarked, shared or shown on the screen); without
 * one, the token kept from an earlier setup; null when there is neither.
 */
export function takeDeviceToken(storageKey) {
  const url = new URL(window.location.href);
  const fromHash = new URLSearchParams(url.hash.slice(1)).get("token");
  const given = url.searchParams.get("token") || fromHash;
  if (given) {
    try {
      localStorage.setItem(storageKey, given);
    } catch {
      // private mode: the token lives as long as the page
    }
    url.searchParams.delete("token");
    if (fromHash) url.hash = "";
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  try {
    return localStorage.getItem(storageKey) || given;
  } catch {
    return given;
  }
}
