"""The shared live connection (/static/shared/live.js): its rules, and that every page uses it.

The rules are driven through a fake Socket.IO socket handed to the module in a page of the
served app (same origin, so the module loads as the pages load it): what a duplicate, a gap,
a new epoch, a reconnection and a refusal do. Then each of the four pages is opened for real
and must hold exactly one connection from the module, retrying by its one policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.console.conftest import open_console
from tests.support.servers import ServedHall, call_api, serve_hall

pytestmark = pytest.mark.browser

WAIT_MS = 10_000
HARNESS = "/__live_module_test__"

# A stand-in for Socket.IO's client: it records what the module asks and lets the test say
# what the server sends. `openLive(names, options)` connects the module through it.
PRELUDE = """
async () => {
  const live = await import("/static/shared/live.js");
  class FakeSocket {
    constructor(options) {
      this.options = options; this.auth = options.auth; this.handlers = {};
      this.emitted = []; this.connected = false; this.active = true; this.connects = 0;
    }
    on(name, fn) { (this.handlers[name] ||= []).push(fn); return this; }
    emit(name, payload) { this.emitted.push([name, payload]); }
    connect() { this.connects += 1; }
    disconnect() { this.connected = false; }
    listeners(name) { return this.handlers[name] || []; }
    fire(name, payload) { for (const fn of this.listeners(name)) fn(payload); }
    up() { this.connected = true; this.fire("connect"); }
    down(reason = "transport close") { this.connected = false; this.fire("disconnect", reason); }
    get asked() { return this.emitted.filter(([name]) => name === "snapshot").length; }
  }
  window.live = live;
  window.openLive = (names, options = {}) => {
    const drawn = [];
    const snapshots = [];
    let socket = null;
    const events = Object.fromEntries(names.map((name) => [name, (event) => drawn.push(
      event.event_id)]));
    const connection = live.connectLive({
      auth: { display: "aula" }, events, io: (opts) => (socket = new FakeSocket(opts)),
      onSnapshot: (snapshot, info) => snapshots.push({ ...info, seq: snapshot.seq }),
      ...options, events: { ...events, ...(options.events || {}) },
    });
    return { connection, socket, drawn, snapshots };
  };
}
"""


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    served = serve_hall(tmp_path_factory.mktemp("live-module"))
    yield served
    served.server.stop()


@pytest.fixture
def harness(browser: Any, hall: ServedHall) -> Iterator[Any]:
    """An empty page of the served app with the module and the fake socket loaded."""
    context = browser.new_context()
    context.route(f"{hall.url}{HARNESS}", lambda route: route.fulfill(
        body="<!doctype html><title>live.js</title>", content_type="text/html"))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{hall.url}{HARNESS}")
    page.evaluate(PRELUDE)
    yield page
    assert errors == []
    context.close()


def test_an_event_sent_to_two_of_the_connections_rooms_is_drawn_once_and_counted_in_both(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, drawn } = openLive(["queue_changed"]);
      socket.up();
      socket.fire("snapshot", { room: "counter:L1", seq: 1,
                                seqs: { "counter:L1": 1, "staff:DUKCAPIL": 4 } });
      socket.fire("queue_changed", { event_id: "e1", room: "counter:L1", seq: 2 });
      socket.fire("queue_changed", { event_id: "e1", room: "staff:DUKCAPIL", seq: 5 });
      // The next in the staff room follows on: the copy above was counted there.
      socket.fire("queue_changed", { event_id: "e2", room: "staff:DUKCAPIL", seq: 6 });
      // Sent again with its own number (a redelivery): still drawn once.
      socket.fire("queue_changed", { event_id: "e2", room: "staff:DUKCAPIL", seq: 6 });
      return { drawn, asked: socket.asked };
    }""")
    assert result == {"drawn": ["e1", "e2"], "asked": 0}


def test_an_event_the_last_snapshot_covers_is_not_drawn_but_a_print_result_is(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const prints = [];
      const { socket, drawn } = openLive(["queue_changed"], { events: {
        print_status: { draw: (event) => prints.push(event.event_id), inSnapshot: false } } });
      socket.up();
      socket.fire("snapshot", { room: "kiosk:kiosk-1", seq: 5, seqs: { "kiosk:kiosk-1": 5 } });
      socket.fire("queue_changed", { event_id: "q5", room: "kiosk:kiosk-1", seq: 5 });
      socket.fire("print_status", { event_id: "p4", room: "kiosk:kiosk-1", seq: 4 });
      socket.fire("print_status", { event_id: "p4", room: "kiosk:kiosk-1", seq: 4 });
      return { drawn, prints, asked: socket.asked };
    }""")
    assert result == {"drawn": [], "prints": ["p4"], "asked": 0}


def test_a_gap_asks_for_exactly_one_snapshot_and_that_snapshot_catches_up(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, drawn, snapshots } = openLive(["ticket_called"]);
      socket.up();
      socket.fire("snapshot", { room: "display:aula", seq: 1, seqs: { "display:aula": 1 } });
      for (const seq of [3, 4, 6]) {  // two gaps before the answer comes
        socket.fire("ticket_called", { event_id: `c${seq}`, room: "display:aula", seq });
      }
      const askedBeforeAnswer = socket.asked;
      socket.fire("snapshot", { room: "display:aula", seq: 6, seqs: { "display:aula": 6 } });
      socket.fire("ticket_called", { event_id: "c7", room: "display:aula", seq: 7 });
      return { drawn, askedBeforeAnswer, asked: socket.asked,
               catchUp: snapshots.map((s) => s.catchUp) };
    }""")
    assert result == {"drawn": ["c3", "c4", "c6", "c7"], "askedBeforeAnswer": 1, "asked": 1,
                      "catchUp": [False, True]}


