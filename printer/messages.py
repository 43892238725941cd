"""The words shown to visitors and officers for each printer state, in Indonesian and English."""

from __future__ import annotations

# state -> (Bahasa Indonesia, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "ok": ("Printer siap", "The printer is ready"),
    "paper_low": ("Kertas printer hampir habis", "The printer paper is running low"),
    "paper_out": ("Kertas printer habis", "The printer is out of paper"),
    "cover_open": ("Penutup printer terbuka", "The printer cover is open"),
    "offline": (
        "Printer tidak terhubung atau tidak menjawab",
        "The printer is offline or not responding",
    ),
    "error": ("Printer mengalami gangguan", "The printer reported an error"),
    "unknown": ("Status printer tidak dapat dibaca", "The printer status cannot be read"),
}


def message_id(state: str) -> str:
    return MESSAGES[state][0]


def message_en(state: str) -> str:
    return MESSAGES[state][1]
