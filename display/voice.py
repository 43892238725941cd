"""Voice engines: an ``Announcement`` → one WAV (chime, then the voice). None needs the internet.

- ``clips``: a hall's recorded clip set, ``<folder>/<word>.wav`` joined in the order of
  ``Announcement.words`` (the usual Indonesian queue-system voice);
- ``espeak``: espeak-ng on the server, cached on disk;
- ``chime``: the chime alone;
- ``browser``: the display's own speechSynthesis; nothing to render here.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from display.announce import CLIP_WORDS, PAUSE_BEFORE, Announcement, extra_clip_words
from display.chime import chime_samples, chime_wav

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
ESPEAK_VOICE = "id"
ESPEAK_VOICE_EN = "en"  # the same engine's English voice, for a hall that asks for both
ENGLISH_GAP_S = 0.6
ESPEAK_SPEED = 150  # words per minute; espeak's 175 is hurried for a noisy hall
ESPEAK_TIMEOUT_S = 20.0

# Every distinct (code, counter) call is a new cache file of ~200 KB; cap the folder so a small
# PC's disk does not fill over months. The oldest files go first; a pruned call is re-rendered.
ESPEAK_CACHE_MAX_FILES = 2000

WORD_GAP_S = 0.08  # between clips: enough to separate takes, short enough to sound like speech
PHRASE_GAP_S = 0.3  # at the sentence's comma (see announce.PAUSE_BEFORE)
CHIME_GAP_S = 0.25  # between the chime's tail and the first word


class Engine(StrEnum):
    CLIPS = "clips"
    ESPEAK = "espeak"
    BROWSER = "browser"
    CHIME = "chime"


class VoiceError(RuntimeError):
    """An announcement could not be rendered; the message says why and what to do."""


class ClipSetError(VoiceError):
    """A clip set is incomplete or its files do not fit together."""


class WavFormat(NamedTuple):
    channels: int
    sample_width: int  # bytes per sample
    rate: int

    def describe(self) -> str:
        return f"{self.channels} ch, {8 * self.sample_width}-bit, {self.rate} Hz"


def espeak_available() -> bool:
    """True when the espeak-ng program is on PATH."""
    return shutil.which(ESPEAK) is not None


def default_engine() -> Engine:
    """espeak when installed, else the chime alone (a hall can always ring the chime)."""
    return Engine.ESPEAK if espeak_available() else Engine.CHIME


def render_announcement(
    announcement: Announcement,
    engine: str,
    *,
    clips_dir: Path | None,
    cache_dir: Path,
    with_chime: bool = True,
    voice: str = ESPEAK_VOICE,
    speed: int = ESPEAK_SPEED,
    fallback_to_chime: bool = False,
    english: bool = False,
) -> bytes:
    """Render ``announcement`` with ``engine`` as one WAV: the chime, a pause, then the voice.

    The chime is synthesised at the voice's sample rate, so nothing is resampled.
    Raises ValueError for an unknown engine and VoiceError when the engine cannot speak; with
    ``fallback_to_chime`` a VoiceError is logged and the chime alone returned instead, because
    in the hall a call that rings is better than a call that is silent. With ``english`` (a
    hall option, espeak only: clips are Indonesian words) the English sentence follows the
    Indonesian one, in the same engine's English voice.
    """
    try:
        chosen = Engine(engine)
    except ValueError:
        names = ", ".join(e.value for e in Engine)
        raise ValueError(f"unknown voice engine {engine!r}; choose one of: {names}") from None
    try:
        return _render(announcement, chosen, clips_dir, cache_dir, with_chime, voice, speed,
                       english)
    except VoiceError as exc:
        if not fallback_to_chime:
            raise
        log.warning(
            "voice engine %s cannot say %s, ringing the chime only: %s",
            chosen.value,
            announcement.code,
            exc,
        )
        return chime_wav()


def _render(
    announcement: Announcement,
    chosen: Engine,
    clips_dir: Path | None,
    cache_dir: Path,
    with_chime: bool,
    voice: str,
    speed: int,
    english: bool = False,
) -> bytes:
    if chosen is Engine.CHIME:
        return chime_wav()
    if chosen is Engine.BROWSER:
        raise VoiceError(
            "the 'browser' engine speaks in the display with speechSynthesis; the server has "
            "nothing to render (serve chime_wav() and let the page say speech_id)"
        )
    if chosen is Engine.CLIPS:
        if clips_dir is None:
            raise VoiceError("the 'clips' engine needs clips_dir, the folder of recorded words")
        fmt, frames = _join_clips(announcement.words, Path(clips_dir))
    else:
        spoken = espeak_wav(announcement.speech_id, cache_dir=cache_dir, voice=voice, speed=speed)
        fmt, frames = read_wav(spoken)
        if english:
            said_en = espeak_wav(announcement.text_en, cache_dir=cache_dir,
                                 voice=ESPEAK_VOICE_EN, speed=speed)
            fmt_en, frames_en = read_wav(said_en)
            if fmt_en == fmt:  # the same engine: the same format; never mix rates
                frames = frames + _silence(fmt, ENGLISH_GAP_S) + frames_en
    if with_chime:
        frames = _chime_frames(fmt) + _silence(fmt, CHIME_GAP_S) + frames
    return write_wav(fmt, frames)


# --- recorded clip sets ----------------------------------------------------------------------


def join_clips(words: Sequence[str], clips_dir: Path) -> bytes:
    """Join ``<clips_dir>/<word>.wav`` in order, with short silences, into one WAV."""
    return write_wav(*_join_clips(words, Path(clips_dir)))


def missing_clips(clips_dir: Path, words: Iterable[str] = CLIP_WORDS) -> list[str]:
    """File names (``"belas.wav"``) of ``words`` that ``clips_dir`` lacks, in order."""
    folder = Path(clips_dir)
    seen: dict[str, None] = dict.fromkeys(words)
    return [f"{word}.wav" for word in seen if not (folder / f"{word}.wav").is_file()]


def validate_clip_set(clips_dir: Path, counter_names: Iterable[str] = ()) -> WavFormat:
    """Check a clip set is complete for these counter names and all one format; return it.

    Raises ClipSetError listing every missing file (and which come from counter names) or the
    first file whose format differs.
    """
    folder = Path(clips_dir)
    if not folder.is_dir():
        raise ClipSetError(f"clip folder {folder} does not exist")
    extra = extra_clip_words(counter_names)
    missing = missing_clips(folder, (*CLIP_WORDS, *extra))
    if missing:
        from_names = [name for name in missing if name.removesuffix(".wav") in extra]
        hint = (
            f" ({', '.join(from_names)} come from counter names: record them or rename the "
            "counters)"
            if from_names
            else ""
        )
        raise ClipSetError(
            f"clip set {folder} is missing {len(missing)} file(s): {', '.join(missing)}{hint}; "
            "see docs/voice.md for the word list"
        )
    fmt: WavFormat | None = None
    first: Path | None = None
    for word in (*CLIP_WORDS, *extra):
        path = folder / f"{word}.wav"
        this, _ = _read_clip(path)
        if fmt is None:
            fmt, first = this, path
        elif this != fmt:
            raise _mismatch(first, fmt, path, this)
    assert fmt is not None  # CLIP_WORDS is never empty
    return fmt


def _join_clips(words: Sequence[str], folder: Path) -> tuple[WavFormat, bytes]:
    if not words:
        raise ValueError("nothing to say: the word list is empty")
    missing = missing_clips(folder, words)
    if missing:
        raise ClipSetError(
            f"clip set {folder} is missing {', '.join(missing)}; record them (see docs/voice.md)"
        )
    fmt: WavFormat | None = None
    first: Path | None = None
    pieces: list[bytes] = []
    for index, word in enumerate(words):
        path = folder / f"{word}.wav"
        this, frames = _read_clip(path)
        if fmt is None:
            fmt, first = this, path
        elif this != fmt:
            raise _mismatch(first, fmt, path, this)
        if index:
            gap = PHRASE_GAP_S if word in PAUSE_BEFORE else WORD_GAP_S
            pieces.append(_silence(fmt, gap))
        pieces.append(frames)
    assert fmt is not None
    return fmt, b"".join(pieces)


def _read_clip(path: Path) -> tuple[WavFormat, bytes]:
    try:
        return read_wav(path.read_bytes())
    except (wave.Error, EOFError) as exc:
        raise ClipSetError(
            f"{path} is not a PCM WAV file Python can read ({exc}); export it as 16-bit PCM "
            "mono WAV"
        ) from exc


def _mismatch(first: Path | None, fmt: WavFormat, path: Path, this: WavFormat) -> ClipSetError:
    # Joining different rates would play words at the wrong pitch; refuse rather than resample.
    return ClipSetError(
        f"{path.name} is {this.describe()} but {first.name if first else 'the set'} is "
        f"{fmt.describe()}; export every clip in one format (16-bit mono, one sample rate)"
    )


# --- espeak-ng --------------------------------------------------------------------------------


def espeak_wav(
    text: str,
    *,
    cache_dir: Path,
    voice: str = ESPEAK_VOICE,
    speed: int = ESPEAK_SPEED,
    timeout: float = ESPEAK_TIMEOUT_S,
) -> bytes:
    """Speak ``text`` with espeak-ng into a WAV, cached in ``cache_dir`` by (text, voice, speed).

    A recall or a repeated code is served from the cache without running espeak-ng again.
    """
    cache = Path(cache_dir)
    key = json.dumps([text, voice, speed], ensure_ascii=False)
    path = cache / f"espeak-{hashlib.sha256(key.encode('utf-8')).hexdigest()}.wav"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass

    binary = shutil.which(ESPEAK)
    if binary is None:
        raise VoiceError(
            f"{ESPEAK} is not installed (Debian: apt install espeak-ng); "
            "use the 'clips' or 'chime' engine instead"
        )
    cache.mkdir(parents=True, exist_ok=True)
    # Render to a temporary name and rename: two workers saying the same call at once must never
    # read a half-written file.
    fd, tmp_name = tempfile.mkstemp(prefix=".espeak-", suffix=".wav", dir=cache)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # The text goes through stdin: as an argument, text starting with "-" would be an option.
        cmd = [binary, "-v", voice, "-s", str(speed), "-w", str(tmp), "--stdin"]
        try:
            result = subprocess.run(
                cmd,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise VoiceError(f"{ESPEAK} did not finish within {timeout:g} s") from None
        except OSError as exc:
            raise VoiceError(f"could not run {binary}: {exc}") from exc
        if result.returncode != 0:
            stderr = result.stderr.decode("utf-8", "replace").strip()
            raise VoiceError(
                f"{ESPEAK} failed (exit {result.returncode}): {stderr or 'no message'}; "
                f"is the voice {voice!r} installed? (espeak-ng --voices)"
            )
        data = tmp.read_bytes()
        try:
            read_wav(data)
        except (wave.Error, EOFError) as exc:
            raise VoiceError(f"{ESPEAK} wrote an unreadable WAV: {exc}") from exc
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    prune_cache(cache, keep=path)
    return data


def prune_cache(
    cache_dir: Path, *, max_files: int = ESPEAK_CACHE_MAX_FILES, keep: Path | None = None
) -> int:
    """Delete the oldest espeak WAVs beyond ``max_files`` (never ``keep``); return how many."""
    files = list(Path(cache_dir).glob("espeak-*.wav"))
    if len(files) <= max_files:
        return 0

    # Another worker may delete the same files at the same moment; that is fine.
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    removed = 0
    for old in sorted(files, key=age)[: len(files) - max_files]:
        if old != keep:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


# --- WAV plumbing -----------------------------------------------------------------------------


def read_wav(data: bytes) -> tuple[WavFormat, bytes]:
    """Parse a PCM WAV into its format and raw frames (``wave.Error`` if it is not one)."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        fmt = WavFormat(wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        frames = wav.readframes(wav.getnframes())
    # A header whose length field disagrees with the data (espeak-ng writing to a pipe does
    # this) would give a ragged final frame; drop the partial frame.
    frame_size = fmt.channels * fmt.sample_width
    return fmt, frames[: len(frames) - len(frames) % frame_size]


def write_wav(fmt: WavFormat, frames: bytes) -> bytes:
    """Raw frames in ``fmt`` → a complete WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(fmt.sample_width)
        wav.setframerate(fmt.rate)
        wav.writeframes(frames)
    return buffer.getvalue()


def _silence(fmt: WavFormat, seconds: float) -> bytes:
    # 8-bit WAV is unsigned: its silence is 0x80, not 0x00.
    fill = b"\x80" if fmt.sample_width == 1 else b"\x00"
    return fill * (int(seconds * fmt.rate) * fmt.channels * fmt.sample_width)


def _chime_frames(fmt: WavFormat) -> bytes:
    """The chime in the voice's format: its rate, its channel count."""
    if fmt.sample_width != 2:
        raise VoiceError(
            f"the voice is {fmt.describe()}; the chime can only be joined to 16-bit audio "
            "(export the clips as 16-bit PCM)"
        )
    mono = chime_samples(fmt.rate)
    if fmt.channels == 1:
        samples = mono
    else:
        samples = array("h", (s for s in mono for _ in range(fmt.channels)))
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    return samples.tobytes()
