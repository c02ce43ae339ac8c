"""Text-line recognition with tesseract (chi_sim), the same interface as ``ocr_rapid`` for measured comparison.

One tesseract process per page and mode rather than per crop (a process costs ~0.1 s): the crops are stacked
into one tall strip, read once freely and once with a digit whitelist, and each recognised word goes back to the
crop its box lies in. Confidence is tesseract's word confidence scaled to 0–1, the weakest word of a crop.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import numpy as np
from PIL import Image

from kernel.errors import ParseError
from parsing.ocr_rapid import DIGITS, Reading

ENGINE = "tesseract-chi_sim"
LANG = "chi_sim"
GAP = 24  # white pixels between stacked crops
TIMEOUT_S = 90


def recognize(crops: list[np.ndarray]) -> list[Reading]:
    """Read one text line per grey crop, freely (chi_sim) and with the digit whitelist."""
    if not crops:
        return []
    strip, spans = _stack(crops)
    free = _words(strip, spans, [])
    digits = _words(strip, spans, ["-c", f"tessedit_char_whitelist={DIGITS}"])
    out = []
    for (text, conf), (digit_text, digit_conf) in zip(free, digits, strict=True):
        out.append(Reading(text, conf, digit_text, digit_conf))
    return out


def _stack(crops: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Crops one under another, left-aligned, scaled to a common 40-pixel line height; their y spans."""
    scaled = [np.asarray(Image.fromarray(c).resize((max(1, c.shape[1] * 40 // max(1, c.shape[0])), 40)))
              for c in crops]
    width = max(c.shape[1] for c in scaled) + 2 * GAP
    strip = np.full((sum(c.shape[0] + GAP for c in scaled) + GAP, width), 255, dtype=np.uint8)
    spans, y = [], GAP
    for c in scaled:
        strip[y:y + c.shape[0], GAP:GAP + c.shape[1]] = c
        spans.append((y, y + c.shape[0]))
        y += c.shape[0] + GAP
    return strip, spans


def _words(strip: np.ndarray, spans: list[tuple[int, int]], options: list[str]) -> list[tuple[str, float]]:
    binary = shutil.which("tesseract")
    if binary is None:
        raise ParseError("tesseract OCR needs tesseract (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
    buffer = io.BytesIO()
    Image.fromarray(strip).save(buffer, format="PNG")
    done = subprocess.run([binary, "stdin", "stdout", "-l", LANG, "--psm", "6", *options, "tsv"],
                          input=buffer.getvalue(), capture_output=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise ParseError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[:300]}")
    texts: list[list[tuple[float, str]]] = [[] for _ in spans]
    confs: list[list[float]] = [[] for _ in spans]
    for row in csv.DictReader(io.StringIO(done.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        centre = int(row["top"]) + int(row["height"]) / 2
        for i, (y0, y1) in enumerate(spans):
            if y0 - GAP / 2 <= centre <= y1 + GAP / 2:
                texts[i].append((float(row["left"]), row["text"].strip()))
                confs[i].append(max(0.0, float(row["conf"])) / 100)
                break
    return [("".join(t for _, t in sorted(words)), min(c) if c else 1.0) for words, c in zip(texts, confs, strict=True)]
