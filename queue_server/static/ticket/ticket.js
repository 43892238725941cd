/* The visitor's ticket page: follows one ticket live over Socket.IO.
 *
 * The server renders the page whole; this script keeps it current (`snapshot` and
 * `ticket_changed` to the ticket's room), alerts when the number is called (a beep made here
 * with WebAudio, and a vibration), and lets the visitor leave the queue.
 * Plain ES2015 without modules: it has to run on old, cheap phones.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ticket-data").textContent);
  var t = config.t;
  var token = config.token;
  var ticket = config.ticket;
  var lastSeq = null;
  var audio = null;
  var offlineTimer = null;
  var pollTimer = null;
  var POLL_MS = 30000;  // only while the socket is down
  var OFFLINE_AFTER_MS = 2000;  // a blink of the Wi-Fi is not worth a banner

  function $(id) { return document.getElementById(id); }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function waitText(minutes) {
    if (minutes <= 0) return t.soon;
    if (minutes < 60) return format(t.minutes, { n: minutes });
    return format(t.hours, { h: Math.floor(minutes / 60), m: minutes % 60 });
  }

  function counterName(view) {
    return view.counter ? view.counter.name : t.counter_fallback;
  }

  function noteFor(view) {
    var counter = counterName(view);
    switch (view.status) {
      case "waiting": return t.waiting_note;
      case "serving": return format(t.serving_at, { counter: counter });
      case "parked": return format(t.parked_note, { counter: counter });
      case "done": return t.done_note;
      case "no_show": return t.no_show_note;
      case "cancelled": return t.cancelled_note;
      case "expired": return t.expired_note;
      default: return "";
    }
  }

  function render(view) {
    var before = ticket;
    ticket = view;
    document.body.setAttribute("data-status", view.status);
    $("code").textContent = view.code;
    $("service").textContent = view.service_name;
    $("agency").textContent = view.agency_name;
    $("status").textContent = t["status_" + view.status] || view.status;
    $("ahead").textContent = String(view.ahead);
    $("wait").textContent = waitText(view.estimated_wait_min);
    $("position").hidden = view.status !== "waiting";
    $("note").textContent = noteFor(view);
    $("leave").hidden = view.status !== "waiting";
    var called = view.status === "called";
    $("called").hidden = !called;
    if (called) {
      $("called-go").textContent = format(t.called_go, { counter: counterName(view) });
      $("called-count").textContent = format(t.called_again, { n: view.call_count });
      $("called-count").hidden = view.call_count < 2;
      document.title = "\u25B6 " + view.code + " \u2014 " + counterName(view);
    } else {
      document.title = view.code + " \u00B7 " + t.title;
    }
    var newCall = called && (before.status !== "called" || view.call_count > before.call_count);
    if (newCall) alert();
  }

  /* --- The alert: our own beep, and the phone's vibration ---------------------------- */

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function beep(times) {
    var context = audioContext();
    if (!context) return;
    var start = context.currentTime + 0.05;
    for (var i = 0; i < times; i++) {
      // Two tones per ring, a soft attack and release so the speaker does not click.
      [[880, 0], [1175, 0.22]].forEach(function (tone) {
        var at = start + i * 0.7 + tone[1];
        var oscillator = context.createOscillator();
        var gain = context.createGain();
        oscillator.type = "sine";
        oscillator.frequency.value = tone[0];
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
        oscillator.connect(gain);
        gain.connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + 0.22);
      });
    }
  }

  function vibrate(pattern) {
    if (navigator.vibrate) {
      try { navigator.vibrate(pattern); } catch (e) { /* not allowed without a tap */ }
    }
  }

  function alert() {
    var alerts = Number(document.body.getAttribute("data-alerts") || "0") + 1;
    document.body.setAttribute("data-alerts", String(alerts));
    beep(3);
    vibrate([500, 200, 500, 200, 800]);
  }

  function unlockSound() {
    // Browsers keep sound off until the visitor touches the page; the first touch unlocks it.
    var context = audioContext();
    if (context && context.state !== "suspended") markSoundReady();
  }

  function markSoundReady() {
    var button = $("sound");
    button.textContent = t.sound_ready;
    button.disabled = true;
  }

  $("sound").hidden = !(window.AudioContext || window.webkitAudioContext || navigator.vibrate);
  $("sound").addEventListener("click", function () {
    beep(1);
    vibrate(150);
    markSoundReady();
  });
  document.addEventListener("touchstart", unlockSound, { passive: true, once: true });
  document.addEventListener("click", unlockSound, { once: true });

  /* --- Leaving the queue ------------------------------------------------------------- */

  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = !message;
  }

  $("leave").addEventListener("click", function () {
    showError("");
    $("confirm").hidden = false;
    $("confirm-no").focus();
  });
  $("confirm-no").addEventListener("click", function () { $("confirm").hidden = true; });
  $("confirm-yes").addEventListener("click", function () {
    var button = $("confirm-yes");
    if (button.disabled) return;
    button.disabled = true;
    fetch("/api/v1/tickets/" + encodeURIComponent(token) + "/cancel?lang=" + config.lang, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
      credentials: "omit",
    }).then(function (answer) {
      return answer.json().then(function (body) {
        if (!answer.ok) throw new Error(body.error ? body.error.message : answer.statusText);
        render(body);
      });
    }).catch(function (error) {
      showError(format(t.leave_failed, { message: error.message }));
    }).then(function () {
      button.disabled = false;
      $("confirm").hidden = true;
    });
  });

  /* --- Live updates ------------------------------------------------------------------ */

  function setOffline(offline) {
    clearTimeout(offlineTimer);
    if (!offline) {
      $("offline").hidden = true;
      clearInterval(pollTimer);
      pollTimer = null;
      return;
    }
    offlineTimer = setTimeout(function () { $("offline").hidden = false; }, OFFLINE_AFTER_MS);
    if (!pollTimer) pollTimer = setInterval(poll, POLL_MS);
  }

  function poll() {
    // While the socket is down, ask now and then so the page is never far behind.
    fetch("/api/v1/tickets/" + encodeURIComponent(token), { credentials: "omit" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (view) { if (view) render(view); })
      .catch(function () { /* still offline */ });
  }

  function start() {
    if (typeof io !== "function") return;  // the page still reads fine without live updates
    var socket = io({
      auth: { ticket: token, language: config.lang },
      reconnectionDelayMax: 10000,
    });
    socket.on("connect", function () { setOffline(false); });
    socket.on("disconnect", function () { setOffline(true); });
    socket.on("connect_error", function (error) {
      setOffline(true);
      if (!socket.active) {
        // Refused by the server (not a network failure): try again later, gently.
        setTimeout(function () { socket.connect(); }, 15000);
      }
      if (error && /^unknown_ticket/.test(error.message)) poll();
    });
    socket.on("snapshot", function (view) {
      lastSeq = view.seq;
      render(view);
    });
    socket.on("ticket_changed", function (view) {
      if (typeof view.seq === "number" && lastSeq !== null) {
        if (view.seq <= lastSeq) return;  // already in the snapshot
        if (view.seq > lastSeq + 1) socket.emit("snapshot");  // missed something
        lastSeq = view.seq;
      }
      render(view);
    });
    document.addEventListener("visibilitychange", function () {
      // A phone wakes from its pocket: make sure what it shows is current.
      if (document.visibilityState !== "visible") return;
      if (socket.connected) socket.emit("snapshot");
      else socket.connect();
    });
  }

  start();
}());
