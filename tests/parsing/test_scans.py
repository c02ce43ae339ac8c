"""Scanned reports parse like born-digital ones: generated scans (sampleweb.scans), scored against their truth.

A seeded sample: scans whose knobs are drawn from their seeds, plus the corners the knobs span (the cleanest
300 dpi scan, the harshest single knobs). Results are checked per knob value, as the issue asks: cells exact
≥ 97% for every value, ≥ 99% at 300 dpi without skew, unit and year right on every scan, and no wrong cell left
unflagged. bench/scans.py runs the larger sample and prints the per-knob table.
"""

from __future__ import annotations

import socket
from dataclasses import replace

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.scans import ScanScore, per_knob, score
from parsing import ocr_rapid
from parsing.extract import scan_grid, scan_prep, scan_read
from sampleweb.render_pdf import LATIN_FONT_FILE
from sampleweb.scans import CLEAN, knobs_for, make_scan

HARSH = replace(CLEAN, dpi=150, rotation=-3.0, noise=12.0, jpeg_quality=40)
SAMPLE = {
    "scan-t0": knobs_for("scan-t0"), "scan-t1": knobs_for("scan-t1"), "scan-t2": knobs_for("scan-t2"),
    "scan-t3": knobs_for("scan-t3"), "clean300": CLEAN,
    "harsh": HARSH,
    "office": replace(CLEAN, dpi=200, seal=True, signature=True, fold_shadow=True, rotation=2.0, blur=1.0),
    "twoup": replace(CLEAN, dpi=250, two_up=True, perspective=0.008, jpeg_quality=60, noise=8.0),
}


@pytest.fixture(scope="module")
def scores() -> dict[str, ScanScore]:
    return {seed: score(make_scan(seed, knobs)) for seed, knobs in SAMPLE.items()}


def test_cells_exact_per_knob_value(scores: dict[str, ScanScore]) -> None:
    rows = per_knob(scores.values())
    low = {key: round(r["exact"], 4) for key, r in rows.items() if r["exact"] < 0.97}
    assert not low, f"cells exact below 97% for knob values {low}"


def test_clean_300_dpi_scan_is_near_perfect(scores: dict[str, ScanScore]) -> None:
    clean = scores["clean300"]
    assert clean.exact / clean.cells >= 0.99, clean


def test_unit_and_year_right_on_every_scan(scores: dict[str, ScanScore]) -> None:
    wrong = [s.seed for s in scores.values() if not (s.unit_ok and s.year_ok)]
    assert not wrong


def test_every_wrong_cell_is_flagged_uncertain(scores: dict[str, ScanScore]) -> None:
    unflagged = {s.seed: s.wrong_unflagged for s in scores.values() if s.wrong_unflagged}
    assert not unflagged


def test_the_sample_spans_the_knobs(scores: dict[str, ScanScore]) -> None:
    """The sample is what it claims: both dpi ends, skew, a seal, a signature, a fold, two pages a sheet."""
    knobs = [s.knobs for s in scores.values()]
    assert {150, 300} <= {k.dpi for k in knobs}
    assert max(abs(k.rotation) for k in knobs) >= 2.5 and any(k.perspective for k in knobs)
    assert all(any(getattr(k, name) for k in knobs) for name in ("seal", "signature", "fold_shadow", "two_up"))
    assert min(k.jpeg_quality for k in knobs) <= 45


def test_scan_truth_and_bytes_come_from_the_seed() -> None:
    one, again = make_scan("scan-t9", HARSH), make_scan("scan-t9", HARSH)
    assert one.sheets == again.sheets and one.cells == again.cells
    assert knobs_for("scan-t9") == knobs_for("scan-t9") and knobs_for("scan-t9") != knobs_for("scan-t10")
    assert one.pdf.startswith(b"%PDF") and all(sheet.startswith(b"\xff\xd8") for sheet in one.sheets)
    assert len(one.cells) >= 180 and any(isinstance(v, int) and v >= 10 for v in one.cells.values())