def test_an_answer_older_than_the_gap_is_asked_again_once_then_taken(harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, snapshots } = openLive(["ticket_called"]);
      socket.up();
      socket.fire("snapshot", { room: "display:aula", seq: 1, seqs: { "display:aula": 1 } });
      socket.fire("ticket_called", { event_id: "c9", room: "display:aula", seq: 9 });
      socket.fire("snapshot", { room: "display:aula", seq: 3, seqs: { "display:aula": 3 } });
      const afterFirst = socket.asked;
      socket.fire("snapshot", { room: "display:aula", seq: 4, seqs: { "display:aula": 4 } });
      return { afterFirst, asked: socket.asked, catchUp: snapshots.map((s) => s.catchUp) };
    }""")
    # The too-old answer is still drawn (it is newer than nothing) and asked again; the
    # server that keeps answering 4 has nothing newer: no endless asking.
    assert result == {"afterFirst": 2, "asked": 2, "catchUp": [False, False, True]}


def test_a_new_epoch_is_drawn_and_resynced_even_with_a_lower_seq(harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, drawn, snapshots } = openLive(["ticket_called"]);
      const room = "display:aula";
      socket.up();
      socket.fire("snapshot", { room, seq: 10, seqs: { [room]: 10 }, epoch: "A" });
      socket.fire("ticket_called", { event_id: "a11", room, seq: 11, epoch: "A" });
      socket.fire("ticket_called", { event_id: "b1", room, seq: 1, epoch: "B" });
      socket.fire("ticket_called", { event_id: "b2", room, seq: 2, epoch: "B" });
      const askedBeforeAnswer = socket.asked;
      socket.fire("snapshot", { room, seq: 2, seqs: { [room]: 2 }, epochs: { [room]: "B" } });
      socket.fire("ticket_called", { event_id: "b3", room, seq: 3, epoch: "B" });
      socket.fire("ticket_called", { event_id: "b2-again", room, seq: 2, epoch: "B" });
      return { drawn, askedBeforeAnswer, asked: socket.asked,
               catchUp: snapshots.map((s) => s.catchUp) };
    }""")
    assert result == {"drawn": ["a11", "b1", "b2", "b3"], "askedBeforeAnswer": 1, "asked": 1,
                      "catchUp": [False, True]}


def test_a_server_without_epochs_is_one_constant_epoch(harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, drawn } = openLive(["counter_changed"]);
      const room = "display:aula";
      socket.up();
      socket.fire("snapshot", { room, seq: 3, seqs: { [room]: 3 } });
      socket.fire("counter_changed", { event_id: "x4", room, seq: 4 });
      socket.fire("counter_changed", { event_id: "x3", room, seq: 3 });
      return { drawn, asked: socket.asked };
    }""")
    assert result == {"drawn": ["x4"], "asked": 0}


def test_a_reconnection_counts_afresh_from_the_servers_snapshot_and_catches_up(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { socket, drawn, snapshots } = openLive(["ticket_called"]);
      const room = "display:aula";
      socket.up();
      socket.fire("snapshot", { room, seq: 40, seqs: { [room]: 40 } });
      socket.down();
      socket.up();  // a restarted server counts from one again
      socket.fire("snapshot", { room, seq: 1, seqs: { [room]: 1 } });
      socket.fire("ticket_called", { event_id: "r2", room, seq: 2 });
      return { drawn, asked: socket.asked, catchUp: snapshots.map((s) => s.catchUp) };
    }""")
    assert result == {"drawn": ["r2"], "asked": 0, "catchUp": [False, True]}


