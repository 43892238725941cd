// The console's state: who is signed in, the counter worked and what the server last said of
// it. Modules change it and call `changed()`; the views registered with `onChange` redraw.

export const S = {
  user: null,
  counterId: null,
  counter: null, // CounterOut, from an action's answer, a snapshot or GET /counters/<id>
  today: null, // CounterTodayOut
  bookings: null, // BookingsOut: today's tickets taken from home, for the counter's services
  services: [], // every service, for the transfer dialog
  choices: [], // the counters offered on the choose view
  busy: false, // an action is on its way
  unheard: null, // {counter, code}: a call no display heard (the server said announced: false)
};

// Going to another view: `go.choose(message)`, `go.desk(id, counter)`; filled in by
// console.js, so the views need not import each other.
export const go = {};

const views = [];

export function onChange(draw) {
  views.push(draw);
}

export function changed() {
  for (const draw of views) draw();
}

// The counter chosen last on this PC.
export const store = {
  get(key) { try { return localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); } catch { /* this page only */ } },
};
