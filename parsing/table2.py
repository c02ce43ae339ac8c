"""Table 2 (主动公开政府信息情况) from rows: blocks by 第二十条 heading, columns by header label, rows by label.

Works the same on grid rows (HTML, DOCX, PDF) and on text rows (tab lines, "规章 0 0 0", one cell per
line). Columns are mapped by the header row the block prints, never by fixed position, so gov2019,
gov2021 and hybrids (盐池 2021: 2019 headers in （一）, two value cells in （八）) all map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kernel.report import FORMAT_HYBRID, GOV2019, GOV2021
from kernel.report_tables import UNLABELED_PREFIX
from parsing import rules_tables as rt
from parsing.cells import Source, cell_value, uncertain_cell
from parsing.normalize import label_key
from parsing.rows import Row


@dataclass
class _State:
    block: str | None = None
    columns: list[str | None] = field(default_factory=list)
    pending_row: str | None = None  # a row label waiting for its values on the next lines (one cell per line)
    pending_values: list[tuple[str, Source]] = field(default_factory=list)
    pending_positional: bool = True
    in_header: bool = False
    labels: list[str] = field(default_factory=list)  # column labels seen, for format detection


def column_key(label: str) -> str | None:
    """The table-2 column key a header label names, else None."""
    key = label_key(label)
    return next((k for text, k in rt.T2_COLUMNS if text in key), None)


def _block_key(key: str) -> str | None:
    return next((k for k, p in rt.T2_BLOCKS if p.search(key)), None)


def _row_key(key: str) -> str | None:
    return next((k for k, p in rt.T2_ROWS if p.match(key)), None)


def map_table2(rows: list[Row]) -> tuple[dict[str, Any] | None, list[str]]:
    """(table2 dict or None, the column labels printed) from rows starting at the first 第二十条 block."""
    state = _State()
    out: dict[str, Any] = {}
    for row in rows:
        _consume(row, state, out)
    _flush(state, out)
    return (out or None), state.labels


def _consume(row: Row, state: _State, out: dict[str, Any]) -> None:
    texts = [label_key(t) for t in row.texts]
    joined = "".join(texts)
    block = _block_key(joined)
    if block and not row.numbers_only():
        _flush(state, out)
        state.block, state.columns, state.in_header = block, [], False
        return
    if state.block is None:
        return
    if state.in_header and len(texts) == 1 and column_key(texts[0]):  # one header cell per line
        state.columns.append(column_key(texts[0]))
        state.labels.append(texts[0])
        return
    if texts and texts[0] == rt.T2_HEADER_FIRST or (not row.numbers_only() and _header_cells(row)):
        _flush(state, out)
        state.columns = [column_key(t) for t in _header_cells(row)]
        state.labels.extend(t for t in _header_cells(row) if column_key(t))
        state.in_header = True
        return
    state.in_header = False
    label, values = row.split_label()
    name = _row_key(label) if label else None
    if name:
        _flush(state, out)
        state.pending_row, state.pending_values, state.pending_positional = name, values, row.positional
    elif row.numbers_only() and state.pending_row:
        state.pending_values.extend(row.cells)
    if state.pending_row and (row.positional or len(state.pending_values) >= len(state.columns)):
        _flush(state, out)


def _header_cells(row: Row) -> list[str]:
    """The column labels of a header row (信息内容 first, or cells that are all known labels)."""
    cells = [t for t in row.texts]
    if len(cells) == 1:
        cells = re.split(r"\s+", cells[0].strip())
    keys = [label_key(c) for c in cells]
    if keys and keys[0] == rt.T2_HEADER_FIRST:
        return cells[1:]
    named = [c for c in cells if label_key(c)]
    if named and all(column_key(c) for c in named):
        return cells
    return []


def _flush(state: _State, out: dict[str, Any]) -> None:
    if not state.pending_row or state.block is None:
        state.pending_row, state.pending_values = None, []
        return
    values, columns = state.pending_values, state.columns
    complete = state.pending_positional or len(values) >= len([c for c in columns if c])
    row: dict[str, Any] = {}
    for i, (text, source) in enumerate(values):
        key = columns[i] if i < len(columns) else None
        cell = cell_value(text, source, unit=rt.T2_COLUMN_UNITS.get(key or ""))
        if key is None:
            if not cell["blank"]:
                row[f"{UNLABELED_PREFIX}{i + 1}"] = cell
            continue
        row[key] = cell if complete else uncertain_cell({**source, "text": text})
    for key in columns[len(values):]:
        if key and key not in row:
            row[key] = cell_value("", values[-1][1] if values else {}) if complete else uncertain_cell({})
    out.setdefault(state.block, {})[state.pending_row] = row
    state.pending_row, state.pending_values = None, []


def table2_version(labels: list[str]) -> str | None:
    """gov2021 / gov2019 / hybrid from the column labels table 2 prints (schema §5.1); None without labels."""
    keys = {column_key(label) for label in labels} - {None}
    new = bool(keys & set(rt.T2_GOV2021_COLUMNS)) or any(rt.T2_GOV2021_ONLY_LABEL in label_key(x) for x in labels)
    old = bool(keys & set(rt.T2_GOV2019_COLUMNS))
    if new and old:
        return FORMAT_HYBRID
    return GOV2021 if new else GOV2019 if old else None
