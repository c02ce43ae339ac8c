"""A scanned sheet made ready for reading: seal ink dropped, two-page sheets split, dust dropped, skew undone.

Red seals are printed in a colour black print is not: the red channel shows black print dark and red ink
almost as light as paper, so it is the grey image everything else reads. Skew is found from the ink itself
(the angle whose row profile is sharpest, so ruling lines and text lines both count) and undone by rotation;
ink is separated from paper by a local threshold, which also absorbs a photocopy shadow.
"""

from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW = 4.0  # degrees searched either way
SEAL_MARGIN = 40  # a pixel whose red exceeds its green and blue by this much is red ink


def grey_without_seal(rgb: np.ndarray) -> np.ndarray:
    """The red channel of an RGB sheet, with clearly red pixels (seal ink, red headers) made paper-white; black
    print under a seal stays dark because it is dark in every channel. Grey input is returned as is."""
    if rgb.ndim != 3:
        return rgb
    red = rgb[:, :, 0].copy()
    others = np.minimum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    red[(red.astype(np.int16) - others > SEAL_MARGIN) & (red > 140)] = 255
    return red


def split_sheet(grey: np.ndarray) -> list[np.ndarray]:
    """Pages of a sheet: a landscape A4-pair sheet (two-up copy) is cut in the middle of the widest gutter (the
    longest run of emptiest columns near the centre), so neither page's table edge is cut off or left on the
    border where straightening would turn it out of the picture."""
    h, w = grey.shape
    if not 1.3 <= w / h <= 1.55:
        return [grey]
    start = int(w * 0.42)
    ink = (grey[:, start:int(w * 0.58)] < 128).sum(axis=0)
    empty = np.flatnonzero(ink <= ink.min())
    runs = np.split(empty, np.flatnonzero(np.diff(empty) > 1) + 1)
    widest = max(runs, key=len)
    cut = start + int(widest[len(widest) // 2])
    halves = [grey[:, :cut], grey[:, cut:]]
    return [half for half in halves if (half < 128).mean() > 0.001]


def ink_mask(grey: np.ndarray, dpi: float) -> np.ndarray:
    """255 where there is ink, dust removed (``specks``)."""
    mask = _threshold(grey, dpi)
    return cv2.bitwise_and(mask, cv2.bitwise_not(specks(mask, dpi)))


def specks(mask: np.ndarray, dpi: float) -> np.ndarray:
    """The dust in an ink mask: blobs smaller than a printed decimal point (~0.25 mm²), and blobs under ~0.85 mm
    across with no other ink within ~1.7 mm. A decimal point or a comma sits beside its digits, so it stays; an
    opening would also remove hairline rules, so blobs are judged whole."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= dpi / 30
    small[0] = False
    reach = int(dpi / 15) * 2 + 1
    print_ink = cv2.dilate(np.where(small[labels], 0, mask).astype(np.uint8), np.ones((reach, reach), np.uint8))
    near = np.bincount(labels[print_ink > 0], minlength=count) > 0
    dust = (small & ~near) | (stats[:, cv2.CC_STAT_AREA] <= max(2.0, (dpi / 100) ** 2))
    dust[0] = False
    return np.where(dust[labels], 255, 0).astype(np.uint8)


def clean(grey: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """The grey page with its dust painted paper-white (the recogniser reads a speck beside a digit as a decimal
    point), and its ink mask."""
    mask = _threshold(grey, dpi)
    dust = specks(mask, dpi)
    grey = grey.copy()
    grey[cv2.dilate(dust, np.ones((3, 3), np.uint8)) > 0] = 255
    return grey, cv2.bitwise_and(mask, cv2.bitwise_not(dust))


def _threshold(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Ink by a Gaussian-weighted local threshold over ~4 mm windows (absorbs a photocopy shadow)."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, int(dpi / 6) | 1, 25)


def skew_angle(mask: np.ndarray) -> float:
    """The rotation (degrees) that makes ink rows sharpest, searched coarse-to-fine on a quarter-size copy."""
    small = cv2.resize(mask, (mask.shape[1] // 4, mask.shape[0] // 4), interpolation=cv2.INTER_AREA)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), small.shape[::-1])
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    return float(max(np.arange(best - 0.45, best + 0.46, 0.05), key=sharpness))


def deskew(grey: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Grey image and ink mask turned upright, and the angle undone."""
    angle = skew_angle(mask)
    if abs(angle) < 0.05:
        return grey, mask, 0.0
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    grey = cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    mask = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    return grey, mask, angle


def page_dpi(grey: np.ndarray, stated: float | None) -> float:
    """The resolution of a page image: as stated in the file, else from an A4 page's size (portrait, or two
    pages side by side), else from its print: the median glyph is taken for 9 pt type."""
    if stated and 70 <= stated <= 1200:
        return float(stated)
    height, width = grey.shape
    if 1.3 <= height / width <= 1.55:
        return width / (210 / 25.4)
    if 1.3 <= width / height <= 1.55:
        return width / 2 / (210 / 25.4)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink_mask(grey, 200), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    glyphs = heights[(heights >= 6) & (heights <= 200)]
    return float(np.median(glyphs)) / (9 / 72 * 0.9) if glyphs.size else 200.0
