"""A pass as a QR code image: the modules from zxing-cpp's encoder (C++), the PNG written here.

A call-forward draws one code per party, a hundred thousand in a few minutes: segno took
16-20 ms a code, zxing-cpp's encoder choosing its own mask 0.85 ms, Pillow's PNG writer 0.5 ms
more; this takes about 0.3 ms (bench/notify/outbox.py).
"""

import struct
import zlib

import numpy as np
import zxingcpp

# The standard lets the encoder pick any of eight masks, and zxing-cpp scores all eight against
# ISO 18004's penalty rules (runs, blocks, finder-like patterns): 0.7 ms of its 0.85. A pass is
# compressed, signed data, whose modules look random under every mask: over random pass texts
# mask 2 scored 7% above the best mask on average (22% at worst), and readers decode every
# mask alike. So one mask is drawn, not eight scored.
MASK = 2
QUIET_ZONE = 4  # modules of white around the code, as the standard asks: scanners need it
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """The pass as a QR code (error correction M, a quiet zone around it), a black and white
    PNG with `scale` pixels a module. Base45 is all QR alphanumeric characters (why the DCC
    chose it), so the code is about a third smaller than the same bytes in byte mode."""
    return bilevel_png(~qr_modules(text), scale=scale, border=QUIET_ZONE)


def qr_modules(text: str) -> np.ndarray:
    """The code's modules, True where dark, without the quiet zone."""
    barcode = zxingcpp.create_barcode(
        text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=MASK
    )
    return np.asarray(barcode.to_image(scale=1, add_quiet_zones=False)) < 128


def bilevel_png(light: np.ndarray, *, scale: int, border: int = 0) -> bytes:
    """A 1-bit greyscale PNG of a boolean matrix (True is white), each cell `scale` pixels
    square, inside `border` white cells: a header, the rows (filter 0) deflated, an end."""
    height, width = light.shape[0] + 2 * border, light.shape[1] + 2 * border
    cells = np.ones((height, width), dtype=bool)
    cells[border : border + light.shape[0], border : border + light.shape[1]] = light
    packed = np.packbits(cells.repeat(scale, axis=1), axis=1)
    rows = np.zeros((height, 1 + packed.shape[1]), dtype=np.uint8)  # each row: filter 0, bits
    rows[:, 1:] = packed
    header = struct.pack(">IIBBBBB", width * scale, height * scale, 1, 0, 0, 0, 0)
    # Level 1: each row is repeated `scale` times, which even the fastest level finds; level
    # 6 saves a fifth of a kilobyte at five times the time.
    data = zlib.compress(rows.repeat(scale, axis=0).tobytes(), 1)
    return b"".join(
        [PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", data), _chunk(b"IEND", b"")]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return b"".join(
        [struct.pack(">I", len(data)), kind, data, struct.pack(">I", zlib.crc32(kind + data))]
    )
