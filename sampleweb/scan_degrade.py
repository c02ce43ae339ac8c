"""What a scanner, a photocopier and an office do to a printed report page, one small function per effect.

Every function takes a PIL RGB image and a ``random.Random`` (or an explicit amount) and returns a new image, so
the knobs of ``sampleweb.scans`` stay independent: a seal, a signature, a fold shadow, two pages on one sheet, a
rotation, a perspective skew, blur, grain and JPEG compression.
"""

from __future__ import annotations

import io
import math
import random

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

from sampleweb.render_pdf import CJK_FONT_FILE

SEAL_RED = (214, 38, 42)
INK_BLUE = (28, 36, 92)


def red_seal(page: Image.Image, rng: random.Random, centre: tuple[int, int]) -> Image.Image:
    """A round red 公章 (ring, star, arc of text) stamped at ``centre`` over whatever is printed there.

    Ink multiplies with what is under it, so print under the seal stays dark and the seal shows where it is not.
    """
    radius = page.width // 10
    layer = Image.new("RGB", page.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    x, y = centre
    strength = rng.uniform(0.6, 0.9)
    colour = tuple(int(255 - (255 - c) * strength) for c in SEAL_RED)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=colour, width=max(3, radius // 14))
    reach = [radius * (0.3 if i % 2 == 0 else 0.12) for i in range(10)]
    angles = [math.pi / 2 + i * math.pi / 5 for i in range(10)]
    star = [(x + r * math.cos(a), y - r * math.sin(a)) for r, a in zip(reach, angles, strict=True)]
    draw.polygon(star, fill=colour)
    font = ImageFont.truetype(str(CJK_FONT_FILE), max(10, radius // 5))
    for i, char in enumerate("政府信息公开专用章"):
        angle = math.radians(200 - i * 27.5)
        cx, cy = x + radius * 0.72 * math.cos(angle), y - radius * 0.72 * math.sin(angle)
        draw.text((cx, cy), char, font=font, fill=colour, anchor="mm")
    return ImageChops.multiply(page, layer)


def signature(page: Image.Image, rng: random.Random, at: tuple[int, int]) -> Image.Image:
    """A quick hand signature: a few looping pen strokes in blue-black ink starting at ``at``."""
    out = page.copy()
    draw = ImageDraw.Draw(out)
    x, y = at
    scale = page.width / 60
    width = max(2, page.width // 500)
    for _ in range(rng.randint(2, 4)):
        points = []
        for t in range(40):
            points.append((x + t * scale * 0.25 + math.sin(t * rng.uniform(0.5, 0.9)) * scale * 0.6,
                           y + math.cos(t * rng.uniform(0.3, 0.7)) * scale * rng.uniform(0.5, 1.2)))
        draw.line(points, fill=INK_BLUE, width=width, joint="curve")
        x += int(10 * scale * rng.uniform(0.6, 1.0))
    return out


def fold_shadow(page: Image.Image, rng: random.Random) -> Image.Image:
    """A photocopy shadow where the sheet was folded: a grey band across the middle, darkest at the crease."""
    arr = np.asarray(page, dtype=np.float32)
    height = arr.shape[0]
    crease = height * rng.uniform(0.45, 0.55)
    spread = height * rng.uniform(0.015, 0.03)
    rows = np.arange(height, dtype=np.float32)
    shade = 1.0 - rng.uniform(0.25, 0.4) * np.exp(-(((rows - crease) / spread) ** 2))
    return Image.fromarray((arr * shade[:, None, None]).clip(0, 255).astype(np.uint8))


def two_up(left: Image.Image, right: Image.Image | None) -> Image.Image:
    """Two pages side by side on one landscape sheet (a blank right half when the page count is odd)."""
    sheet = Image.new("RGB", (left.width * 2, left.height), (255, 255, 255))
    sheet.paste(left, (0, 0))
    if right is not None:
        sheet.paste(right, (left.width, 0))
    return sheet


def rotate(page: Image.Image, degrees: float) -> Image.Image:
    """The page turned by ``degrees`` (counter-clockwise) on the scanner glass; white fills the corners."""
    if not degrees:
        return page
    w, h = page.size
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return Image.fromarray(cv2.warpAffine(np.asarray(page), matrix, (w, h), flags=cv2.INTER_LINEAR,
                                          borderValue=(255, 255, 255)))


def perspective(page: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    """A keystone skew: each corner moved by up to ``amount`` of the page size (a photographed page)."""
    if amount <= 0:
        return page
    w, h = page.size
    points = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    corners = np.array(points, dtype=np.float32)
    moved = np.array([(x + rng.uniform(-1, 1) * amount * w, y + rng.uniform(-1, 1) * amount * h) for x, y in points],
                     dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, moved)
    return Image.fromarray(cv2.warpPerspective(np.asarray(page), matrix, (w, h), flags=cv2.INTER_LINEAR,
                                               borderValue=(255, 255, 255)))


def blur(page: Image.Image, radius: float) -> Image.Image:
    """Out-of-focus optics: a Gaussian blur of sigma ``radius`` pixels."""
    return Image.fromarray(cv2.GaussianBlur(np.asarray(page), (0, 0), radius)) if radius > 0 else page


def grain(page: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
    """Scanner noise: Gaussian grain of ``sigma`` grey levels plus a sprinkle of dust specks."""
    if sigma <= 0:
        return page
    noise_rng = np.random.default_rng(rng.getrandbits(32))
    arr = np.asarray(page).astype(np.int16)
    shape = arr.shape[:2]
    arr += (noise_rng.standard_normal(shape, dtype=np.float32) * sigma).astype(np.int16)[:, :, None]
    arr[noise_rng.random(shape, dtype=np.float32) < sigma / 40000] = 40
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def jpeg(page: Image.Image, quality: int) -> bytes:
    """The sheet as the JPEG a scanner writes at ``quality``."""
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
