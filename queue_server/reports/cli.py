"""`antre demo history`: past days played through the engine, for a demo or training hall."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click


@click.group()
def demo() -> None:
    """Demo and training data."""


@demo.command("history")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 400),
              help="Open days to fill (weekends and holidays are skipped).")
@click.option("--per-day", default=250, show_default=True, type=click.IntRange(1, 5000),
              help="About this many visitors a day.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              help="The data directory to fill (default: $ANTRE_DATA_DIR); use a new one.")
@click.option("--seed", default=13, show_default=True, type=int,
              help="The same seed gives the same history.")
def history(days: int, per_day: int, data_dir: Path | None, seed: int) -> None:
    """Fill DAYS open days before today with visitors, served through the queue engine.

    Refuses a database that already holds tickets: real days are never mixed with demo ones.
    """
    from queue_server.config import ConfigError
    from queue_server.queue.common import get_site, service_day
    from queue_server.reports.demo import HistoryRefused, fill_history
    from queue_server.runtime import build_runtime
    from queue_server.settings import Settings

    if data_dir is not None:
        os.environ["ANTRE_DATA_DIR"] = str(data_dir)
    try:
        state = build_runtime(Settings())
    except ConfigError as error:
        click.echo(f"error: {'; '.join(error.problems)}", err=True)
        sys.exit(1)
    try:
        with state.sessions() as session:
            today = service_day(get_site(session), state.clock.now())

        def progress(day: date, issued: int) -> None:
            click.echo(f"{day.isoformat()}: {issued} tickets")

        result = fill_history(state.sessions, today, days, per_day, seed, progress)
    except HistoryRefused as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    finally:
        state.engine.dispose()
    click.echo(f"filled {len(result.days)} days ({result.days[0]} to {result.days[-1]}): "
               f"{result.issued} tickets; {result.refused} arrivals refused by the rules "
               "(quota, a service's own hours)")
