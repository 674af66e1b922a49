"""A ticket's QR code as a Kivy texture, one texel per module, drawn sharp at any size."""

from __future__ import annotations

import qrcode
from kivy.graphics.texture import Texture


def qr_texture(text: str) -> Texture:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()  # rows of booleans, quiet zone included
    size = len(matrix)
    # Texture rows start at the bottom; write the matrix bottom-up so the code is not mirrored.
    pixels = bytes(0 if dark else 255 for row in reversed(matrix) for dark in row)
    texture = Texture.create(size=(size, size), colorfmt="luminance")
    texture.blit_buffer(pixels, colorfmt="luminance", bufferfmt="ubyte")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture
