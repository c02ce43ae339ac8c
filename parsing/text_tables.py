"""Tables 3 and 4 from rows of text (tab lines, space-flattened lines, one cell per line).

Rows are recognised by label text, never by position: label fragments accumulate until numbers
appear, and the numbers belong to the last row label completed before them (labels wrapped around
their numbers, seed 002 "5.要求行政机关 0 … / 确认或重新出具…", fall back to the next row in template
order). Numbers keep their column only when the text keeps positions (tabs) or prints all of them;
otherwise the row's cells are uncertain with value null (seed 000 "5 1 6").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kernel.report import Cell, CellSource
from parsing import rules_tables as rt
from parsing.cells import Source, blank_cell, cell_value, uncertain_cell
from parsing.normalize import label_key
from parsing.rows import Row
from parsing.tree import set_path

Cells = list[tuple[str, Source]]


def place(values: Cells, width: int) -> list[Cell]:
    """``width`` CELLs from a positional row's value fields (blank fields kept, as tab text prints them).

    Label columns can leave empty fields before the data and trailing empties after it; the data
    starts at field 0 when exactly ``width`` fields remain, else at the first non-empty field. When
    fewer than ``width`` numbers sit two or more fields in, the offset is a guess: cells are uncertain.
    """
    filled = [i for i, (t, _) in enumerate(values) if label_key(t)]
    if not filled:
        return [blank_cell(values[i][1] if i < len(values) else {}) for i in range(width)]
    first, last = filled[0], filled[-1]
    if last - first + 1 > width:
        return [uncertain_cell({**values[first][1], "text": _joined(values)}) for _ in range(width)]
    trimmed = len(values)
    while trimmed and not label_key(values[trimmed - 1][0]):
        trimmed -= 1
    offset = 0 if width in (len(values), trimmed) and last < width else first
    if last - first + 1 < width and offset >= 2 and width not in (len(values), trimmed):
        return [uncertain_cell({**values[first][1], "text": _joined(values)}) for _ in range(width)]
    out = []
    for i in range(offset, offset + width):
        out.append(cell_value(*values[i]) if i < len(values) else blank_cell(values[-1][1]))
    return out


def flattened(values: Cells, width: int) -> list[Cell]:
    """CELLs from numbers whose blanks vanished: placed only when all ``width`` are printed."""
    numbers = [(t, s) for t, s in values if label_key(t)]
    if len(numbers) == width:
        return [cell_value(t, s) for t, s in numbers]
    source: CellSource = {**(numbers[0][1] if numbers else {}), "text": _joined(numbers)}
    return [uncertain_cell(source) for _ in range(width)]


def _joined(values: Cells) -> str:
    return " ".join(label_key(t) for t, _ in values if label_key(t))


@dataclass
class _T3State:
    order: tuple[str, ...]
    buffer: str = ""
    last: str | None = None
    rows: dict[str, list[Cell]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)


def _matches(buffer: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for path, pattern in rt.T3_ROWS:
        for m in pattern.finditer(buffer):
            found.append((m.end(), path))
    return found


def _target(state: _T3State) -> str | None:
    found = _matches(state.buffer)
    state.seen.update(p for _, p in found if p in state.order)
    candidates = [(end, p) for end, p in found if p in state.order and p not in state.rows]
    if candidates:
        return max(candidates)[1]
    start = state.order.index(state.last) + 1 if state.last in state.order else 0
    return next((p for p in state.order[start:] if p not in state.rows), None)


def map_table3_rows(rows: list[Row], three_row: bool) -> dict[str, Any] | None:
    """Table 3 from text rows that start at its first data row; stops at table 4 (行政复议)."""
    state = _T3State(rt.T3_ORDER_THREE if three_row else rt.T3_ORDER_SINGLE)
    group: Cells = []
    for row in rows:
        if row.numbers_only() and not row.positional:
            group.extend(row.cells)
            continue
        _assign(state, group, positional=False)
        group = []
        label, values = row.split_label()
        if "行政复议" in label or rt.T4_ANCHOR in label:
            break
        state.buffer += label
        if any(label_key(t) for t, _ in values) and row.positional:
            _assign(state, values, positional=True)
        elif values and not row.positional:
            group = values
        if "carried_forward" in state.rows:
            break
    _assign(state, group, positional=False)
    return _build(state)


def _assign(state: _T3State, values: Cells, positional: bool) -> None:
    if not values:
        return
    path = _target(state)
    state.buffer = ""
    if path is None:
        return
    width = len(rt.T3_COLUMNS)
    state.rows[path] = place(values, width) if positional else flattened(values, width)
    state.last = path


def _build(state: _T3State) -> dict[str, Any] | None:
    state.seen.update(_p for _e, _p in _matches(state.buffer) if _p in state.order)
    if len(state.rows) < 2:
        return None
    out: dict[str, Any] = {}
    last_index = max(state.order.index(p) for p in state.rows)
    for i, path in enumerate(state.order):
        cells = state.rows.get(path)
        if cells is None and (path in state.seen or i < last_index):
            cells = [blank_cell({}) for _ in rt.T3_COLUMNS]
        if cells is not None:
            set_path(out, path, dict(zip(rt.T3_COLUMNS, cells, strict=True)))
    return out


def map_table4_rows(rows: list[Row]) -> dict[str, Any] | None:
    """Table 4 from the text rows after its header: the first group of numbers, 15 cells."""
    group: Cells = []
    for row in rows:
        if row.numbers_only():
            if row.positional:
                return _t4(place(list(row.cells), rt.T4_CELLS))
            group.extend(row.cells)
            continue
        if group:
            break
    return _t4(flattened(group, rt.T4_CELLS)) if group else None


def _t4(cells: list[Cell]) -> dict[str, Any]:
    n = len(rt.T4_COLUMNS)
    return {g: dict(zip(rt.T4_COLUMNS, cells[i * n : i * n + n], strict=True)) for i, g in enumerate(rt.T4_GROUPS)}
