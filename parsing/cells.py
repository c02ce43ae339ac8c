"""The §9 CELL: printed text to value (schema §7) — blank is never 0, 减少 4 is -4, units 元/万元 kept."""

from __future__ import annotations

import re

from kernel.report import UNIT_WAN_YUAN, UNIT_YUAN, Cell, CellSource
from parsing.normalize import label_key, nfkc

Source = CellSource
_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元|件|条|项|个)?$")
_DASHES = {"-", "--", "/", "无", "_", "—"}


def cell_value(raw: str, source: Source, *, unit: str | None = None) -> Cell:
    """A CELL from printed text: blank null, dashes null (dash=true), unreadable null (uncertain=true).

    ``unit`` is the unit a column header fixes (2021 （八） 万元); a unit printed in the cell wins.
    """
    cell = _cell_value(raw, source, unit=unit)
    if source.get("ocr_uncertain"):  # OCR read it with low confidence: keep what was read, never trust it
        cell["uncertain"] = True
    return cell


def _cell_value(raw: str, source: Source, *, unit: str | None) -> Cell:
    text = label_key(raw).replace(",", "")
    cell = blank_cell(source, raw=raw)
    if not text:
        return cell
    cell["blank"] = False
    if text in _DASHES or set(text) <= {"-"}:
        cell["dash"] = True
        return cell
    sign = 1
    for word, factor in (("减少", -1), ("增加", 1)):
        if text.startswith(word):
            text, sign = text[len(word):], factor
    m = _NUMBER.match(nfkc(text))
    if not m:
        cell["uncertain"] = True
        return cell
    number = float(m.group("num")) * (-1 if m.group("sign") == "-" else 1) * sign
    cell["value"] = int(number) if number.is_integer() and "." not in m.group("num") else number
    printed_unit = m.group("unit") if m.group("unit") in (UNIT_WAN_YUAN, UNIT_YUAN) else None
    cell["unit"] = printed_unit or unit
    return cell


def blank_cell(source: Source, *, raw: str = "") -> Cell:
    """A cell the document leaves empty: value null, blank true."""
    return {"value": None, "raw": raw, "blank": True, "uncertain": False, "unit": None, "source": source}


def uncertain_cell(source: Source) -> Cell:
    """A cell a number may belong to but that text alone cannot place (seed 000 "5 1 6"): never guessed."""
    return {"value": None, "raw": "", "blank": False, "uncertain": True, "unit": None, "source": source}


def is_number_like(text: str) -> bool:
    """True for blank, dash and number cells (what a data row holds)."""
    key = label_key(text).replace(",", "")
    for word in ("减少", "增加"):
        key = key.removeprefix(word)
    return not key or key in _DASHES or _NUMBER.match(nfkc(key)) is not None
