"""Tables 2, 3 and 4 of one extraction: from structured grids first (table pieces split across PDF pages
stitched back), from the plain text when no grid holds them; with the format each table prints (§5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.report import Cell
from kernel.report_tables import T3_OTHER, T3_OTHER_DETAIL
from parsing import rules
from parsing import rules_tables as rt
from parsing.cells import blank_cell, cell_value, is_number_like
from parsing.normalize import label_key
from parsing.rows import grid_rows, text_rows
from parsing.table2 import map_table2, table2_version
from parsing.text_tables import map_table3_rows, map_table4_rows
from parsing.tree import get_path, set_path
from parsing.types import Extraction, Table

T3_COLUMNS, T4_GROUPS, T4_COLUMNS = rt.T3_COLUMNS, rt.T4_GROUPS, rt.T4_COLUMNS
__all__ = ["T3_COLUMNS", "T4_COLUMNS", "T4_GROUPS", "MappedTables", "cell_value", "find_table", "map_tables"]


@dataclass
class MappedTables:
    """The three tables as §9 dicts (None when absent) and the per-table format findings."""

    table2: dict[str, Any] | None
    table3: dict[str, Any] | None
    table4: dict[str, Any] | None
    table2_version: str | None
    table3_three_row: bool | None


def find_table(tables: list[Table], *needles: str) -> Table | None:
    """The first table whose text holds every needle (after label_key)."""
    index = _find_index(tables, *needles)
    return tables[index] if index is not None else None


def _find_index(tables: list[Table], *needles: str) -> int | None:
    for i, table in enumerate(tables):
        key = label_key(table.as_text())
        if all(n in key for n in needles):
            return i
    return None


def map_tables(extraction: Extraction) -> MappedTables:
    """Map the extraction's tables; each table falls back to the text when no grid holds it."""
    tables, text = extraction.tables, extraction.text
    t3_start = _find_index(tables, "本年新收")
    t3_pieces = _table3_pieces(tables, t3_start) if t3_start is not None else []
    three_row = _three_row(label_key("\n".join(t.as_text() for t in t3_pieces)) if t3_pieces else label_key(text))
    t3 = _map_table3_grid(t3_pieces, three_row) if t3_pieces else None
    t2_tables = _table2_pieces(tables, t3_start)
    t2, labels = map_table2(grid_rows(t2_tables)) if t2_tables else (None, [])
    t4_table = find_table(tables, rt.T4_ANCHOR)
    t4 = map_table4(t4_table) if t4_table else None
    if t2 is None or t3 is None or t4 is None:
        lines = text.split("\n")
        if t2 is None:
            t2, labels = map_table2(text_rows(text, *_text_span(lines, "第二十条", "本年新收")))
        if t3 is None:
            start, _ = _text_span(lines, "本年新收", "")
            t3 = map_table3_rows(text_rows(text, start), three_row) if start < len(lines) else None
        if t4 is None:
            start, _ = _text_span(lines, rt.T4_ANCHOR, "")
            t4 = map_table4_rows(text_rows(text, start + 1)) if start < len(lines) else None
    if t3 is not None:
        derive_other(t3)
    return MappedTables(t2, t3, t4, table2_version(labels), three_row if t3 is not None else None)


def _three_row(squeezed: str) -> bool:
    return any(label in squeezed for label in rules.T3_THREE_ROW_LABELS)


def _text_span(lines: list[str], start_needle: str, end_needle: str) -> tuple[int, int]:
    """Line indexes [start, end) from the first line holding start_needle to the next holding end_needle."""
    start = next((i for i, line in enumerate(lines) if start_needle in label_key(line)), len(lines))
    if not end_needle:
        return start, len(lines)
    end = next((i for i in range(start, len(lines)) if end_needle in label_key(lines[i])), len(lines))
    return start, end


def _table2_pieces(tables: list[Table], t3_start: int | None) -> list[Table]:
    first = _find_index(tables, "第二十条")
    if first is None:
        return []
    last = t3_start if t3_start is not None and t3_start > first else len(tables)
    return [t for t in tables[first:last] if rt.T4_ANCHOR not in label_key(t.as_text())]


