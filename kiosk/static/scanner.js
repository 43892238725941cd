// The barcode scanner beside the kiosk: a USB/serial scanner "types" what it reads, then
// Enter, into whatever page has focus. The kiosk has no keyboard, so every line typed is a
// scan (or, on the check-in screen, a staff member's keyboard): collect it and read a ticket
// out of it.

const PAUSE_MS = 1000; // a scanner never pauses inside a code: what came before is stale

/** The check-in key in a scanned line: a tracking link's token, a booking code, or null. */
export function scannedKey(line, codePattern) {
  const link = line.match(/\/t\/([A-Za-z0-9_-]{16,100})(?:[?#/]|$)/);
  if (link) return link[1];
  const code = line.trim().toUpperCase();
  return codePattern.test(code) ? code : null;
}

/**
 * Call `onLine(line)` for each line ended by Enter, and `onKey(key)` for every key pressed
 * (the check-in screen types them into its code).
 */
export function listenForLines({ onLine, onKey }) {
  let line = "";
  let last = 0;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.timeStamp - last > PAUSE_MS) line = "";
    last = event.timeStamp;
    if (event.key === "Enter") {
      event.preventDefault(); // no button with focus is pressed by a scan's Enter
      const done = line;
      line = "";
      onLine(done);
      return;
    }
    if (event.key.length === 1) line += event.key;
    onKey(event.key);
  });
}