def test_recogniser_loads_from_the_wheel_with_the_network_unplugged(monkeypatch: pytest.MonkeyPatch) -> None:
    def unplugged(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("network unplugged for this test")

    monkeypatch.setattr(socket, "socket", unplugged)
    monkeypatch.setattr(socket, "create_connection", unplugged)
    ocr_rapid._model.cache_clear()
    (reading,) = ocr_rapid.recognize([make_digit_crop()])
    assert reading.digits == "7" and reading.confidence > 0.5


def make_digit_crop() -> np.ndarray:
    image = Image.new("L", (40, 48), 255)
    ImageDraw.Draw(image).text((10, 6), "7", font=ImageFont.truetype(str(LATIN_FONT_FILE), 32), fill=0)
    return np.asarray(image)


def test_two_up_sheet_is_cut_in_the_middle_of_the_gutter() -> None:
    """scan-t1: the cut went into the first empty column after the left page's table, so straightening turned the
    table's right rule out of the picture and its last column (现行有效件数) was lost."""
    sheet = np.full((1000, 1420), 255, np.uint8)
    sheet[100:900, 80:640] = 0  # the left page's print reaches past 42% of the sheet (596 px)
    sheet[100:900, 800:1340] = 0
    left, right = scan_prep.split_sheet(sheet)
    assert left.shape[1] - 640 >= 60 and (left[:, 640:] == 255).all()
    assert (right[:, :800 - left.shape[1]] == 255).all()


def test_dust_goes_and_a_decimal_point_stays() -> None:
    """Specks of scanner dust far from print are not ink (they read as lines of "." or as a leading point); the
    point of a printed decimal, as small (9 pt at 150 dpi), sits beside its digits and stays."""
    image = Image.new("L", (400, 120), 255)
    ImageDraw.Draw(image).text((40, 40), "32.71", font=ImageFont.truetype(str(LATIN_FONT_FILE), 19), fill=0)
    grey = np.asarray(image).copy()
    for y, x in ((10, 300), (90, 350), (100, 20)):
        grey[y:y + 2, x:x + 2] = 30
    cleaned, ink = scan_prep.clean(grey, 150)
    assert not ink[:, 250:].any() and not ink[95:, :40].any() and cleaned[10, 300] == 255
    printed = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, 25, 25)
    printed = printed[30:80, 30:200]
    _, _, stats, _ = cv2.connectedComponentsWithStats(printed)
    assert min(max(w, h) for _, _, w, h, _ in stats[1:]) <= 150 / 30  # the point is dust-sized …
    assert (ink[30:80, 30:200] == printed).all()  # … and kept with every other stroke


def test_a_number_reading_keeps_the_shape_of_a_number() -> None:
    """A speck beside a "0" read as ".0" (harsh scan): the mark gives way to the step's next best class, and the
    cell's confidence falls to that class's probability — a doubtful cell, never a silent guess."""
    characters = ["blank", "0", "1", ".", "-", ","]
    allowed = np.array([c in ocr_rapid.DIGITS for c in characters])
    allowed[0] = True

    def steps(*marks: tuple[str, float]) -> np.ndarray:
        pred = np.full((len(marks), len(characters)), 0.01)
        for i, (char, prob) in enumerate(marks):
            pred[i, characters.index(char)], pred[i, 0] = prob, max(pred[i, 0], 0.95 - prob)
        return pred

    leading = ocr_rapid._decode_number(steps((".", 0.6), ("0", 0.95)), characters, allowed)
    assert leading.text == "0" and leading.confidence < scan_read.MIN_CONFIDENCE
    kept = ocr_rapid._decode_number(steps(("1", 0.9), (".", 0.8), ("0", 0.9)), characters, allowed)
    assert kept.text == "1.0" and kept.confidence == 0.8
    trailing_minus = ocr_rapid._decode_number(steps(("0", 0.9), ("-", 0.9)), characters, allowed)
    assert trailing_minus.text == "0" and trailing_minus.confidence < scan_read.MIN_CONFIDENCE


def test_a_small_digit_is_one_line_and_dust_beside_a_line_is_trimmed() -> None:
    """Harsh scan: a "2" at 150 dpi parted at its thin diagonal into two lines (the second read as "K"), and a
    heading cell read as a line of specks across the cell (第二十条第（八项); table 4 was lost."""
    ink = np.zeros((40, 300), np.uint8)
    ink[10:16, 100:110] = 255  # the top of a small "2"
    ink[16, 104] = 255  # its diagonal: one pixel in this row
    ink[17:23, 100:110] = 255
    (digit,) = scan_read.line_boxes(ink, (0, 0, 300, 40), 3)
    assert digit == (100, 10, 110, 23)
    ink[12:14, 10:12] = ink[18:20, 280:282] = 255  # dust at both ends of the band
    ink[12:20, 150:200] = 255  # a word far off stays
    assert scan_read.line_boxes(ink, (0, 0, 300, 40), 3) == [(100, 10, 200, 23)]


def test_a_rule_broken_mid_cell_still_divides_the_columns() -> None:
    """scan-23 (150 dpi, blurred, JPEG 46): two column rules of table 3 broke mid-cell; neither piece ended on a
    crossing rule, both were dropped, and two columns of numbers ran together (2119 + 1284 read as 21191284)."""
    h_mask, v_mask = np.zeros((300, 300), np.uint8), np.zeros((300, 300), np.uint8)
    for y in (20, 120, 220):
        h_mask[y, 20:281] = 255
    for x in (20, 280):
        v_mask[20:221, x] = 255
    v_mask[20:160, 150] = v_mask[163:221, 150] = 255  # a faint rule, broken 40 px below a row's top rule
    upright = [s for s in scan_grid.grid_segments(h_mask, v_mask, 150) if s[0] == s[2]]
    assert sorted(upright) == [(20.5, 20.5, 20.5, 220.5), (150.5, 20.5, 150.5, 220.5), (280.5, 20.5, 280.5, 220.5)]