def _table3_pieces(tables: list[Table], start: int) -> list[Table]:
    """Table 3 and its continuations on later pages (rows that are table-3 rows, 7 data columns at the right)."""
    pieces = [tables[start]]
    for table in tables[start + 1 :]:
        key = label_key(table.as_text())
        # pdfplumber may merge label columns on one page and not the next: widths differ, data stays rightmost
        if rt.T4_ANCHOR in key or table.n_cols < len(T3_COLUMNS) + 1 or not _t3_row_paths(table):
            break
        pieces.append(table)
    return pieces


def _t3_row_paths(table: Table) -> list[tuple[int, str]]:
    """(grid row, path) for every grid row whose label cells name a table-3 row."""
    grid = table.grid()
    n_label = table.n_cols - len(T3_COLUMNS)
    found: list[tuple[int, str]] = []
    for r, grid_row in enumerate(grid):
        labels: list[str] = []
        for cell in grid_row[:n_label]:
            if cell is not None and (not labels or labels[-1] != cell.text):
                labels.append(cell.text)
        label = label_key("".join(labels))
        path = next((p for p, pattern in rt.T3_ROWS if pattern.search(label)), None)
        if path:
            found.append((r, path))
    return found


def _map_table3_grid(pieces: list[Table], three_row: bool) -> dict[str, Any] | None:
    """Rows by label; the last seven grid columns are the §3 columns (the label columns vary)."""
    if pieces[0].n_cols < len(T3_COLUMNS) + 1:
        return None
    order = rt.T3_ORDER_THREE if three_row else rt.T3_ORDER_SINGLE
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for table in pieces:
        grid = table.grid()
        data_cols = range(table.n_cols - len(T3_COLUMNS), table.n_cols)
        for r, path in _t3_row_paths(table):
            if path in seen or path not in order:
                continue
            seen.add(path)
            set_path(out, path, dict(zip(T3_COLUMNS, _row_cells(grid[r], data_cols, r), strict=True)))
    return out if len(seen) >= 5 else None


def _row_cells(grid_row: list[Any], columns: range, r: int) -> list[Cell]:
    out = []
    for c in columns:
        cell = grid_row[c] if c < len(grid_row) else None
        if cell is None:
            out.append(blank_cell({"row": r, "col": c}))
        elif cell.col != c or cell.row != r:  # a span reaching into this column: not this column's own value
            out.append({**blank_cell(cell.source()), "blank": False, "uncertain": True})
        else:
            out.append(cell_value(cell.text, cell.source()))
    return out


def derive_other(t3: dict[str, Any]) -> None:
    """results.other as the sum of the three printed （六） sub-rows (each cell ``derived``), schema §9."""
    detail = get_path(t3, T3_OTHER_DETAIL)
    if not detail or get_path(t3, T3_OTHER) is not None:
        return
    row: dict[str, Cell] = {}
    for col in T3_COLUMNS:
        cells = [detail[k][col] for k in detail]
        values = [c["value"] for c in cells if c["value"] is not None]
        row[col] = {"value": sum(values) if values else None, "raw": "", "blank": not values,
                    "uncertain": any(c["uncertain"] for c in cells), "unit": None,
                    "source": {"derived": T3_OTHER_DETAIL}, "derived": True}
    set_path(t3, T3_OTHER, row)


def map_table4(table: Table) -> dict[str, Any] | None:
    """The 15 numbers of table 4 from its last row that holds at least 15 number-like cells."""
    grid = table.grid(repeat_spans=False)
    for r in range(len(grid) - 1, -1, -1):
        cells = [c for c in grid[r] if c is not None]
        if len(cells) >= rt.T4_CELLS and all(is_number_like(c.text) for c in cells[-rt.T4_CELLS :]):
            values = [cell_value(c.text, c.source()) for c in cells[-rt.T4_CELLS :]]
            n = len(T4_COLUMNS)
            return {g: dict(zip(T4_COLUMNS, values[i * n : i * n + n], strict=True)) for i, g in enumerate(T4_GROUPS)}
    return None
