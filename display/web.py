"""The hall display, `/display/<id>`: the page, the voice of a call or an announcement, and
the slideshow.

The page is public HTML; it holds the display's device token in the browser (`localStorage`),
put there once by the setup link `/display/<id>?token=<device token>`. With it the page
connects to Socket.IO (`{"display": id, "token": ...}`) and fetches each call's voice from
`/display/<id>/voice.wav`. Everything the page shows comes from the hub's snapshot and events;
this module reads only config.yaml and renders sound. The server mounts it with
`display_blueprint`, handing in the hall, its folders, its clock and its token check.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flask import Blueprint, Response, abort, jsonify, render_template, send_from_directory
from flask import request as flask_request
from flask.typing import ResponseReturnValue

from display import chime
from display.announce import Announcement, hall_notice, make_announcement, parse_code
from display.voice import (
    ESPEAK_VOICE,
    ESPEAK_VOICE_EN,
    Engine,
    VoiceError,
    espeak_available,
    render_announcement,
)

if TYPE_CHECKING:
    from queue_server.config import Display, HallConfig

HIGHLIGHT_S = 8  # how long a new call stays highlighted
MEDIA_INTERVAL_S = 12  # each slideshow image
MEDIA_TYPES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
MEDIA_MAX_FILES = 200
VOICE_CACHE_ENTRIES = 32  # rendered voices kept in memory: a call is fetched by every display
VOICE_MAX_AGE_S = 3600


class Clock(Protocol):
    def now(self) -> datetime: ...


class VoiceRefused(Exception):
    """A voice request that cannot be answered: its status, a code and why (the page then
    rings the chime alone)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def display_blueprint(hall: HallConfig, *, data_dir: Path, config_dir: Path, clock: Clock,
                      authorize: Callable[[str], object]) -> Blueprint:
    """The display pages of this hall.

    `authorize(display_id)` raises (an API error) unless the request carries that display's
    token or a staff login; relative `clips_dir`/`media_dir` are read from `config_dir`;
    espeak renders are cached under `data_dir/voice-cache`.
    """
    bp = Blueprint("display", __name__, url_prefix="/display", template_folder="templates",
                   static_folder="static", static_url_path="/static")
    voices = _VoiceCache(data_dir / "voice-cache")

    def display_of(display_id: str) -> Display:
        for display in hall.displays:
            if display.id == display_id:
                return display
        abort(404, f"Layar '{display_id}' tidak ada di config.yaml.")

    def folder(value: str | None) -> Path | None:
        if not value:
            return None
        path = Path(value)
        return path if path.is_absolute() else config_dir / path

    @bp.get("/<display_id>")
    def display_page(display_id: str) -> ResponseReturnValue:
        display = display_of(display_id)
        page = {
            "display": {"id": display.id, "name": display.name, "voice": display.voice,
                        "agencies": list(display.agencies) if display.agencies else None},
            "site": {"name": hall.site.name, "short_name": hall.site.short_name,
                     "timezone": hall.site.timezone, "timezone_label": hall.site.timezone_label,
                     "languages": list(hall.site.languages)},
            # The TV box's own clock may be wrong: the page keeps the offset to this one.
            "server_now": int(clock.now().timestamp() * 1000),
            "highlight_s": HIGHLIGHT_S,
            "media_interval_s": _seconds("slide", MEDIA_INTERVAL_S, 2, 600),
            "has_media": bool(display.media_dir),
            "show_ikm": display.show_ikm,  # this month's SKM/IKM badge (docs/skm.md)
            "chime": {
                "tones_hz": list(chime.TONES_HZ), "spacing_s": chime.TONE_SPACING_S,
                "length_s": chime.TONE_LENGTH_S, "attack_s": chime.ATTACK_S,
                "decay_per_s": chime.DECAY_PER_S, "peak": chime.PEAK,
                "partials": [list(p) for p in chime.PARTIALS],
            },
        }
        body = render_template("display/display.html", page=page, display=display,
                               site=hall.site)
        # The setup link carries the device token: keep it out of caches and referrers.
        return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

    @bp.get("/<display_id>/voice.wav")
    def display_voice(display_id: str) -> ResponseReturnValue:
        """The voice of one call (without the chime, which the page plays first)."""
        display = display_of(display_id)
        authorize(display_id)
        try:
            said = _call_to_say(hall, display, flask_request.args.get("code", ""),
                                flask_request.args.get("counter", ""))
            wav = voices.render(display.voice, folder(display.clips_dir), said,
                                english=display.say_english)
        except VoiceRefused as refused:
            return jsonify({"error": {"code": refused.code, "message": refused.message}}), \
                refused.status
        return Response(wav, mimetype="audio/wav",
                        headers={"Cache-Control": f"private, max-age={VOICE_MAX_AGE_S}"})

    @bp.get("/<display_id>/notice.wav")
    def display_notice(display_id: str) -> ResponseReturnValue:
        """The voice of a hall announcement ("Pengumuman: ..."), in the page's language
        (`lang=en`: English only; else Indonesian, then English where the display says calls
        in both). A recorded voice has no words for free text: espeak says it instead."""
        display = display_of(display_id)
        authorize(display_id)
        english_only = flask_request.args.get("lang") == "en"
        try:
            notice = hall_notice(flask_request.args.get("text", ""))
        except ValueError as error:
            return jsonify({"error": {"code": "bad_text", "message": str(error)}}), 400
        engine = Engine.ESPEAK if display.voice == Engine.CLIPS else display.voice
        try:
            wav = voices.render(
                engine, None, replace(notice, speech_id=notice.text_en) if english_only
                else notice, english=display.say_english and not english_only,
                voice=ESPEAK_VOICE_EN if english_only else ESPEAK_VOICE)
        except VoiceRefused as refused:
            return jsonify({"error": {"code": refused.code, "message": refused.message}}), \
                refused.status
        return Response(wav, mimetype="audio/wav",
                        headers={"Cache-Control": f"private, max-age={VOICE_MAX_AGE_S}"})

    @bp.get("/<display_id>/media.json")
    def display_media(display_id: str) -> ResponseReturnValue:
        display = display_of(display_id)
        images = _media_files(folder(display.media_dir))
        return jsonify({"images": images}), 200, {"Cache-Control": "no-cache"}

    @bp.get("/<display_id>/media/<name>")
    def display_media_file(display_id: str, name: str) -> ResponseReturnValue:
        display = display_of(display_id)
        where = folder(display.media_dir)
        if where is None or Path(name).suffix.lower() not in MEDIA_TYPES:
            abort(404)
        return send_from_directory(where, name, max_age=3600)

    return bp


