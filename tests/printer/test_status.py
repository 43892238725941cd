from __future__ import annotations

import pytest

from printer import PrintError
from printer.status import PrinterStatus, decode_status, raise_unless_printable


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        ((0x12, 0x12, 0x12), "ok"),
        ((0x12, 0x12, 0x1E), "paper_low"),  # near-end sensor
        ((0x16, 0x12, 0x12), "ok"),  # drawer pin high does not matter
        ((0x52, 0x12, 0x12), "ok"),  # feed button held does not matter
        ((0x1A, 0x32, 0x7E), "paper_out"),  # stopped at paper end
        ((0x12, 0x12, 0x72), "paper_out"),  # paper-end sensor alone
        ((0x1A, 0x16, 0x12), "cover_open"),
        ((0x1A, 0x36, 0x7E), "cover_open"),  # cover open while out of paper: close it first
        ((0x1A, 0x52, 0x12), "error"),
        ((0x1A, 0x12, 0x12), "offline"),
        ((0x1A, 0x12, 0x1E), "offline"),
        ((0x00, 0x12, 0x12), "unknown"),  # not a status byte (fixed bits wrong)
        ((0x12, 0x12, 0xFF), "unknown"),
    ],
)
def test_decode_status(answers, state):
    assert decode_status(*answers).state == state


def test_decoded_flags():
    status = decode_status(0x1A, 0x32, 0x7E)
    assert status.online is False and status.paper_out and status.paper_low
    assert not status.cover_open and not status.error
    assert status.raw == bytes((0x1A, 0x32, 0x7E))
    assert status.to_dict()["raw"] == "1a327e"


@pytest.mark.parametrize("state", ["ok", "paper_low", "unknown"])
def test_printable_states(state):
    assert PrinterStatus(state).can_print
    raise_unless_printable(PrinterStatus(state))


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline", "error"])
def test_unprintable_states_raise_their_kind(state):
    with pytest.raises(PrintError) as caught:
        raise_unless_printable(PrinterStatus(state))
    assert caught.value.kind == state
    assert caught.value.message_id and caught.value.message_en


def test_print_error_messages():
    error = PrintError.of("paper_out", "DLE EOT answered 1a 32 7e")
    assert (error.message_id, error.message_en) == (
        "Kertas printer habis",
        "The printer is out of paper",
    )
    assert str(error) == "paper_out: The printer is out of paper (DLE EOT answered 1a 32 7e)"
