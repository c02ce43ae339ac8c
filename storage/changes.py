"""Cell-level comparison of two report records: which table cells and fields a new version changed."""

from __future__ import annotations

from typing import Any

from kernel import report as rk
from parsing.tree import iter_cells

# Fields compared as a whole; `source_url` is not among them: a move is a `republished` event, not a change.
FIELDS = (rk.UNIT_LEVEL, rk.FORMAT_VERSION, rk.TEMPLATE_CITED, rk.PUBLISHED_AT, rk.TITLE, rk.SOURCE_KIND,
          rk.ATTACHMENT_URLS, rk.FEE_COLLECTED_YUAN)
TABLES = rk.TABLES
TEXT_PREVIEW = 200


def record_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """[{"path", "old", "new"}, …] for every cell value, section text and field that differs.

    Cells are compared by `value` (their `raw` text when both values are null), so "0" → "０" is no change.
    """
    changes = [{"path": key, "old": old.get(key), "new": new.get(key)}
               for key in FIELDS if old.get(key) != new.get(key)]
    for table in TABLES:
        changes.extend(_cell_changes(table, old.get(table), new.get(table)))
    changes.extend(_section_changes(old.get(rk.SECTIONS) or {}, new.get(rk.SECTIONS) or {}))
    return changes


def _cell_changes(table: str, old: Any, new: Any) -> list[dict[str, Any]]:
    before, after = dict(iter_cells(old, table)), dict(iter_cells(new, table))
    out = []
    for path in sorted(before.keys() | after.keys()):
        a, b = _shown(before.get(path)), _shown(after.get(path))
        if a != b:
            out.append({"path": path, "old": a, "new": b})
    return out


def _shown(cell: dict[str, Any] | None) -> Any:
    """What a cell says: its value, or its raw text when it has no value (blank, dash, unreadable)."""
    if cell is None:
        return None
    return cell["value"] if cell.get("value") is not None else (cell.get("raw") or None)


def _section_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = (old.get(key) or {}).get("text"), (new.get(key) or {}).get("text")
        if a != b:
            out.append({"path": f"sections.{key}.text", "old": _preview(a), "new": _preview(b)})
    return out


def _preview(text: str | None) -> str | None:
    if text is None or len(text) <= TEXT_PREVIEW:
        return text
    return text[:TEXT_PREVIEW] + "…"
