"""A remote visitor's phone number and NIK: checked, normalised and kept only as keyed hashes.

The hash is an HMAC-SHA256 under a key derived from the server's secret key, so the stored
value says nothing without the key (a plain hash of a phone number is reversed by trying
every number). The last four digits are kept in clear for staff to confirm a holder.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from queue_server.queue.errors import InvalidNik, InvalidPhone

# Indonesian mobile numbers: 08 and 8 to 11 more digits; +62 8… and 62 8… are the same.
_MOBILE = re.compile(r"08\d{8,11}")
_SEPARATORS = re.compile(r"[\s.\-()]")
# NIK: region (6 digits), birth date (DDMMYY, day + 40 for women), serial (4 digits, not 0000).
_NIK = re.compile(r"\d{6}(?P<day>\d{2})(?P<month>\d{2})\d{2}(?P<serial>\d{4})")


@dataclass(frozen=True)
class Identity:
    """What is stored of a phone number or a NIK."""

    hash: str
    last4: str


def identity_key(secret_key: str) -> bytes:
    """The HMAC key for identities, apart from the secret's other uses (sessions, CSRF)."""
    return hmac.new(secret_key.encode(), b"antre/remote-identity/v1", hashlib.sha256).digest()


def normalise_phone(raw: str) -> str:
    """A mobile number written any usual way, as +628…; InvalidPhone otherwise."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise InvalidPhone()
    return "+62" + digits[1:]


def phone_identity(key: bytes, raw: str) -> Identity:
    """The keyed hash of a mobile number written any usual way; InvalidPhone otherwise."""
    return _identity(key, "phone", normalise_phone(raw))


def nik_identity(key: bytes, raw: str) -> Identity:
    """The keyed hash of a NIK (16 digits whose birth date is a date); InvalidNik otherwise."""
    digits = _SEPARATORS.sub("", raw.strip())
    found = _NIK.fullmatch(digits)
    if found is None:
        raise InvalidNik()
    day = int(found["day"])
    day = day - 40 if day > 40 else day
    if not (1 <= day <= 31 and 1 <= int(found["month"]) <= 12) or found["serial"] == "0000":
        raise InvalidNik()
    return _identity(key, "nik", digits)


def _identity(key: bytes, kind: str, value: str) -> Identity:
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return Identity(digest, value[-4:])