def _seconds(name: str, default: float, low: float, high: float) -> float:
    """A timing from the address (`?slide=5`, for a hall's taste and for tests), in bounds."""
    try:
        value = float(flask_request.args.get(name, default))
    except ValueError:
        return default
    return min(high, max(low, value))


def _call_to_say(hall: HallConfig, display: Display, code: str,
                 counter_id: str) -> Announcement:
    """The announcement of a call this display could have shown.

    Only real combinations are rendered (a prefix the counter serves, a counter the display
    covers), so the voice cache cannot be filled with made-up calls.
    """
    counter = next((c for c in hall.counters if c.id == counter_id), None)
    if counter is None or (display.agencies and counter.agency not in display.agencies):
        raise VoiceRefused(404, "unknown_counter",
                           f"Loket '{counter_id}' tidak ditampilkan di layar ini.")
    try:
        prefix, _number = parse_code(code)
    except ValueError as error:
        raise VoiceRefused(400, "bad_code", str(error)) from None
    served = set(counter.services)
    prefixes = {s.prefix for a in hall.agencies for s in a.services if s.code in served}
    if prefix not in prefixes:
        raise VoiceRefused(404, "unknown_code",
                           f"Awalan {prefix} tidak dilayani di {counter.name}.")
    try:
        return make_announcement(code, counter.name, counter.number)
    except ValueError as error:  # a counter name with nothing to say, say
        raise VoiceRefused(400, "unsayable", str(error)) from None


class _VoiceCache:
    """Rendered voices by (engine, folder, words): when a call is fetched by every display in
    the hall at once, it is rendered once, and the others wait for that render."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._lock = threading.Lock()  # guards _wavs
        self._rendering = threading.Lock()  # one render at a time; espeak is a process each
        self._wavs: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()

    def render(self, engine: str, clips_dir: Path | None, said: Announcement,
               english: bool = False, voice: str = ESPEAK_VOICE) -> bytes:
        if engine not in (Engine.ESPEAK, Engine.CLIPS):
            raise VoiceRefused(404, "no_server_voice",
                               f"Layar ini memakai suara '{engine}'; server tidak merender suara.")
        if engine == Engine.ESPEAK and not espeak_available():
            raise VoiceRefused(503, "voice_unavailable",
                               "espeak-ng tidak terpasang di server (apt install espeak-ng); "
                               "layar hanya membunyikan bel.")
        english = english and engine == Engine.ESPEAK  # clips are Indonesian words only
        key = (engine, str(clips_dir), " ".join(said.words) if engine == Engine.CLIPS
               else f"{voice}: {said.speech_id}" + (" | en" if english else ""))
        found = self._get(key)
        if found is not None:
            return found
        with self._rendering:
            found = self._get(key)
            if found is not None:
                return found
            try:
                wav = render_announcement(said, engine, clips_dir=clips_dir,
                                          cache_dir=self.cache_dir, with_chime=False,
                                          english=english, voice=voice)
            except VoiceError as error:
                raise VoiceRefused(503, "voice_unavailable", str(error)) from None
            with self._lock:
                self._wavs[key] = wav
                while len(self._wavs) > VOICE_CACHE_ENTRIES:
                    self._wavs.popitem(last=False)
            return wav

    def _get(self, key: tuple[str, str, str]) -> bytes | None:
        with self._lock:
            found = self._wavs.get(key)
            if found is not None:
                self._wavs.move_to_end(key)
            return found


def _media_files(where: Path | None) -> list[str]:
    if where is None or not where.is_dir():
        return []
    names = sorted(p.name for p in where.iterdir()
                   if p.is_file() and p.suffix.lower() in MEDIA_TYPES
                   and not p.name.startswith("."))
    return names[:MEDIA_MAX_FILES]
