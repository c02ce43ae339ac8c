"""Ruling lines of a scanned page by morphology, snapped into a grid that ``ofd_grid`` turns into tables.

A horizontal rule is ink that survives an opening with a long flat kernel (longer than any character stroke,
shorter than the narrowest cell); vertical rules likewise. A scan's rules wobble by a pixel or two (skew left
over, perspective), so positions closer than ~1 mm are snapped to one line and line ends to the crossing line
before the grid is built — then ``ofd_grid`` finds cells and spans exactly as for an OFD or PDF page.
"""

from __future__ import annotations

import cv2
import numpy as np

from parsing.extract import ofd_grid
from parsing.types import Table

Line = tuple[float, float, float]  # position across, start, end (pixels)


def rule_masks(mask: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line masks (255 on the rule) of an ink mask."""
    h_len, v_len = max(20, int(dpi * 0.3)), max(15, int(dpi * 0.16))
    thick = cv2.dilate(mask, np.ones((3, 1), np.uint8))
    horizontal = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8))
    thick = cv2.dilate(mask, np.ones((1, 3), np.uint8))
    vertical = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    return horizontal, vertical


def _lines(line_mask: np.ndarray, horizontal: bool) -> list[Line]:
    """One (position, start, end) per connected rule piece."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(line_mask, connectivity=8)
    out = []
    for x, y, w, h, _ in stats[1:count]:
        out.append((y + h / 2, x, x + w) if horizontal else (x + w / 2, y, y + h))
    return out


def _clusters(values: list[float], tol: float) -> list[float]:
    """Positions closer than ``tol`` merged into their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _snap(value: float, targets: list[float], tol: float) -> float:
    near = min(targets, key=lambda t: abs(t - value), default=value)
    return near if abs(near - value) <= tol else value


def grid_segments(h_mask: np.ndarray, v_mask: np.ndarray, dpi: float) -> list[ofd_grid.Segment]:
    """Snapped segments (x0, y0, x1, y1) in pixels: equal positions for one line, ends on the crossing line."""
    tol = dpi / 25
    horizontal, vertical = _lines(h_mask, True), _lines(v_mask, False)
    ys = _clusters([p for p, _, _ in horizontal], tol)
    xs = _clusters([p for p, _, _ in vertical], tol)
    segments: list[ofd_grid.Segment] = []
    for y, x0, x1 in horizontal:
        yy = _snap(y, ys, tol)
        segments.append((_snap(x0, xs, tol), yy, _snap(x1, xs, tol), yy))
    upright = _joined_pieces([(_snap(x, xs, tol), y0, y1) for x, y0, y1 in vertical], tol)
    for x, y0, y1 in upright:  # a rule runs from rule to rule; a tall glyph's stroke stops short of both
        top, bottom = _snap(y0, ys, tol), _snap(y1, ys, tol)
        if top in ys and bottom in ys:
            segments.append((x, top, x, bottom))
    return _merge(segments, tol)


def _joined_pieces(lines: list[Line], gap: float) -> list[Line]:
    """Pieces of one upright rule (one snapped position) a short gap apart joined: a faint rule on a blurred
    150 dpi scan breaks mid-cell, where neither piece ends on a crossing rule (scan-23 lost two columns)."""
    out: list[Line] = []
    for x, y0, y1 in sorted(lines):
        if out and out[-1][0] == x and y0 - out[-1][2] <= gap:
            out[-1] = (x, out[-1][1], max(out[-1][2], y1))
        else:
            out.append((x, y0, y1))
    return out


def _merge(segments: list[ofd_grid.Segment], gap: float) -> list[ofd_grid.Segment]:
    """Pieces of one rule broken by a short gap (a faint print, a speck-free break) joined into one segment."""
    out: list[ofd_grid.Segment] = []
    flat = sorted((s for s in segments if s[1] == s[3]), key=lambda s: (s[1], s[0]))
    upright = sorted((s for s in segments if s[1] != s[3]), key=lambda s: (s[0], s[1]))
    for seg in flat:
        if out and out[-1][1] == seg[1] and seg[0] - out[-1][2] <= gap:
            out[-1] = (out[-1][0], seg[1], max(out[-1][2], seg[2]), seg[1])
        else:
            out.append(seg)
    merged: list[ofd_grid.Segment] = []
    for seg in upright:
        if merged and merged[-1][0] == seg[0] and seg[1] - merged[-1][3] <= gap:
            merged[-1] = (seg[0], merged[-1][1], seg[0], max(merged[-1][3], seg[3]))
        else:
            merged.append(seg)
    return out + merged


def tables(mask: np.ndarray, dpi: float, page: int) -> tuple[list[Table], np.ndarray]:
    """The page's ruled tables (bboxes in pixels, cells without text yet) and the mask of all rules found."""
    h_mask, v_mask = rule_masks(mask, dpi)
    found = ofd_grid.tables(grid_segments(h_mask, v_mask, dpi), [], page)
    return found, cv2.bitwise_or(h_mask, v_mask)
