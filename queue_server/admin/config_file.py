"""Editing config.yaml from the pages: a service's everyday settings and a counter's
services, written back with the file's comments, order and anchors intact (ruamel.yaml's
round trip), and checked by the same schema as `antre config check` before anything is
written.

Structural changes (a new agency, service or counter, a code, a prefix, devices) stay in
the file: a form would make renumbering and references too easy to get wrong.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent as guess_indent

from queue_server.config import WEEKDAYS, ConfigError, HallConfig, WeeklyHours, parse_config
from queue_server.config import Service as ServiceSpec

# One writer at a time in this process; the file is replaced in one rename.
_writing = threading.Lock()

# The service settings a page may change, and how each is written.
SERVICE_FIELDS = ("name", "quota", "target_minutes", "target_wait_minutes", "requirements",
                  "outcomes", "outcome_required", "hours")


class NotInFile(LookupError):
    """The service or counter is not in config.yaml."""


def _mapping_indent(text: str) -> int:
    """How far a map's keys stand in from their parent's: the first nested key's indent
    (ruamel guesses only a list's)."""
    lines = [line for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    for parent, child in zip(lines, lines[1:], strict=False):
        if re.fullmatch(r"[^\s#-][^:#]*:\s*(#.*)?", parent):
            stripped = child.lstrip()
            if not stripped.startswith("-"):
                return len(child) - len(stripped) or 2
    return 2


def _yaml(text: str) -> YAML:
    """A round-trip YAML (comments, order, anchors and quotes kept) indenting as `text` does:
    ruamel's guess gives a list item's indent (its content's column) and its dash's offset."""
    _, indent, dash = guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the person wrote on one
    mapping = _mapping_indent(text)
    offset = dash or 0
    yaml.indent(mapping=mapping, sequence=max(indent or mapping, offset + 2), offset=offset)
    return yaml


def _plain(node: Any) -> Any:
    """The document as plain dicts and lists, for the schema."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node


def _clock(value: Any) -> str:
    return str(value.strftime("%H:%M" if not value.second else "%H:%M:%S"))


def hours_plain(hours: WeeklyHours) -> dict[str, Any]:
    """Weekly hours as config.yaml writes them: open days only, times as 'HH:MM', breaks only
    where there are some."""
    plain: dict[str, Any] = {}
    for weekday in WEEKDAYS:
        day = getattr(hours, weekday)
        if day is None:
            continue
        times: dict[str, Any] = {key: _clock(getattr(day, key))
                                 for key in ("issue_from", "open", "cutoff", "close")}
        if day.breaks:
            times["breaks"] = [{"start": _clock(b.start), "end": _clock(b.end), "name": b.name}
                               for b in day.breaks]
        plain[weekday] = times
    return plain


def _same(key: str, before: Any, after: Any) -> bool:
    """Whether a value means the same as the file's (hours compare as hours: a break left
    unnamed in the file is the same as one named 'Istirahat')."""
    if key == "hours" and before is not None and after is not None:
        return WeeklyHours.model_validate(before) == WeeklyHours.model_validate(after)
    return bool(before == after)


def _node(value: Any) -> Any:
    """A plain value as the file writes it: maps and lists in block style, a time of day in
    quotes (YAML would read 13:30 unquoted as a number)."""
    if isinstance(value, dict):
        return CommentedMap((key, _node(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return CommentedSeq(_node(item) for item in value)
    if isinstance(value, str) and re.fullmatch(r"\d\d:\d\d(:\d\d)?", value):
        return DoubleQuotedScalarString(value)
    return value


def _default(key: str) -> Any:
    """What config.yaml means when a service leaves `key` out."""
    default = ServiceSpec.model_fields[key].default
    return list(default) if isinstance(default, tuple) else default


def _find(items: Any, code: str, key: str = "code") -> CommentedMap:
    for item in items or []:
        if isinstance(item, CommentedMap) and item.get(key) == code:
            return item
    raise NotInFile(code)


def _service(document: CommentedMap, code: str) -> CommentedMap:
    for agency in document.get("agencies") or []:
        try:
            return _find(agency.get("services"), code)
        except NotInFile:
            continue
    raise NotInFile(code)


def _set(node: CommentedMap, key: str, value: Any) -> None:
    """Set (or, for None, remove) a key, keeping its place; a new list or map is written in
    block style, a list in flow style where the file had one. A new node, never the old one
    changed: the old may be an anchor that other services refer to."""
    if value is None:
        node.pop(key, None)
        return
    old = node.get(key)
    new = _node(value)
    if isinstance(new, CommentedSeq) and isinstance(old, CommentedSeq) and old.fa.flow_style():
        new.fa.set_flow_style()
    node[key] = new


def edit(path: Path, *, service: str | None = None, service_changes: dict[str, Any] | None = None,
         counter: str | None = None, counter_services: list[str] | None = None,
         ) -> tuple[HallConfig, dict[str, Any]]:
    """Change the file; the new configuration and what changed ({key: [before, after]}).

    Nothing is written when the result would not pass `antre config check` (ConfigError
    names the key) or when nothing changed.
    """
    with _writing:
        text = path.read_text(encoding="utf-8")
        yaml = _yaml(text)
        document = yaml.load(text)
        untouched = _dump(yaml, document)
        changed: dict[str, Any] = {}
        if service is not None:
            node = _service(document, service)
            for key, value in (service_changes or {}).items():
                if key not in SERVICE_FIELDS:
                    raise KeyError(key)
                before = _plain(node[key]) if key in node else _default(key)
                after = list(value) if isinstance(value, list | tuple) else value
                if not _same(key, before, after):
                    changed[key] = [before, after]
                    _set(node, key, value)
        if counter is not None and counter_services is not None:
            node = _find(document.get("counters"), counter, key="id")
            before = _plain(node.get("services"))
            if before != counter_services:
                changed["services"] = [before, counter_services]
                _set(node, "services", counter_services)
        config = parse_config(_plain(document), path)  # raises ConfigError before writing
        if changed:
            _replace(path, _patched(text, untouched, _dump(yaml, document)))
        return config, changed


def _dump(yaml: YAML, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _patched(original: str, untouched: str, edited: str) -> str:
    """The original text with only the edited lines changed.

    A round trip keeps comments and order but may rewrap a long line the person wrapped by
    hand; so the edit is the difference between the document dumped before and after the
    change, applied to the original text. Where that difference touches a line the round
    trip itself rewrote, the whole dump is used instead (still comments and order intact).
    """
    before, after, lines = (untouched.splitlines(keepends=True),
                            edited.splitlines(keepends=True),
                            original.splitlines(keepends=True))
    # Where each line of the plain round trip stands in the original (equal blocks only).
    place: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, lines, before, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            place[block.b + offset] = block.a + offset
    result: list[str] = []
    cursor = 0  # in the original
    done = 0  # in `before`: what is already placed
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, before, after,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # Widen the hunk to lines the round trip left as they were (a rewrapped line of the
        # original is then replaced as a whole, not half).
        low, high = a1, a2
        while low > done and (low - 1) not in place:
            low -= 1
        while high < len(before) and high not in place:
            high += 1
        if low < done or (low > 0 and low - 1 not in place):
            return edited
        start = place[low - 1] + 1 if low > 0 else 0
        end = place[high] if high < len(before) else len(lines)
        result.extend(lines[cursor:start])
        result.extend(after[b1 - (a1 - low):b2 + (high - a2)])
        cursor, done = end, high
    result.extend(lines[cursor:])
    return "".join(result)


def _replace(path: Path, text: str) -> None:
    """Write beside the file and rename over it: a reader sees the old file or the new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = ["ConfigError", "NotInFile", "SERVICE_FIELDS", "edit", "hours_plain"]
