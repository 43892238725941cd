// The e-tickets booked from this browser, so a back button, a closed tab or a reload never
// loses one: the first step lists those still to come, each linking to its tracking page.

const KEY = "antre.booked";
const KEEP = 5;
const FIELDS = ["token", "code", "booking_code", "service_name", "day", "slot"];

function stored() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return []; // storage blocked or spoilt: nothing remembered
  }
}

/** The remembered tickets of `today` and later, newest first. */
export function mine(today) {
  return stored().filter((ticket) => ticket.day >= today);
}

export function remember(ticket) {
  const kept = Object.fromEntries(FIELDS.map((field) => [field, ticket[field] ?? null]));
  const list = [kept, ...stored().filter((old) => old.token !== ticket.token)].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // the e-ticket on screen and its tracking link are all there is
  }
}
