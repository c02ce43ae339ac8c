"""DOCX extractor: python-docx paragraphs and tables in body order, merged cells kept once with their spans."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from kernel.errors import ParseError
from parsing.extract.limits import MAX_TABLE_ROWS, check_zip, rows_cut_warning
from parsing.types import Cell, Extraction, Table


def extract(data: bytes) -> Extraction:
    """Read paragraphs and tables in the order the body holds them."""
    _check_package(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors on broken packages
        raise ParseError(f"unreadable DOCX: {type(exc).__name__}: {exc}") from exc
    blocks: list[str] = []
    tables: list[Table] = []
    warnings: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(_paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            table = _read_table(child)
            tables.append(table)
            blocks.append(table.as_text())
            if (rows := len(child.findall(qn("w:tr")))) > MAX_TABLE_ROWS:
                warnings.append(rows_cut_warning(rows))
    meta = {}
    title = document.core_properties.title
    if title:
        meta["doc_title"] = title
    return Extraction(text="\n".join(blocks), tables=tables, source_kind="docx", meta=meta, warnings=warnings)


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a DOCX: bad zip file ({exc})") from exc
    if "word/document.xml" not in names:
        raise ParseError("not a DOCX: the zip has no word/document.xml")
    check_zip(data, "DOCX")


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iterchildren(qn("w:p"))).strip()


def _read_table(tbl: Any) -> Table:
    """Cells with grid positions: gridSpan widens a cell, vMerge="continue" extends the cell above."""
    rows: list[list[Cell]] = []
    open_cells: dict[int, tuple[int, int]] = {}  # col → (row index in rows, index in that row)
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        if r == MAX_TABLE_ROWS:
            break
        row: list[Cell] = []
        col = _grid_before(tr)
        for tc in tr.iterchildren(qn("w:tc")):
            span = _tc_int(tc, "w:gridSpan", 1)
            vmerge = _tc_vmerge(tc)
            if vmerge == "continue" and col in open_cells:
                ri, ci = open_cells[col]
                above = rows[ri][ci] if ri < len(rows) else row[ci]
                rows[ri][ci] = Cell(above.text, above.row, above.col, above.rowspan + 1, above.colspan)
            else:
                row.append(Cell(text=_cell_text(tc), row=r, col=col, colspan=span))
                if vmerge == "restart":
                    open_cells[col] = (r, len(row) - 1)
                else:
                    open_cells.pop(col, None)
            col += span
        rows.append(row)
    return Table(rows=rows)


def _grid_before(tr: Any) -> int:
    trpr = tr.find(qn("w:trPr"))
    if trpr is None:
        return 0
    node = trpr.find(qn("w:gridBefore"))
    return int(node.get(qn("w:val"), "0")) if node is not None else 0


def _tc_int(tc: Any, tag: str, default: int) -> int:
    tcpr = tc.find(qn("w:tcPr"))
    node = tcpr.find(qn(tag)) if tcpr is not None else None
    if node is None:
        return default
    try:
        return int(node.get(qn("w:val"), default))
    except ValueError:
        return default


def _tc_vmerge(tc: Any) -> str | None:
    tcpr = tc.find(qn("w:tcPr"))
    node = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
    if node is None:
        return None
    return node.get(qn("w:val"), "continue")
