"""Serial printers (RS-232 or USB-serial) through pyserial, with read and write timeouts."""

from __future__ import annotations

from typing import Any

from printer.backends.base import PERMISSION_ERRNOS, Backend, offline, setup_error


class SerialBackend(Backend):
    """An RS-232 (or USB-serial) port, with read and write timeouts."""

    can_read_status = True

    def __init__(self, device: str, baudrate: int, timeout: float) -> None:
        super().__init__(timeout)
        import serial  # pyserial; imported here so other backends do not need it

        self._serial = serial
        self.device = device
        try:
            self._port: Any = serial.Serial(
                port=device,
                baudrate=baudrate,
                timeout=timeout,
                write_timeout=timeout,
                dsrdtr=True,  # DTR/DSR is the usual handshake of serial receipt printers
            )
        except serial.SerialException as exc:
            if exc.errno in PERMISSION_ERRNOS:
                raise setup_error(
                    f"no permission to open {device}: add the kiosk user to the 'dialout' group",
                ) from None
            raise offline(f"cannot open {device}: {exc}") from None

    def write(self, data: bytes) -> None:
        # At 9600 baud a ticket with a QR image takes seconds on the wire: allow for that.
        self._port.write_timeout = self.timeout + len(data) * 10 / self._port.baudrate
        try:
            self._port.write(data)
        except self._serial.SerialTimeoutException:
            seconds = self._port.write_timeout
            raise offline(f"{self.device} did not take the data within {seconds:.1f} s") from None
        except (self._serial.SerialException, OSError) as exc:
            raise offline(f"lost {self.device}: {exc}") from None

    def read(self, size: int = 1) -> bytes:
        try:
            return bytes(self._port.read(size))
        except (self._serial.SerialException, OSError) as exc:
            raise offline(f"lost {self.device}: {exc}") from None

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except (self._serial.SerialException, OSError):
            pass

    def close(self) -> None:
        if not self._port.is_open:
            return
        try:
            # A job the printer has confirmed is already out of the OS buffer; anything still
            # there belongs to a failed job, and closing a tty waits for it to drain.
            self._port.reset_output_buffer()
        except (self._serial.SerialException, OSError):
            pass
        self._port.close()
