"""Report tables as rows of cell views, laid out like the official template, for the report and diff pages.

A cell view carries what to print (blank stays empty, 0 prints 0), CSS classes (blank, dash, uncertain, derived,
warn, changed, absent) and a hover title with the cell's provenance, validation warnings and diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kernel import report as rk
from parsing.tree import iter_cells
from web.layout import GOV2021_COLUMNS, T2_BLOCKS, T2_COLUMNS, T3_COLUMN_KEYS, T3_ROWS, T4_COLUMNS, T4_GROUPS, t2_label


@dataclass(frozen=True)
class Label:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class CellView:
    path: str
    text: str
    classes: str
    title: str


@dataclass
class RowView:
    labels: list[Label]
    cells: list[CellView]


@dataclass
class BlockView:
    """One table-2 block: its heading, column labels and rows."""

    heading: str
    columns: list[str]
    rows: list[RowView] = field(default_factory=list)


@dataclass(frozen=True)
class Marks:
    """What to highlight: validation messages and changes (old, new) by cell path."""

    warnings: dict[str, list[str]] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    old_label: str = ""


def marks_for(record: dict[str, Any], changes: list[dict[str, Any]] | None = None, old_label: str = "") -> Marks:
    """Validation warnings of `record` and, for a diff, the changes from the older version."""
    warnings: dict[str, list[str]] = {}
    for warning in record.get(rk.VALIDATION) or []:
        text = f"⚠ {warning.get('rule')} ({warning.get('severity')}): {warning.get('message') or ''}".strip()
        if warning.get("expected") is not None or warning.get("actual") is not None:
            text += f" expected {warning.get('expected')}, actual {warning.get('actual')}"
        for path in warning.get("cells") or []:
            warnings.setdefault(path, []).append(text)
    changed = {c["path"]: (c.get("old"), c.get("new")) for c in changes or []}
    return Marks(warnings, changed, old_label)


def lookup(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def cell_paths(record: dict[str, Any]) -> list[str]:
    """The dotted path of every CELL in tables 2–4 of a record, in the record's order."""
    return [path for table in rk.TABLES for path, _ in iter_cells(record.get(table), table)]


def format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_view(cell: Any, path: str, marks: Marks) -> CellView:
    """Print a CELL: its value (with unit), its raw text when it has none, nothing when blank."""
    classes, notes = [], [path]
    if not isinstance(cell, dict):
        text, classes, notes = "", ["absent"], [path, "not printed in this document"]
    elif cell.get("blank"):
        text = ""
        classes.append("blank")
        notes.append("空白: blank in the document (not 0)")
    elif cell.get("value") is None:
        text = str(cell.get("raw") or "")
        classes.append("uncertain" if cell.get("uncertain") else "dash")
        notes.append("uncertain: the number could not be placed" if cell.get("uncertain") else "no number")
    else:
        text = format_number(cell["value"]) + (str(cell["unit"]) if cell.get("unit") else "")
    if isinstance(cell, dict):
        if cell.get("derived"):
            classes.append("derived")
            notes.append("derived: sum of the printed sub-rows")
        notes.append(f"raw: {cell.get('raw')!r}")
        notes.append(provenance(cell.get("source")))
    for message in marks.warnings.get(path, []):
        classes.append("warn")
        notes.append(message)
    if path in marks.changes:
        old, new = marks.changes[path]
        classes.append("changed")
        notes.append(f"changed: {marks.old_label} {_shown(old)} → {_shown(new)}")
    return CellView(path, text, " ".join(dict.fromkeys(classes)), "\n".join(n for n in notes if n))


def _shown(value: Any) -> str:
    return "(blank)" if value is None or value == "" else format_number(value)


