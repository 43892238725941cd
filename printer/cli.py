"""``antre print-test``: print a sample ticket to check a kiosk's printer."""

from __future__ import annotations

import click

from printer.errors import PrinterConfigError, PrintError, PrinterSpecError
from printer.job import print_ticket
from printer.sample import sample_ticket
from printer.spec import parse_spec

EXIT_PRINT_FAILED = 2


@click.command("print-test")
@click.option(
    "--printer",
    "printer_spec",
    required=True,
    metavar="SPEC",
    help="usb:VID:PID, serial:/dev/ttyS0[:baud], network:HOST[:PORT], file:PATH, cups:NAME, "
    "win32:NAME or dummy.",
)
@click.option(
    "--width",
    type=click.Choice(["80", "58"]),
    default="80",
    show_default=True,
    help="Paper width in mm.",
)
@click.option("--profile", default=None, help="python-escpos capability profile, e.g. TM-T20II.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to wait for the printer at each step.",
)
def print_test(printer_spec: str, width: str, profile: str | None, timeout: float) -> None:
    """Print a sample ticket; print "ok", or the error kind and message and exit 2."""
    try:
        spec = parse_spec(printer_spec)
    except PrinterSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="'--printer'") from None
    try:
        status = print_ticket(
            spec, sample_ticket(), width=int(width), profile=profile, timeout=timeout
        )
    except PrinterConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--profile'") from None
    except PrintError as exc:
        click.echo(f"{exc.kind}: {exc.message_en} / {exc.message_id}", err=True)
        if exc.detail:
            click.echo(f"  {exc.detail}", err=True)
        raise SystemExit(EXIT_PRINT_FAILED) from None
    if status.state == "ok":
        click.echo("ok")
    else:
        click.echo(f"ok ({status.state}: {status.message_en} / {status.message_id})")


if __name__ == "__main__":  # python -m printer.cli --printer ...
    print_test()
