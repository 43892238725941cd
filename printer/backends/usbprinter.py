"""USB printers spoken to directly through libusb (pyusb): bulk OUT for data, IN for status."""

from __future__ import annotations

import errno
from typing import Any

from printer.backends.base import PERMISSION_ERRNOS, Backend, offline, setup_error
from printer.errors import PrintError


class UsbBackend(Backend):
    """A USB printer spoken to directly through libusb (pyusb), bulk OUT for data, IN for status."""

    _out: Any = None  # bulk OUT endpoint
    _in: Any = None  # bulk IN endpoint; some printers have none, and then no status

    def __init__(self, vendor_id: int, product_id: int, timeout: float) -> None:
        super().__init__(timeout)
        import usb.core
        import usb.util

        self._usb_core = usb.core
        self._usb_util = usb.util
        self.where = f"USB printer {vendor_id:04x}:{product_id:04x}"
        try:
            device = usb.core.find(idVendor=vendor_id, idProduct=product_id)
        except usb.core.NoBackendError:
            raise setup_error(
                "libusb is not installed (Debian/Ubuntu: apt install libusb-1.0-0)"
            ) from None
        if device is None:
            raise offline(f"{self.where} not found: is it plugged in and switched on? (lsusb)")
        self._device: Any = device
        self._interface: int | None = None
        try:
            self._claim()
        except usb.core.USBError as exc:
            self._release()
            raise self._usb_error(exc, "cannot open") from None
        self.can_read_status = self._in is not None

    def _claim(self) -> None:
        util = self._usb_util
        try:
            config = self._device.get_active_configuration()
        except self._usb_core.USBError:
            self._device.set_configuration()
            config = self._device.get_active_configuration()
        # The printer-class interface (7), else the first one with a bulk OUT endpoint.
        interfaces = sorted(config, key=lambda i: i.bInterfaceClass != 7)
        for interface in interfaces:
            out = util.find_descriptor(interface, custom_match=_direction(util.ENDPOINT_OUT))
            if out is not None:
                break
        else:
            raise self._usb_core.USBError(f"{self.where} has no OUT endpoint")
        number = interface.bInterfaceNumber
        try:
            if self._device.is_kernel_driver_active(number):
                self._device.detach_kernel_driver(number)  # usblp; see docs/printing.md
        except NotImplementedError:  # not on Linux: no kernel driver to detach
            pass
        util.claim_interface(self._device, number)
        self._interface = number
        self._out = out
        self._in = util.find_descriptor(interface, custom_match=_direction(util.ENDPOINT_IN))

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data, timeout=self._ms)
        except self._usb_core.USBTimeoutError:
            raise offline(f"{self.where} did not take the data within {self.timeout:g} s") from None
        except self._usb_core.USBError as exc:
            raise self._usb_error(exc, "lost") from None

    def read(self, size: int = 1) -> bytes:
        if self._in is None:
            return super().read(size)
        return self._read_in(self._ms)

    def discard_input(self) -> None:
        if self._in is not None:
            while self._read_in(10):
                pass

    def _read_in(self, timeout_ms: int) -> bytes:
        try:
            # Always ask for a full packet: a shorter request overflows if the printer sends more.
            return bytes(self._in.read(self._in.wMaxPacketSize, timeout=timeout_ms))
        except self._usb_core.USBTimeoutError:
            return b""
        except self._usb_core.USBError as exc:
            raise self._usb_error(exc, "lost") from None

    def close(self) -> None:
        self._release()

    def _release(self) -> None:
        try:
            if self._interface is not None:
                self._usb_util.release_interface(self._device, self._interface)
            self._usb_util.dispose_resources(self._device)
        except self._usb_core.USBError:
            pass
        self._interface = None

    @property
    def _ms(self) -> int:
        return max(1, int(self.timeout * 1000))

    def _usb_error(self, exc: Exception, doing: str) -> PrintError:
        code = getattr(exc, "errno", None)
        if code in PERMISSION_ERRNOS:
            return setup_error(
                f"no permission for {self.where}: add a udev rule (docs/printing.md)"
            )
        if code == errno.EBUSY:
            return setup_error(
                f"{self.where} is busy: the usblp kernel module holds it (docs/printing.md)"
            )
        return offline(f"{doing} {self.where}: {exc}")


def _direction(direction: int) -> Any:
    import usb.util

    return lambda endpoint: usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
