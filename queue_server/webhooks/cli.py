"""`antre remote sweep`: one pass of the remote work, for cron or by hand."""

from __future__ import annotations

import click

from queue_server.settings import Settings


@click.group()
def remote() -> None:
    """Numbers taken from home (docs/remote.md)."""


@remote.command("sweep")
def sweep() -> None:
    """Expire bookings whose window ended (their quota given back), note remote tickets'
    progress for the webhook and post what is due; safe beside running servers."""
    from queue_server.runtime import build_runtime
    from queue_server.webhooks.worker import one_pass

    state = build_runtime(Settings())
    try:
        done = one_pass(state)
    finally:
        state.engine.dispose()
    click.echo(f"expired {done.expired}, noted {done.noted}, delivered {done.delivered}")
