"""Reading a deskewed scanned page: text lines from the ink profile, each cell of each ruled table on its own.

A cell (or the page outside its tables) is cut into text lines where a row of pixels holds no ink; each line
is trimmed to its ink, padded, and read by the recogniser in one batch per page. A one-line cell without CJK
takes the digit-whitelist reading (a 0 never becomes 〇 or O). Every cell records the engine and
its confidence; below ``MIN_CONFIDENCE`` the cell is marked uncertain, never silently trusted.
"""

from __future__ import annotations

import dataclasses
import re

import cv2
import numpy as np

from parsing import ocr_rapid, ocr_tesseract
from parsing.types import BBox, Table

MIN_CONFIDENCE = 0.6  # a cell whose weakest character is less likely than this is uncertain
# The recognisers measured on generated scans (bench/scans.py --engine); ENGINE names the one in use.
ENGINES = {ocr_rapid.ENGINE: ocr_rapid.recognize, ocr_tesseract.ENGINE: ocr_tesseract.recognize}
ENGINE = ocr_rapid.ENGINE
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
_NUMBERISH = re.compile(r"^[\d.,\-+]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def line_boxes(ink: np.ndarray, box: Box, min_height: int) -> list[Box]:
    """The text lines inside ``box`` of the ink mask, each trimmed to its print (empty list for a blank area).

    A line is a run of pixel rows holding ink; runs a thin stroke apart are pieces of the same glyphs (a small "2"
    parts at its diagonal) and are joined; dust left in a line far from its print is trimmed off, so the
    recogniser sees the print and not a row of specks."""
    x0, y0, x1, y1 = box
    area = ink[y0:y1, x0:x1] > 0
    out: list[Box] = []
    for start, end in _joined(_runs(area.sum(axis=1) > 1), min_height):
        if end - start < min_height:
            continue
        span = _print_span(area[start:end].sum(axis=0), end - start)
        if span:
            out.append((x0 + span[0], y0 + start, x0 + span[1], y0 + end))
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of every run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


# A run of fewer pixel rows is a table rule's leftover or dust along a cell's edge: joined to the print, it put the
# rule into the line's crop and spoiled the reading (the hand-made scanned fixture lost 28 of its cells).
THINNEST = 3


def _joined(runs: list[tuple[int, int]], min_height: int) -> list[tuple[int, int]]:
    """Runs one row apart (a thin stroke between them), or two rows apart when either is too short to be a line on
    its own, joined: lines of text are further apart than that. A run thinner than THINNEST rows is never joined."""
    out: list[tuple[int, int]] = []
    for start, end in runs:
        gap = start - out[-1][1] if out else 0
        shorter = min(end - start, out[-1][1] - out[-1][0]) if out else 0
        if out and shorter >= THINNEST and (gap <= 1 or gap <= 2 and shorter < min_height):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _print_span(columns: np.ndarray, height: int) -> tuple[int, int] | None:
    """[left, right) of a line's print: groups of ink columns more than a line height apart, without the groups
    narrower than a glyph that hold under a fifth of the biggest group's ink (dust, a rule's leftover); a short
    word far off (单位：万元 right of a caption) stays."""
    groups = [(a, b, int(columns[a:b].sum())) for a, b in _runs(columns > 0)]
    clusters: list[list[int]] = []
    for a, b, count in groups:
        if clusters and a - clusters[-1][1] <= height:
            clusters[-1][1:] = [b, clusters[-1][2] + count]
        else:
            clusters.append([a, b, count])
    if not clusters:
        return None
    floor = max(c[2] for c in clusters) / 5
    kept = [c for c in clusters if c[2] >= floor or c[1] - c[0] >= height]
    return kept[0][0], kept[-1][1]


def segments(ink: np.ndarray, line: Box) -> list[Box]:
    """A text line cut where the ink leaves a gap wider than two line heights (columns of an unruled table)."""
    x0, y0, x1, y1 = line
    cols = np.flatnonzero((ink[y0:y1, x0:x1] > 0).sum(axis=0) > 0)
    if cols.size == 0:
        return []
    gap = 2 * (y1 - y0)
    cuts = np.flatnonzero(np.diff(cols) > gap)
    starts, ends = [cols[0], *cols[cuts + 1]], [*cols[cuts], cols[-1]]
    return [(x0 + int(a), y0, x0 + int(b) + 1, y1) for a, b in zip(starts, ends, strict=True)]


def read_text(grey: np.ndarray, ink: np.ndarray, lines: list[Box]) -> list[tuple[Box, str]]:
    """Each line's text, its wide gaps as tabs (so an unruled table reaches the text-table path as positional
    text does); lines that read as nothing are left out."""
    pieces = [segments(ink, line) for line in lines]
    readings = iter(read_lines(grey, [p for line in pieces for p in line]))
    out = []
    for line, parts in zip(lines, pieces, strict=True):
        text = "\t".join(t for t in (next(readings).text.strip() for _ in parts) if t)
        if text:
            out.append((line, text))
    return out


def crop(grey: np.ndarray, box: Box) -> np.ndarray:
    """A line's grey pixels with a margin of a quarter line height (what the recogniser was trained on)."""
    x0, y0, x1, y1 = box
    pad = max(2, (y1 - y0) // 4)
    h, w = grey.shape
    return grey[max(0, y0 - pad):min(h, y1 + pad), max(0, x0 - pad):min(w, x1 + pad)]


def read_lines(grey: np.ndarray, boxes: list[Box]) -> list[ocr_rapid.Reading]:
    """One reading per line box."""
    return ENGINES[ENGINE]([crop(grey, b) for b in boxes]) if boxes else []


def fill_tables(tables: list[Table], grey: np.ndarray, ink: np.ndarray, dpi: float, scale: float) -> list[Table]:
    """The tables with every cell's text read from the image (cell bboxes come in pixels, leave in points)."""
    inset, min_height = max(2, int(dpi / 60)), max(3, int(dpi / 40))
    jobs: list[tuple[int, int, int, list[Box]]] = []
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                x0, y0, x1, y1 = (int(v) for v in cell.bbox or (0, 0, 0, 0))
                box = (x0 + inset, y0 + inset, max(x0 + inset, x1 - inset), max(y0 + inset, y1 - inset))
                jobs.append((t, r, c, line_boxes(ink, box, min_height)))
    readings = iter(read_lines(grey, [b for *_, boxes in jobs for b in boxes]))
    cell_lines = {(t, r, c): [next(readings) for _ in boxes] for t, r, c, boxes in jobs}
    rows = [[list(row) for row in table.rows] for table in tables]
    for (t, r, c), lines in cell_lines.items():
        cell = rows[t][r][c]
        text, confidence = _cell_text(lines)
        rows[t][r][c] = dataclasses.replace(cell, text=text, bbox=_scaled(cell.bbox, scale), ocr=True,
                                            ocr_engine=ENGINE, ocr_confidence=round(confidence, 3),
                                            uncertain=confidence < MIN_CONFIDENCE)
    return [Table(rows=rows[t], page=table.page, bbox=_scaled(table.bbox, scale)) for t, table in enumerate(tables)]


def _cell_text(lines: list[ocr_rapid.Reading]) -> tuple[str, float]:
    """A cell's text (lines joined with newlines) and confidence. A one-line cell without CJK is a number (the
    statutory tables print nothing else in Latin script): it takes the number reading and its confidence, so a
    "0" read freely as the letter O is a 0 — doubtful when the recogniser was."""
    if not lines:
        return "", 1.0
    free = "".join(r.text for r in lines).replace(" ", "")
    if len(lines) == 1 and not _CJK.search(free) and _NUMBERISH.match(lines[0].digits or "x"):
        return lines[0].digits, lines[0].digits_confidence
    text = "\n".join(r.text.strip() for r in lines).strip()
    # ink the recogniser could not read at all is not a blank cell: it is an unread one
    return text, min(r.confidence for r in lines) if text else 0.0


def _scaled(bbox: BBox | None, scale: float) -> BBox | None:
    if bbox is None:
        return None
    x0, y0, x1, y1 = (round(float(v) * scale, 2) for v in bbox)
    return (x0, y0, x1, y1)


def erase(grey: np.ndarray, ink: np.ndarray, rules: np.ndarray,
          boxes: list[tuple[float, float, float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Grey image and ink mask with the ruling lines (grown by a pixel) painted out inside the table ``boxes``
    (outside them a long stroke is a character's, not a rule)."""
    inside = np.zeros_like(rules)
    for x0, y0, x1, y1 in boxes:
        inside[max(0, int(y0) - 4):int(y1) + 5, max(0, int(x0) - 4):int(x1) + 5] = 255
    grown = cv2.bitwise_and(cv2.dilate(rules, np.ones((3, 3), np.uint8)), inside)
    grey = grey.copy()
    grey[grown > 0] = 255
    return grey, cv2.bitwise_and(ink, cv2.bitwise_not(grown))
