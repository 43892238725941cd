"""display.chime, display.voice and the `say` command: announcements → WAV files."""

from __future__ import annotations

import io
import os
import shutil
import wave
from array import array
from pathlib import Path

import pytest
from click.testing import CliRunner

from display.announce import CLIP_WORDS, make_announcement
from display.chime import chime_wav
from display.cli import voice_say
from display.voice import (
    ClipSetError,
    VoiceError,
    WavFormat,
    espeak_available,
    espeak_wav,
    join_clips,
    missing_clips,
    prune_cache,
    render_announcement,
    validate_clip_set,
)

CLIP_RATE = 16000  # not the chime's default 22050: the chime must follow the voice's rate
CLIP_FRAMES = 40


def wav_info(data: bytes) -> tuple[wave._wave_params, array[int]]:
    with wave.open(io.BytesIO(data), "rb") as w:
        params = w.getparams()
        samples = array("h", w.readframes(w.getnframes()))
    return params, samples


def write_clip(path: Path, value: int, *, rate: int = CLIP_RATE, channels: int = 1) -> None:
    """A tiny clip whose every sample is ``value``, so a joined file shows which clip is where."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(array("h", [value] * CLIP_FRAMES * channels).tobytes())


@pytest.fixture
def clip_set(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    folder = tmp_path / "clips"
    folder.mkdir()
    values = {word: 100 * (i + 1) for i, word in enumerate((*CLIP_WORDS, "imigrasi"))}
    for word, value in values.items():
        write_clip(folder / f"{word}.wav", value)
    return folder, values


def runs(samples: array[int]) -> list[int]:
    """The sequence of distinct non-silent values, one per clip."""
    out: list[int] = []
    for s in samples:
        if s and (not out or out[-1] != s):
            out.append(s)
    return out


# --- chime ------------------------------------------------------------------------------------


def test_chime_is_a_valid_soft_wav() -> None:
    params, samples = wav_info(chime_wav())
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    duration = params.nframes / params.framerate
    assert 1.0 <= duration <= 3.5
    peak = max(abs(s) for s in samples)
    assert 0.3 * 32767 < peak < 0.9 * 32767  # audible, with headroom: no clipping
    # Soft attack and release: no step at either end to click.
    assert abs(samples[0]) < 200 and abs(samples[-1]) < 200
    assert max(abs(s) for s in samples[:20]) < 0.1 * peak


def test_chime_renders_at_any_rate_with_the_same_length() -> None:
    fast, _ = wav_info(chime_wav(44100))
    slow, _ = wav_info(chime_wav(16000))
    assert fast.framerate == 44100 and slow.framerate == 16000
    assert abs(fast.nframes / 44100 - slow.nframes / 16000) < 0.01


# --- clip sets --------------------------------------------------------------------------------


def test_join_clips_in_order_with_silences(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, values = clip_set
    a = make_announcement("AB-12", "Loket Imigrasi 2", 12)
    params, samples = wav_info(join_clips(a.words, folder))
    assert (params.nchannels, params.framerate) == (1, CLIP_RATE)
    assert runs(samples) == [values[w] for w in a.words]
    assert params.nframes > CLIP_FRAMES * len(a.words)  # silences between the words
    assert samples.count(0) > 0


def test_complete_clip_set_validates(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, _ = clip_set
    fmt = validate_clip_set(folder, ["Loket 1", "Loket Imigrasi 2"])
    assert fmt == WavFormat(1, 2, CLIP_RATE)
    assert missing_clips(folder) == []


def test_missing_clip_is_a_clear_error(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, _ = clip_set
    (folder / "belas.wav").unlink()
    assert missing_clips(folder) == ["belas.wav"]
    with pytest.raises(ClipSetError, match=r"missing 1 file\(s\): belas\.wav"):
        validate_clip_set(folder)
    a = make_announcement("A-12", "Loket 3", 3)
    with pytest.raises(ClipSetError, match=r"missing belas\.wav"):
        render_announcement(a, "clips", clips_dir=folder, cache_dir=folder)


def test_counter_word_without_a_clip_is_named(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, _ = clip_set
    with pytest.raises(ClipSetError, match=r"samsat\.wav come from counter names"):
        validate_clip_set(folder, ["Loket Samsat 1"])


def test_mismatched_clip_formats_are_refused(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, _ = clip_set
    write_clip(folder / "tiga.wav", 500, rate=22050)
    a = make_announcement("A-3", "Loket 1", 1)
    with pytest.raises(ClipSetError, match=r"tiga\.wav is 1 ch, 16-bit, 22050 Hz but .*16000 Hz"):
        join_clips(a.words, folder)
    with pytest.raises(ClipSetError, match="one format"):
        validate_clip_set(folder)


def test_a_clip_that_is_not_a_wav_is_named(clip_set: tuple[Path, dict[str, int]]) -> None:
    folder, _ = clip_set
    (folder / "loket.wav").write_bytes(b"ID3 this is an mp3")
    with pytest.raises(ClipSetError, match=r"loket\.wav is not a PCM WAV"):
        join_clips(["loket"], folder)


def test_clips_engine_puts_the_chime_first_at_the_voice_rate(
    clip_set: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    folder, values = clip_set
    a = make_announcement("A-12", "Loket 3", 3)
    voice_only = render_announcement(
        a, "clips", clips_dir=folder, cache_dir=tmp_path, with_chime=False
    )
    with_chime = render_announcement(a, "clips", clips_dir=folder, cache_dir=tmp_path)
    voice, voice_samples = wav_info(voice_only)
    both, both_samples = wav_info(with_chime)
    chime, _ = wav_info(chime_wav(CLIP_RATE))
    assert both.framerate == voice.framerate == CLIP_RATE
    assert both.nframes > voice.nframes + chime.nframes  # chime, a pause, then the voice
    assert both_samples[-voice.nframes :] == voice_samples
    assert runs(voice_samples) == [values[w] for w in a.words]


def test_stereo_clips_get_a_stereo_chime(tmp_path: Path) -> None:
    a = make_announcement("A-1", "Loket 1", 1)
    for word in a.words:
        write_clip(tmp_path / f"{word}.wav", 300, channels=2)
    wav = render_announcement(a, "clips", clips_dir=tmp_path, cache_dir=tmp_path)
    params, samples = wav_info(wav)
    assert (params.nchannels, params.framerate) == (2, CLIP_RATE)
    chime, chime_samples = wav_info(chime_wav(CLIP_RATE))
    assert samples[0 : 2 * chime.nframes : 2] == chime_samples  # left channel
    assert samples[1 : 2 * chime.nframes : 2] == chime_samples  # right channel


# --- engines ----------------------------------------------------------------------------------


def test_chime_engine_is_the_chime_alone(tmp_path: Path) -> None:
    a = make_announcement("A-1", "Loket 1", 1)
    assert render_announcement(a, "chime", clips_dir=None, cache_dir=tmp_path) == chime_wav()
    assert list(tmp_path.iterdir()) == []  # nothing rendered, nothing cached


def test_browser_and_unknown_engines(tmp_path: Path) -> None:
    a = make_announcement("A-1", "Loket 1", 1)
    with pytest.raises(VoiceError, match="speechSynthesis"):
        render_announcement(a, "browser", clips_dir=None, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown voice engine 'gtts'"):
        render_announcement(a, "gtts", clips_dir=None, cache_dir=tmp_path)
    with pytest.raises(VoiceError, match="needs clips_dir"):
        render_announcement(a, "clips", clips_dir=None, cache_dir=tmp_path)


def test_without_espeak_the_engine_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A machine without espeak-ng: nothing on PATH.
    monkeypatch.setenv("PATH", str(tmp_path))
    assert espeak_available() is False
    with pytest.raises(VoiceError, match="espeak-ng is not installed"):
        espeak_wav("halo", cache_dir=tmp_path / "cache")
    a = make_announcement("A-1", "Loket 1", 1)
    with pytest.raises(VoiceError, match="espeak-ng is not installed"):
        render_announcement(a, "espeak", clips_dir=None, cache_dir=tmp_path)


def test_fallback_to_chime_when_the_engine_cannot_speak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng
    a = make_announcement("A-1", "Loket 1", 1)
    for engine, clips in (("espeak", None), ("clips", tmp_path), ("browser", None)):
        wav = render_announcement(
            a, engine, clips_dir=clips, cache_dir=tmp_path, fallback_to_chime=True
        )
        assert wav == chime_wav(), engine
    assert "ringing the chime only" in caplog.text


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_a_hall_may_have_the_english_sentence_said_after_the_indonesian(tmp_path: Path) -> None:
    """say_english: the Indonesian call, a pause, then the English one in espeak's English
    voice, in one WAV of the same format; the Indonesian part is unchanged."""
    a = make_announcement("B-3", "Loket 2", 2)
    alone = render_announcement(a, "espeak", clips_dir=None, cache_dir=tmp_path, with_chime=False)
    both = render_announcement(a, "espeak", clips_dir=None, cache_dir=tmp_path, with_chime=False,
                               english=True)
    first, first_samples = wav_info(alone)
    params, samples = wav_info(both)
    assert (params.nchannels, params.sampwidth, params.framerate) == (
        first.nchannels, first.sampwidth, first.framerate)
    assert samples[:first.nframes] == first_samples
    english = espeak_wav(a.text_en, cache_dir=tmp_path, voice="en")
    assert params.nframes > first.nframes + wav_info(english)[0].nframes
    assert max(abs(x) for x in samples[first.nframes:]) > 1000  # the English is not silence


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_renders_and_caches(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = make_announcement("B-3", "Loket 2", 2)
    first = render_announcement(a, "espeak", clips_dir=None, cache_dir=cache)
    params, samples = wav_info(first)
    assert params.nchannels == 1 and params.sampwidth == 2
    chime, _ = wav_info(chime_wav(params.framerate))
    assert params.nframes / params.framerate > chime.nframes / chime.framerate + 1.0
    assert max(abs(s) for s in samples[chime.nframes :]) > 1000  # the voice is not silence

    cached = list(cache.iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".wav"
    os.utime(cached[0], ns=(1_000_000_000, 1_000_000_000))  # an mtime a rewrite would change
    inode = cached[0].stat().st_ino

    second = render_announcement(a, "espeak", clips_dir=None, cache_dir=cache)
    assert second == first
    assert list(cache.iterdir()) == cached
    assert cached[0].stat().st_mtime_ns == 1_000_000_000
    assert cached[0].stat().st_ino == inode

    render_announcement(a, "espeak", clips_dir=None, cache_dir=cache, speed=120)
    assert len(list(cache.iterdir())) == 2  # the speed is part of the cache key


def test_prune_cache_drops_the_oldest_renders(tmp_path: Path) -> None:
    for i in range(5):
        f = tmp_path / f"espeak-{i}.wav"
        f.write_bytes(b"x")
        os.utime(f, (1000 + i, 1000 + i))
    (tmp_path / "notes.txt").write_text("not ours")
    assert prune_cache(tmp_path, max_files=3) == 2
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["espeak-2.wav", "espeak-3.wav", "espeak-4.wav", "notes.txt"]
    assert prune_cache(tmp_path, max_files=3) == 0


# --- the `say` command ------------------------------------------------------------------------


def test_say_with_the_chime_writes_it_and_prints_no_sentence(tmp_path: Path) -> None:
    """The chime speaks no sentence: the command must not print one as if it did."""
    out = tmp_path / "call.wav"
    result = CliRunner().invoke(
        voice_say, ["A-012", "--counter", "3", "--engine", "chime", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "(chime only: no sentence is spoken)\n"
    assert out.read_bytes() == chime_wav()


def test_say_with_a_clip_set(clip_set: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    folder, values = clip_set
    out = tmp_path / "call.wav"
    args = ["AB-7", "--counter", "12", "--counter-name", "Loket Imigrasi 2", "--engine", "clips",
            "--clips", str(folder), "--out", str(out), "--no-chime"]  # fmt: skip
    result = CliRunner().invoke(voice_say, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Nomor antrean AB tujuh, silakan menuju loket imigrasi dua"
    words = ["nomor-antrean", "a", "be", "tujuh", "silakan-menuju", "loket", "imigrasi", "dua"]
    assert runs(wav_info(out.read_bytes())[1]) == [values[w] for w in words]


def test_say_default_engine_writes_a_wav(tmp_path: Path) -> None:
    out = tmp_path / "call.wav"
    args = ["C-101", "--counter", "5", "--out", str(out), "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(voice_say, args)
    assert result.exit_code == 0, result.output
    assert "seratus satu" in result.output
    assert wav_info(out.read_bytes())[0].nframes > 0


def test_say_errors(tmp_path: Path) -> None:
    out = str(tmp_path / "x.wav")
    bad = CliRunner().invoke(voice_say, ["A-0", "--counter", "1", "--out", out])
    assert bad.exit_code == 2 and "number must be 1-999" in bad.output
    no_dir = CliRunner().invoke(voice_say, ["A-1", "--counter", "1", "--engine", "clips",
                                            "--out", out])  # fmt: skip
    assert no_dir.exit_code == 2 and "--clips DIR" in no_dir.output
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = CliRunner().invoke(voice_say, ["A-1", "--counter", "1", "--engine", "clips",
                                             "--clips", str(empty), "--out", out])  # fmt: skip
    assert missing.exit_code == 1 and "missing nomor-antrean.wav" in missing.output
    assert not Path(out).exists()
