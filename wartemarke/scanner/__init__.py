"""QR scanners, shared by the counter and the kiosk: a serial scanner on its own thread, a keyboard
wedge told apart from typing, and the framing of a code (CR, LF or CRLF) a serial scanner sends.

Imported by the apps only (it needs pyserial, which the server never installs).
"""
