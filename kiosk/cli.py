"""`antre kiosk-agent`: the print agent of one kiosk, run on the kiosk PC as a service."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

import click


@click.command("kiosk-agent")
@click.option("--server", required=True, envvar="ANTRE_SERVER", metavar="URL",
              help="The Antre server as the kiosk PC reaches it, e.g. http://192.168.10.5:5000 "
                   "(or $ANTRE_SERVER).")
@click.option("--kiosk", "kiosk_id", required=True, metavar="ID",
              help="This kiosk's id in config.yaml, e.g. kiosk-1.")
@click.option("--token", required=True, envvar="ANTRE_KIOSK_TOKEN", metavar="TOKEN",
              help="The kiosk's device token from `antre device token ID`; better given as "
                   "$ANTRE_KIOSK_TOKEN, which other users cannot read from the process list.")
@click.option("--printer", "printer_spec", default=None, metavar="SPEC",
              help="usb:VID:PID, serial:/dev/ttyS0[:baud], network:HOST[:PORT], file:PATH, "
                   "cups:NAME, win32:NAME or dummy. Default: the kiosk's printer in the "
                   "server's config.yaml.")
@click.option("--width", type=click.Choice(["80", "58"]), default=None,
              help="Paper width in mm. Default: the kiosk's paper_width in config.yaml.")
@click.option("--profile", default=None,
              help="python-escpos capability profile, e.g. TM-T20II. Default: config.yaml's, "
                   "else the width's.")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the agent remembers the jobs it printed. Default: $STATE_DIRECTORY "
                   "(systemd), else ~/.local/state/antre (Windows: %LOCALAPPDATA%\\Antre).")
@click.option("--status-every", type=click.FloatRange(min=1.0), default=5.0, show_default=True,
              help="Seconds between printer status reports.")
@click.option("--timeout", type=click.FloatRange(min=0.5), default=5.0, show_default=True,
              help="Seconds to wait for the printer at each step.")
def kiosk_agent(server: str, kiosk_id: str, token: str, printer_spec: str | None,
                width: str | None, profile: str | None, state_dir: Path | None,
                status_every: float, timeout: float) -> None:
    """Print this kiosk's tickets: stay connected to the server and print each job it sends.

    Runs until stopped (Ctrl+C, or SIGTERM from systemd); reconnects by itself.
    """
    from kiosk.agent import AgentOptions, KioskAgent, default_state_dir
    from printer import PrinterSpecError, parse_spec

    if printer_spec is not None:
        try:
            printer_spec = str(parse_spec(printer_spec))
        except PrinterSpecError as error:
            raise click.BadParameter(str(error), param_hint="'--printer'") from None
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = AgentOptions(
        server=server.rstrip("/"), kiosk=kiosk_id, token=token,
        state_dir=state_dir or default_state_dir(), printer=printer_spec,
        width=int(width) if width else None, profile=profile, status_every=status_every,
        timeout=timeout)
    agent = KioskAgent(options)

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        # Off the signal handler: stopping joins the client's threads.
        threading.Thread(target=agent.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"Antre print agent of {kiosk_id}: {server} -> "
               f"{printer_spec or 'the printer in config.yaml'}; jobs remembered in "
               f"{options.state_dir}", err=True)
    try:
        agent.run()
    except KeyboardInterrupt:
        agent.stop()
