"""The call chime: a soft three-tone "ding-dong-dong", synthesised here so no audio file ships.

Pure Python (``math`` + ``array`` + ``wave``): 16-bit mono PCM at any sample rate, so it can be
rendered at the voice's own rate and joined to it without resampling.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from functools import lru_cache

DEFAULT_RATE = 22050

# Descending major triad G5, E5, C5: the familiar public-address "ding-dong", and the last note
# is the lowest so the chime sounds finished before the voice starts.
TONES_HZ: tuple[float, ...] = (783.99, 659.25, 523.25)
TONE_SPACING_S = 0.42  # start of one tone to the start of the next
TONE_LENGTH_S = 1.1  # each tone rings this long (the tones overlap, like struck bars)
ATTACK_S = 0.012  # a few ms of fade-in: an instant start clicks on small speakers
DECAY_PER_S = 4.0  # exponential decay rate: bell-like, not an organ
PEAK = 0.6  # of full scale; headroom so the TV's speakers do not distort
# Partials (multiple of the fundamental, relative level): a pure sine sounds like a test tone;
# a little of the octave and twelfth makes it a chime.
PARTIALS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))


def chime_samples(rate: int = DEFAULT_RATE) -> array[int]:
    """The chime as signed 16-bit mono samples at ``rate`` Hz."""
    return array("h", _chime_samples(rate))


def chime_wav(rate: int = DEFAULT_RATE) -> bytes:
    """The chime as a complete 16-bit mono WAV file at ``rate`` Hz."""
    return _chime_wav(rate)


@lru_cache(maxsize=8)
def _chime_wav(rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_to_little_endian(_chime_samples(rate)))
    return buffer.getvalue()


@lru_cache(maxsize=8)
def _chime_samples(rate: int) -> tuple[int, ...]:
    # Cached: a display server renders the chime for every call; it never changes.
    if rate < 8000 or rate > 192000:
        raise ValueError(f"sample rate {rate} Hz is not sensible; use 8000-192000 (e.g. 22050)")
    total_s = TONE_SPACING_S * (len(TONES_HZ) - 1) + TONE_LENGTH_S
    mix = [0.0] * int(total_s * rate)
    for index, freq in enumerate(TONES_HZ):
        start = int(index * TONE_SPACING_S * rate)
        _add_tone(mix, start, freq, rate)

    loudest = max(abs(v) for v in mix)
    scale = PEAK * 32767 / loudest
    return tuple(round(v * scale) for v in mix)


def _add_tone(mix: list[float], start: int, freq: float, rate: int) -> None:
    length = min(int(TONE_LENGTH_S * rate), len(mix) - start)
    attack = max(1, int(ATTACK_S * rate))
    # The last 10% fades linearly to zero: the exponential alone never reaches silence, and the
    # step at the cut would click.
    release = max(1, length // 10)
    partials = [(2 * math.pi * freq * mult / rate, level) for mult, level in PARTIALS]
    for i in range(length):
        envelope = math.exp(-DECAY_PER_S * i / rate)
        if i < attack:
            envelope *= 0.5 - 0.5 * math.cos(math.pi * i / attack)  # raised-cosine fade-in
        if i >= length - release:
            envelope *= (length - i) / release
        mix[start + i] += envelope * sum(level * math.sin(w * i) for w, level in partials)


def _to_little_endian(samples: tuple[int, ...]) -> bytes:
    data = array("h", samples)
    if data.itemsize != 2:  # pragma: no cover - every supported platform has 2-byte shorts
        raise RuntimeError("array('h') is not 16-bit on this platform")
    if sys.byteorder == "big":  # WAV is little-endian
        data.byteswap()
    return data.tobytes()
