"""Flags on OCR'd tables: cells of an identity that no longer adds up, and cells placed from OCR text columns.

On a scan, a failed identity (schema §6: T3-COL, T3-RES, T3-ROW, T4-SUM) may be a misprint in the report or a
misread by the recogniser, and the parse cannot tell which. So every OCR-read cell the failed rule names is
marked ``uncertain`` (its source says which rule: ``ocr_identity``); no value is ever changed to make the sums
agree. Cells of born-digital documents are left alone: there a failed identity is the report's own.

A table without ruling lines on a scan reaches the record through the text-table path (OCR text lines with
tabs at wide gaps); where a number lands there is a guess from spacing, so those cells are uncertain too.
"""

from __future__ import annotations

from typing import Any

from kernel import report as rk
from parsing.tree import get_path, iter_cells

TABLE_RULES = (rk.RULE_T3_COL, rk.RULE_T3_RES, rk.RULE_T3_ROW, rk.RULE_T4_SUM)


def flag_failed_identities(record: dict[str, Any]) -> int:
    """Mark OCR cells named by failed table identities uncertain; returns how many cells were newly flagged."""
    flagged = 0
    for entry in record.get(rk.VALIDATION) or []:
        if entry["rule"] not in TABLE_RULES:
            continue
        for path in entry["cells"]:
            cell = get_path(record, path)
            if not cell or not cell.get("source", {}).get("ocr"):
                continue
            flagged += not cell["uncertain"]
            cell["uncertain"] = True
            rules = cell["source"].setdefault("ocr_identity", [])
            if entry["rule"] not in rules:
                rules.append(entry["rule"])
    return flagged


def flag_text_cells(record: dict[str, Any]) -> int:
    """Mark table cells placed from OCR'd text columns (not from a ruled grid) uncertain; returns how many."""
    flagged = 0
    for table in rk.TABLES:
        for _, cell in iter_cells(record.get(table), table):
            source = cell.get("source", {})
            if not source.get("ocr") and not cell.get("derived") and not cell["uncertain"]:
                cell["uncertain"] = True
                flagged += 1
    return flagged
