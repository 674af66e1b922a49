"""One URL names the printer: how it is connected and where.

usb://04b8:0e28                       USB vendor:product id (needs pyusb)
serial:///dev/ttyUSB0?baudrate=9600   serial port; optional flow=rtscts|xonxoff
tcp://192.168.1.40:9100               network printer (port defaults to 9100)
file:///dev/usb/lp0                   device file
preview:///var/wartemarke/printed     no printer: <number>.bin and <number>.png in that folder
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from printer.errors import PrinterError
from printer.escpos_printer import EscposPrinter
from printer.links import Link
from printer.preview_printer import PreviewPrinter
from printer.profile import PrinterProfile

SCHEMES = ("usb", "serial", "tcp", "file", "preview")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
FLOW_CONTROL = ("none", "rtscts", "xonxoff")
_EXAMPLES = "usb://04b8:0e28, serial:///dev/ttyUSB0?baudrate=9600, tcp://host:9100, file:///dev/usb/lp0, preview://DIR"


def _bad(url: str, why: str) -> PrinterError:
    return PrinterError(f"bad printer URL {url!r}: {why} (examples: {_EXAMPLES})")


def _path_after_scheme(url: str, scheme: str) -> str:
    # Not urlsplit: "preview://var/printed" is a relative folder, not a host called "var".
    return url[len(scheme) + 3 :].split("?", 1)[0]


def _serial_options(url: str, query: str) -> dict:
    options = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}
    unknown = set(options) - {"baudrate", "flow"}
    if unknown:
        raise _bad(url, f"unknown option {sorted(unknown)[0]!r}; serial URLs take baudrate and flow")
    baud_text = options.get("baudrate", "9600")
    if not baud_text.isdigit() or int(baud_text) not in BAUD_RATES:
        raise _bad(url, f"baudrate must be one of {', '.join(map(str, BAUD_RATES))}, not {baud_text!r}")
    flow = options.get("flow", "none")
    if flow not in FLOW_CONTROL:
        raise _bad(url, f"flow must be one of {', '.join(FLOW_CONTROL)}, not {flow!r}")
    return {"baudrate": int(baud_text), "rtscts": flow == "rtscts", "xonxoff": flow == "xonxoff"}


def _link(url: str, scheme: str) -> Link:
    if scheme == "serial":
        from printer.links.serial_link import SerialLink

        device = _path_after_scheme(url, scheme)
        if not device.startswith("/"):
            raise _bad(url, "give the device path, e.g. serial:///dev/ttyUSB0")
        return SerialLink(url, device, **_serial_options(url, urlsplit(url).query))
    if scheme == "tcp":
        from printer.links.tcp_link import TcpLink

        parts = urlsplit(url)
        try:
            port = parts.port or 9100
        except ValueError:
            raise _bad(url, "the port must be a number from 1 to 65535") from None
        if not parts.hostname or parts.path not in ("", "/") or parts.query:
            raise _bad(url, "give host and port only, e.g. tcp://192.168.1.40:9100")
        return TcpLink(url, parts.hostname, port)
    if scheme == "file":
        from printer.links.file_link import FileLink

        path = _path_after_scheme(url, scheme)
        if not path.startswith("/"):
            raise _bad(url, "give an absolute path, e.g. file:///dev/usb/lp0")
        return FileLink(url, path)
    from printer.links.usb_link import UsbLink

    ids = re.fullmatch(r"([0-9a-fA-F]{4}):([0-9a-fA-F]{4})", _path_after_scheme(url, scheme))
    if not ids:
        raise _bad(url, "give the vendor and product id as four hex digits each, e.g. usb://04b8:0e28")
    return UsbLink(url, int(ids[1], 16), int(ids[2], 16))


def open_printer(url: str, profile: str = "TM-T20III") -> EscposPrinter | PreviewPrinter:
    """The printer named by `url`, printing for the python-escpos `profile` (e.g. TM-T20III, TM-T88V).

    Raises PrinterError for a malformed URL or an unknown profile. A printer that is switched off or
    unplugged is not an error here: its `status()` says "offline" until it is back.
    """
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SCHEMES:
        raise _bad(url, f"unknown kind {scheme!r}" if scheme else "missing kind:// at the start")
    printer_profile = PrinterProfile.named(profile)
    if scheme == "preview":
        folder = _path_after_scheme(url, scheme)
        if not folder:
            raise _bad(url, "give the folder to write tickets to, e.g. preview:///tmp/tickets")
        return PreviewPrinter(Path(folder), printer_profile, url)
    return EscposPrinter(_link(url, scheme), printer_profile)