def test_a_snapshot_asked_before_an_actions_answer_is_not_drawn_but_asked_again(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { connection, socket, snapshots } = openLive([]);
      const room = "counter:L1";
      socket.up();
      socket.fire("snapshot", { room, seq: 1, seqs: { [room]: 1 } });
      connection.resync();
      connection.resync();  // one on its way: the second waits for it
      connection.discardPending();  // the action's answer is newer than that one
      socket.fire("snapshot", { room, seq: 1, seqs: { [room]: 1 } });
      socket.fire("snapshot", { room, seq: 2, seqs: { [room]: 2 } });
      return { asked: socket.asked, drawn: snapshots.map((s) => s.seq) };
    }""")
    assert result == {"asked": 2, "drawn": [1, 2]}


def test_a_connections_own_snapshot_that_predates_an_actions_answer_is_not_drawn(
        harness: Any) -> None:
    result = harness.evaluate("""() => {
      const { connection, socket, snapshots } = openLive([]);
      const room = "counter:L1";
      connection.discardPending();  // an answer came before the connection's snapshot
      socket.up();
      socket.fire("snapshot", { room, seq: 1, seqs: { [room]: 1 } });
      const askedAfterFirst = socket.asked;
      socket.fire("snapshot", { room, seq: 2, seqs: { [room]: 2 } });
      return { askedAfterFirst, asked: socket.asked, drawn: snapshots.map((s) => s.seq) };
    }""")
    assert result == {"askedAfterFirst": 1, "asked": 1, "drawn": [2]}


def test_one_retry_policy_doubling_from_half_a_second_to_five(harness: Any) -> None:
    delays = harness.evaluate("[0, 1, 2, 3, 4, 5, 8].map((n) => live.retryDelay(n, () => 0.5))")
    assert delays == [500, 1000, 2000, 4000, 5000, 5000, 5000]
    # Jitter of half either way, so 500 displays do not come back in step.
    assert harness.evaluate("[live.retryDelay(0, () => 0), live.retryDelay(0, () => 1)]") \
        == [250, 750]
    options = harness.evaluate("""() => {
      const { socket } = openLive([]);
      const { reconnectionDelay, reconnectionDelayMax, randomizationFactor } = socket.options;
      return { reconnectionDelay, reconnectionDelayMax, randomizationFactor };
    }""")
    assert options == {"reconnectionDelay": 500, "reconnectionDelayMax": 5000,
                       "randomizationFactor": 0.5}


def test_a_refusal_is_retried_by_the_policy_unless_the_page_says_stop(harness: Any) -> None:
    result = harness.evaluate("""async () => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const refusals = [];
      const kept = openLive([], { onRefused: (message) => { refusals.push(message); } }).socket;
      const stopped = openLive([], { onRefused: () => false }).socket;
      for (const socket of [kept, stopped]) {
        socket.active = false;  // Socket.IO gives up on a refusal by the server
        socket.fire("connect_error", new Error("unavailable: try again shortly"));
      }
      const started = performance.now();
      while (kept.connects === 0 && performance.now() - started < 3000) await sleep(20);
      const waited = performance.now() - started;
      await sleep(900);
      return { refusals, kept: kept.connects, stopped: stopped.connects, waited };
    }""")
    assert result["refusals"] == ["unavailable: try again shortly"]
    assert result["kept"] == 1 and result["stopped"] == 0
    assert 200 <= result["waited"] <= 1000, result


def module_connections(page: Any) -> Any:
    """The retry settings of each connection the page opened through the shared module."""
    return page.evaluate("""async () => {
      const live = await import("/static/shared/live.js");
      return live.connections.map((c) => ({
        delay: c.socket.io.reconnectionDelay(), max: c.socket.io.reconnectionDelayMax(),
        jitter: c.socket.io.randomizationFactor(), connected: c.connected }));
    }""")


def test_all_four_pages_hold_one_connection_from_the_module_with_one_retry_policy(
        browser: Any, hall: ServedHall) -> None:
    status, ticket = call_api(hall, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
    assert status == 201, ticket
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    pages = {}
    try:
        for name, path, ready in (
                ("kiosk", f"/kiosk/kiosk-1?token={hall.tokens['kiosk-1']}",
                 "body[data-screen=start][data-online=true]"),
                ("display", f"/display/aula?token={hall.tokens['aula']}",
                 "body[data-ready=true]"),
                ("ticket", f"/t/{ticket['token']}", "#offline[hidden]")):
            page = context.new_page()
            page.goto(f"{hall.url}{path}")
            page.wait_for_selector(ready, state="attached")
            pages[name] = page
        console = open_console(browser, hall, "ayu")
        console.locator("#counter-choices button", has_text="Loket 1").click()
        console.wait_for_function("() => document.getElementById('live').dataset.state === 'on'")
        pages["console"] = console
        policy = {"delay": 500, "max": 5000, "jitter": 0.5}
        for name, page in pages.items():
            page.wait_for_function("""async () => (await import("/static/shared/live.js"))
              .connections.some((c) => c.connected)""")
            assert module_connections(page) == [{**policy, "connected": True}], name
    finally:
        context.close()
        if "console" in pages:
            pages["console"].context.close()
