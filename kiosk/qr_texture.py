"""A ticket's QR code as a Kivy texture, one texel per module, drawn sharp at any size."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from kivy.graphics.texture import Texture

from wartemarke.api_objects import Slot, Ticket


@lru_cache(maxsize=4)
def qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's dark/light modules, quiet zone included.

    Choosing the mask takes ~30 ms of pure Python, so the kiosk calls this in the background thread
    that fetched the ticket; drawing the texture on the UI thread then finds it cached.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def prepare_qr(ticket: Ticket | Slot) -> None:
    if ticket.code:
        qr_modules(ticket.code)


def qr_texture(text: str) -> Texture:
    matrix = qr_modules(text)
    size = len(matrix)
    # Texture rows start at the bottom; write the matrix bottom-up so the code is not mirrored.
    pixels = bytes(0 if dark else 255 for row in reversed(matrix) for dark in row)
    texture = Texture.create(size=(size, size), colorfmt="luminance")
    texture.blit_buffer(pixels, colorfmt="luminance", bufferfmt="ubyte")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture
