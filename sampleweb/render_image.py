"""Content images a report page shows (a scanned page of a 图片版 report): real JPEG/PNG/GIF bytes, one per seed."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageChops, ImageDraw

FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}


def scanned_page(ext: str, seed: str, size: tuple[int, int] = (620, 877)) -> bytes:
    """A grey page with a title bar, lines of "text" and the scanner's grain, all drawn from ``seed``: distinct
    bytes per seed, the same bytes every time (no metadata, fixed quality), in the format ``ext`` names. The
    grain keeps it from compressing like a drawing: ~60 KB as JPEG, as scans go on county sites (often more)."""
    rng = random.Random(seed)
    width, height = size
    page = Image.new("L", size, 248)
    draw = ImageDraw.Draw(page)
    draw.rectangle((width // 4, 48, width * 3 // 4, 66), fill=30)
    y = 100
    while y < height - 60:
        indent = 80 if rng.random() < 0.15 else 50
        draw.rectangle((indent, y, min(width - 50, indent + rng.randint(180, width - 100)), y + 7), fill=70)
        y += rng.choice((18, 18, 18, 32))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).point(lambda v: v % 16)
    buffer = io.BytesIO()
    ImageChops.subtract(page, grain).save(buffer, format=FORMATS[ext.lower()], quality=70)
    return buffer.getvalue()