def provenance(source: Any) -> str:
    """Where a cell came from, in words: page, table row/column, bounding box or line."""
    if not isinstance(source, dict) or not source:
        return ""
    parts = []
    if source.get("page") is not None:
        parts.append(f"page {source['page']}")
    if source.get("table") is not None:
        parts.append(f"table {source['table']}")
    if source.get("row") is not None:
        parts.append(f"row {source['row']}, column {source.get('col')}")
    if source.get("bbox"):
        parts.append("bbox " + ", ".join(format_number(v) for v in source["bbox"]))
    if source.get("line") is not None:
        parts.append(f"line {source['line']}")
    known = {"page", "table", "row", "col", "bbox", "line"}
    parts.extend(f"{k} {v}" for k, v in source.items() if k not in known)
    return "source: " + "; ".join(parts)


def table2_blocks(record: dict[str, Any], marks: Marks) -> list[BlockView]:
    """Table 2 as printed: one block per 第二十条 item the document holds."""
    table = record.get(rk.TABLE2)
    if not isinstance(table, dict):
        return []
    order = [*T2_BLOCKS, *(k for k in table if k not in T2_BLOCKS)]
    gov2021 = record.get("format_version") == "gov2021"
    blocks = []
    for block_key in (k for k in order if isinstance(table.get(k), dict)):
        rows = table[block_key]
        keys = {c for row in rows.values() if isinstance(row, dict) for c in row}
        columns = [c for c in T2_COLUMNS if c in keys] + sorted(keys - set(T2_COLUMNS))
        labels = [GOV2021_COLUMNS.get(c, t2_label("column", c)) if gov2021 else t2_label("column", c) for c in columns]
        block = BlockView(t2_label("block", block_key), labels)
        for row_key, row in rows.items():
            cells = [cell_view((row or {}).get(c), f"table2.{block_key}.{row_key}.{c}", marks) for c in columns]
            block.rows.append(RowView([Label(t2_label("row", row_key))], cells))
        blocks.append(block)
    return blocks


def table3_rows(record: dict[str, Any], marks: Marks) -> list[RowView]:
    """Table 3's data rows with the template's merged label cells (三、本年度办理结果, （三）不予公开 …)."""
    table = record.get(rk.TABLE3)
    if not isinstance(table, dict):
        return []
    has_detail = isinstance(lookup(table, "results.other_detail"), dict)
    specs = [spec for spec in T3_ROWS if _t3_shown(table, spec[0], has_detail)]
    rows = []
    for i, (path, first, second, third) in enumerate(specs):
        labels = []
        if i == 0 or specs[i - 1][1] != first:
            span = _run(specs, i, 1)
            labels.append(Label(first, rowspan=span, colspan=3 if second is None else 1))
        if second is not None and (i == 0 or specs[i - 1][2] != second or specs[i - 1][1] != first):
            labels.append(Label(second, rowspan=_run(specs, i, 2), colspan=2 if third is None else 1))
        if third is not None:
            labels.append(Label(third))
        row = lookup(table, path) or {}
        cells = [cell_view(row.get(c), f"table3.{path}.{c}", marks) for c in T3_COLUMN_KEYS]
        rows.append(RowView(labels, cells))
    return rows


def _t3_shown(table: dict[str, Any], path: str, has_detail: bool) -> bool:
    if path == "results.other":
        return not has_detail  # the three printed sub-rows replace the (derived) single row
    if path.startswith("results.other_detail."):
        return has_detail
    return True


def _run(specs: list[tuple[str, str, str | None, str | None]], start: int, level: int) -> int:
    """How many consecutive rows from `start` share the label at `level` (and the levels before it)."""
    key = specs[start][1: level + 1]
    count = 0
    for spec in specs[start:]:
        if spec[1: level + 1] != key:
            break
        count += 1
    return count


def table4_cells(record: dict[str, Any], marks: Marks) -> list[CellView]:
    """Table 4's one data row: 15 cells, 复议 then 直接起诉 then 复议后起诉."""
    table = record.get(rk.TABLE4)
    if not isinstance(table, dict):
        return []
    return [cell_view((table.get(group) or {}).get(col), f"table4.{group}.{col}", marks)
            for group, _, _ in T4_GROUPS for col, _ in T4_COLUMNS]
