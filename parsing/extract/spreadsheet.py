"""Spreadsheet extractor: .xlsx through openpyxl, .xls through xlrd; merged cells kept once with their spans."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import xlrd

from kernel.errors import ParseError
from parsing.extract.limits import MAX_TABLE_ROWS, check_zip, rows_cut_warning
from parsing.types import Cell, Extraction, Table

Grid = dict[tuple[int, int], str]
Merges = list[tuple[int, int, int, int]]  # (first row, first col, last row exclusive, last col exclusive)


def extract_xlsx(data: bytes) -> Extraction:
    """Every sheet of an .xlsx workbook: one-cell rows as text, blocks of wider rows as tables."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if "xl/workbook.xml" not in package.namelist():
                raise ParseError("not an XLSX: the zip has no xl/workbook.xml")
        check_zip(data, "XLSX")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except ParseError:
        raise
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not an XLSX: bad zip file ({exc})") from exc
    except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml errors on broken packages
        raise ParseError(f"unreadable XLSX: {type(exc).__name__}: {exc}") from exc
    sheets = []
    warnings = [rows_cut_warning(sheet.max_row) for sheet in book.worksheets if sheet.max_row > MAX_TABLE_ROWS]
    for sheet in book.worksheets:
        grid = {(c.row - 1, c.column - 1): _text(c.value) for row in sheet.iter_rows(max_row=MAX_TABLE_ROWS)
                for c in row}
        merges = [(r.min_row - 1, r.min_col - 1, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]
        sheets.append((grid, merges))
    return _extraction(sheets, "xlsx", warnings)


def extract_xls(data: bytes) -> Extraction:
    """Every sheet of a BIFF .xls workbook."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)  # merged_cells needs it
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors on broken files
        raise ParseError(f"unreadable XLS: {type(exc).__name__}: {exc}") from exc
    sheets = []
    warnings = [rows_cut_warning(sheet.nrows) for sheet in book.sheets() if sheet.nrows > MAX_TABLE_ROWS]
    for sheet in book.sheets():
        grid = {(r, c): _text(sheet.cell_value(r, c)) for r in range(min(sheet.nrows, MAX_TABLE_ROWS))
                for c in range(sheet.ncols)}
        sheets.append((grid, [(r0, c0, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells]))  # xlrd: rlo, rhi, clo, chi
    return _extraction(sheets, "xls", warnings)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _extraction(sheets: list[tuple[Grid, Merges]], kind: str, warnings: list[str]) -> Extraction:
    blocks: list[str] = []
    tables: list[Table] = []
    for grid, merges in sheets:
        texts, sheet_tables = _sheet(grid, merges)
        blocks.extend(texts)
        tables.extend(sheet_tables)
    if not any(b.strip() for b in blocks):
        raise ParseError(f"{kind.upper()} workbook has no text in any sheet")
    return Extraction(text="\n".join(blocks), tables=tables, source_kind=kind, warnings=warnings)


def _sheet(grid: Grid, merges: Merges) -> tuple[list[str], list[Table]]:
    """Blocks of rows between empty rows: a block with a row of two filled cells is a table, else prose."""
    spans = {(r0, c0): (r1 - r0, c1 - c0) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1) for c in range(c0, c1)} - set(spans)
    by_row: dict[int, list[int]] = {}  # filled, uncovered columns of each row
    columns: dict[int, list[int]] = {}  # every column of each row
    for (r, c), text in grid.items():
        columns.setdefault(r, []).append(c)
        if text and (r, c) not in covered:
            by_row.setdefault(r, []).append(c)
    blocks: list[list[int]] = []
    for r in sorted(by_row):
        last = blocks[-1][-1] if blocks else None  # a block goes on while rows follow (merged rows count)
        if last is None or r - last > max(spans.get((last, c), (1, 1))[0] for c in by_row[last]):
            blocks.append([r])
        else:
            blocks[-1].append(r)
    prose: list[str] = []  # the sheet's text in order: prose rows and tables as tab rows
    tables: list[Table] = []
    for block in blocks:
        if all(len(by_row[r]) < 2 for r in block):
            prose.extend(" ".join(grid[(r, c)] for c in sorted(by_row[r])) for r in block)
        else:
            table = _table(grid, columns, spans, covered, block[0], block[-1] + 1)
            tables.append(table)
            prose.append(table.as_text())
    return prose, tables


def _table(grid: Grid, columns: dict[int, list[int]], spans: dict[tuple[int, int], tuple[int, int]],
           covered: set[tuple[int, int]], start: int, end: int) -> Table:
    """The table of rows start..end (stretched over merged rows); ``columns`` holds each row's columns, so a table
    costs its own cells, not the whole sheet's."""
    end = max([end] + [r + height for (r, _c), (height, _w) in spans.items() if start <= r < end])
    width = max(c + spans.get((r, c), (1, 1))[1] for r in range(start, end) for c in columns.get(r, ()) if grid[(r, c)])
    rows: list[list[Cell]] = []
    for r in range(start, end):
        row = []
        for c in sorted(c for c in columns.get(r, ()) if c < width):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            row.append(Cell(text=grid[(r, c)], row=r - start, col=c, rowspan=rowspan, colspan=colspan))
        rows.append(row)
    return Table(rows=rows)
