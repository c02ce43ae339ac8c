"""Reading a deskewed scanned page: text lines from the ink profile, each cell of each ruled table on its own.

A cell (or the page outside its tables) is cut into text lines where a row of pixels holds no ink; each line
is trimmed to its ink, padded, and read by the recogniser in one batch per page. A cell whose free reading is
mostly digits takes the digit-whitelist reading (a 0 never becomes 〇 or O). Every cell records the engine and
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
    """The text lines inside ``box`` of the ink mask, each trimmed to its ink (empty list for a blank area)."""
    x0, y0, x1, y1 = box
    area = ink[y0:y1, x0:x1]
    rows = (area > 0).sum(axis=1)
    out: list[Box] = []
    start = None
    for y, count in enumerate([*rows.tolist(), 0]):
        if count > 1 and start is None:
            start = y
        elif count <= 1 and start is not None:
            if y - start >= min_height:
                cols = np.flatnonzero((area[start:y] > 0).sum(axis=0) > 0)
                out.append((x0 + int(cols[0]), y0 + start, x0 + int(cols[-1]) + 1, y0 + y))
            start = None
    return out


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
    """One reading per line box (a single recogniser batch run)."""
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
    numeric = _numeric_columns(tables, cell_lines)
    rows = [[list(row) for row in table.rows] for table in tables]
    for (t, r, c), lines in cell_lines.items():
        cell = rows[t][r][c]
        text, confidence = _cell_text(lines, (t, cell.col) in numeric)
        rows[t][r][c] = dataclasses.replace(cell, text=text, bbox=_scaled(cell.bbox, scale), ocr=True,
                                            ocr_engine=ENGINE, ocr_confidence=round(confidence, 3),
                                            uncertain=confidence < MIN_CONFIDENCE)
    return [Table(rows=rows[t], page=table.page, bbox=_scaled(table.bbox, scale)) for t, table in enumerate(tables)]


def _numeric_columns(tables: list[Table], cell_lines: dict[tuple[int, int, int], list[ocr_rapid.Reading]]
                     ) -> set[tuple[int, int]]:
    """(table, grid column) pairs where most read cells are numbers: a data column of a statistics table."""
    votes: dict[tuple[int, int], list[bool]] = {}
    for (t, r, c), lines in cell_lines.items():
        if lines:
            free = "".join(x.text for x in lines).replace(" ", "")
            votes.setdefault((t, tables[t].rows[r][c].col), []).append(_digitish(free))
    return {key for key, flags in votes.items() if sum(flags) * 3 > len(flags) * 2}


def _digitish(text: str) -> bool:
    """Mostly digits and no CJK: a number as printed (maybe misread in a character or two)."""
    digits = sum(ch.isdigit() or ch in ".,-+" for ch in text)
    return bool(text) and digits * 2 > len(text) and not _CJK.search(text)


def _cell_text(lines: list[ocr_rapid.Reading], numeric_column: bool) -> tuple[str, float]:
    """A cell's text (lines joined with newlines) and confidence. A single-line cell that reads as a number,
    or sits in a number column and holds no CJK, takes the digit-whitelist reading and its confidence."""
    if not lines:
        return "", 1.0
    free = "".join(r.text for r in lines).replace(" ", "")
    if len(lines) == 1 and (_digitish(free) or (numeric_column and not _CJK.search(free))):
        reading = lines[0]
        if _NUMBERISH.match(reading.digits or "x"):
            return reading.digits, reading.digits_confidence
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
