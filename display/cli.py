"""``antre voice say``: render one call to a WAV file, to try a voice engine or a clip set."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from display.announce import make_announcement
from display.voice import Engine, VoiceError, default_engine, render_announcement

# The engines that render on the server; "browser" speaks in the display page.
_RENDERED = [Engine.CLIPS.value, Engine.ESPEAK.value, Engine.CHIME.value]


def _default_cache() -> Path:
    return Path(tempfile.gettempdir()) / "antre-voice-cache"


@click.command("say")
@click.argument("code")
@click.option(
    "--counter",
    "counter_number",
    type=int,
    required=True,
    metavar="NUMBER",
    help="Counter (loket) number, said in the English text.",
)
@click.option(
    "--counter-name",
    metavar="NAME",
    help='Counter name as configured, said in Indonesian  [default: "Loket <NUMBER>"]',
)
@click.option(
    "--engine",
    type=click.Choice(_RENDERED),
    default=None,
    help="Voice engine  [default: espeak if espeak-ng is installed, else chime]",
)
@click.option(
    "--clips",
    "clips_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of recorded word clips (for --engine clips).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    metavar="FILE.wav",
    help="WAV file to write.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="espeak-ng cache folder  [default: a folder in the temp dir]",
)
@click.option(
    "--chime/--no-chime", default=True, show_default=True, help="Ring the chime before the voice."
)
def voice_say(
    code: str,
    counter_number: int,
    counter_name: str | None,
    engine: str | None,
    clips_dir: Path | None,
    out: Path,
    cache_dir: Path | None,
    chime: bool,
) -> None:
    """Render the call of ticket CODE (e.g. A-012) to a WAV file and print what is said."""
    # Typed by hand at a terminal: accept "a-12" for "A-12"; the server always sends upper case.
    try:
        announcement = make_announcement(
            code.upper(), counter_name or f"Loket {counter_number}", counter_number
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc

    chosen = Engine(engine) if engine else default_engine()
    if chosen is Engine.CLIPS and clips_dir is None:
        raise click.UsageError("--engine clips needs --clips DIR, the folder of recorded words")
    try:
        wav = render_announcement(
            announcement,
            chosen,
            clips_dir=clips_dir,
            cache_dir=cache_dir or _default_cache(),
            with_chime=chime,
        )
    except VoiceError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(wav)
    if chosen is Engine.CHIME:  # no sentence is spoken: do not print one as if it were
        click.echo("(chime only: no sentence is spoken)")
    else:
        click.echo(announcement.text_id)
