"""The pass's QR code as a PNG written by hand: a reader decodes it back, whatever its size."""

import io
import random
import struct
import zlib

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from evac.passes.qr import MASK, QUIET_ZONE, bilevel_png, qr_modules, qr_png

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def pass_like(length: int, seed: int) -> str:
    """A synthetic pass text: the prefix, then Base45 characters as a signed pass has them."""
    chance = random.Random(seed)
    return "EP1:" + "".join(chance.choice(BASE45) for _ in range(length))


@pytest.mark.parametrize("length", [40, 180, 320, 600])
def test_the_code_reads_back_to_the_text_with_the_chosen_mask(length):
    text = pass_like(length, seed=length)
    image = Image.open(io.BytesIO(qr_png(text)))
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == text
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.ec_level == "M"
    # zxing-cpp ignores an option it does not know: a renamed one would score masks again
    assert found.extra["DataMask"] == MASK


@pytest.mark.parametrize("scale", [1, 2, 3, 4, 7])
def test_the_image_is_one_bit_black_and_white_with_its_quiet_zone(scale):
    text = pass_like(200, seed=scale)
    modules = qr_modules(text)
    image = Image.open(io.BytesIO(qr_png(text, scale=scale)))
    image.load()
    side = (len(modules) + 2 * QUIET_ZONE) * scale
    assert (image.mode, image.size) == ("1", (side, side))
    pixels = np.asarray(image.convert("L")) > 127  # True where white
    border = QUIET_ZONE * scale
    assert pixels[:border].all() and pixels[-border:].all()
    assert pixels[:, :border].all() and pixels[:, -border:].all()
    drawn = pixels[border:-border, border:-border][::scale, ::scale]
    assert (drawn == ~modules).all()
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [text]


def test_the_png_is_well_formed():
    data = bilevel_png(np.array([[True, False, True], [False, True, False]]), scale=3, border=1)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        offset += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBBBBB", chunks[0][1]) == (15, 12, 1, 0, 0, 0, 0)
    rows = zlib.decompress(chunks[1][1])
    assert len(rows) == 12 * (1 + 2)  # a filter byte and 15 bits (two bytes) a row
    image = Image.open(io.BytesIO(data))
    image.verify()
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("L")) > 127
    assert pixels[:3].all() and pixels[:, :3].all()  # the border: one cell, three pixels
    assert pixels[3:6, 3:6].all()  # the first cell, white, three pixels square
    assert not pixels[3:6, 6:9].any()
    assert not pixels[6:9, 3:6].any()  # the second row's first cell, black
