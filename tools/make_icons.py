"""Draw Crampless's icons: `python tools/make_icons.py` writes static/cramps/icons/*.png.

Our own drawing, no third-party artwork and no imaging library: a white "C" (an open ring) on a
red square, written as PNG with zlib. The SVG beside them (icon.svg) is the same shape by hand.
Run it again after changing the shape and commit the files.
"""

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "static" / "cramps" / "icons"
RED = (176, 42, 55)
WHITE = (255, 255, 255)
SUPERSAMPLE = 3  # per axis: smooth edges without an imaging library

# (file name, size in px, rounded corners?) Maskable icons fill the square: the launcher crops.
ICONS = [
    ("icon-32.png", 32, True),
    ("apple-touch-icon.png", 180, False),
    ("icon-192.png", 192, True),
    ("icon-512.png", 512, True),
    ("icon-maskable-512.png", 512, False),
]


def _inside_background(x: float, y: float, rounded: bool) -> bool:
    if not rounded:
        return True
    r = 0.22
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _inside_ring(x: float, y: float, scale: float) -> bool:
    dx, dy = x - 0.5, y - 0.5
    distance = math.hypot(dx, dy) / scale
    if not 0.17 <= distance <= 0.30:
        return False
    # The opening of the "C", to the right.
    return abs(math.degrees(math.atan2(dy, dx))) > 45


def _pixel(px: int, py: int, size: int, rounded: bool) -> tuple[int, int, int, int]:
    # Maskable icons keep the drawing inside the central 80% safe zone.
    scale = 1.0 if rounded else 0.8
    rgb = [0.0, 0.0, 0.0]
    alpha = 0.0
    n = SUPERSAMPLE
    for sx in range(n):
        for sy in range(n):
            x = (px + (sx + 0.5) / n) / size
            y = (py + (sy + 0.5) / n) / size
            if not _inside_background(x, y, rounded):
                continue
            colour = WHITE if _inside_ring(x, y, scale) else RED
            for i in range(3):
                rgb[i] += colour[i]
            alpha += 1
    if alpha == 0:
        return (0, 0, 0, 0)
    return (*(round(c / alpha) for c in rgb), round(255 * alpha / (n * n)))


def _png(size: int, rounded: bool) -> bytes:
    rows = b"".join(
        b"\0" + bytes(c for px in range(size) for c in _pixel(px, py, size, rounded))
        for py in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, rounded in ICONS:
        (OUT / name).write_bytes(_png(size, rounded))
        print(OUT / name)


if __name__ == "__main__":
    main()
