"""Map extracted tables 3 and 4 (HTML/DOCX/PDF grids) to the schema §9 ROW/CELL objects, with §7 cell values."""

from __future__ import annotations

import re
from typing import Any

from parsing.normalize import label_key, nfkc
from parsing.types import Cell, Table

T3_COLUMNS = ("natural_person", "org_commercial", "org_research", "org_social_welfare", "org_legal_service",
              "org_other", "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
# Table-3 row paths by a pattern on the row's joined label text; first match wins (order matters).
T3_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((p, re.compile(r)) for p, r in (
    ("carried_forward", r"结转下年度"), ("new_received", r"本年新收"), ("carried_over", r"上年结转"),
    ("results.total", r"\(七\)|总计$"), ("results.other_detail.no_correction", r"逾期不补正"),
    ("results.other_detail.fee_unpaid", r"逾期未按收费"), ("results.other_detail.other", r"其他处理.*3\.?其他"),
    ("results.other", r"其他处理"), ("results.granted", r"予以公开"), ("results.partial", r"部分公开"),
    ("results.withheld.state_secret", r"国家秘密"), ("results.withheld.law_prohibited", r"禁止公开|行政止公开"),
    ("results.withheld.three_security_one_stability", r"三安全"), ("results.withheld.third_party_rights", r"第三方"),
    ("results.withheld.internal_affairs", r"内部事务"), ("results.withheld.process_info", r"过程性"),
    ("results.withheld.enforcement_files", r"执法案卷"), ("results.withheld.admin_query", r"行政查询"),
    ("results.unable.not_held", r"不掌握"), ("results.unable.needs_creation", r"另行制作"),
    ("results.unable.still_unclear", r"仍不明确"), ("results.not_processed.petition_complaint", r"信访|举报|投诉"),
    ("results.not_processed.duplicate", r"重复申请"), ("results.not_processed.publication", r"出版物"),
    ("results.not_processed.massive_repeat", r"大量反复"),
    ("results.not_processed.confirm_existing", r"确认或重新出具"),
))
_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元|件|条|项|个)?$")
_DASHES = {"-", "--", "/", "无", "_"}


def cell_value(raw: str, source: dict[str, object]) -> dict[str, Any]:
    """A §9 CELL from printed text: blank is null (never 0), dashes null, 减少 4 → -4, 251000元 unit 元."""
    text = label_key(raw).replace(",", "")
    cell: dict[str, Any] = {"value": None, "raw": raw, "blank": False, "uncertain": False, "unit": None,
                            "source": source}
    if not text:
        cell["blank"] = True
        return cell
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
    if m.group("unit") in ("万元", "元"):
        cell["unit"] = m.group("unit")
    return cell


def _is_number_like(text: str) -> bool:
    key = label_key(text)
    return not key or key in _DASHES or _NUMBER.match(nfkc(key).replace(",", "")) is not None


def find_table(tables: list[Table], *needles: str) -> Table | None:
    """The first table whose text holds every needle (after label_key)."""
    for table in tables:
        key = label_key(table.as_text())
        if all(n in key for n in needles):
            return table
    return None


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _row_cells(grid_row: list[Cell | None], columns: range, r: int) -> list[dict[str, Any]]:
    out = []
    for c in columns:
        cell = grid_row[c] if c < len(grid_row) else None
        if cell is None:
            out.append(cell_value("", {"row": r, "col": c}))
        elif cell.col != c or cell.row != r:  # a span reaching into this column: not this column's own value
            out.append({**cell_value("", cell.source()), "uncertain": True})
        else:
            out.append(cell_value(cell.text, cell.source()))
    return out


def map_table3(table: Table) -> dict[str, Any] | None:
    """Rows of table 3 by label, the last seven grid columns as the §3 columns; None when nothing maps."""
    grid = table.grid()
    n_cols = table.n_cols
    if n_cols < 8:
        return None
    data_cols = range(n_cols - 7, n_cols)
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for r, grid_row in enumerate(grid):
        labels: list[str] = []
        for cell in grid_row[: n_cols - 7]:
            if cell is not None and (not labels or labels[-1] != cell.text):
                labels.append(cell.text)
        label = label_key("".join(labels))
        path = next((p for p, pattern in T3_ROWS if pattern.search(label)), None)
        if path is None or path in seen:
            continue
        seen.add(path)
        _set_path(out, path, dict(zip(T3_COLUMNS, _row_cells(grid_row, data_cols, r), strict=True)))
    if len(seen) < 5:
        return None
    _derive_other(out)
    return out


def _derive_other(t3: dict[str, Any]) -> None:
    results = t3.get("results", {})
    detail = results.get("other_detail")
    if not detail or "other" in results:
        return
    row = {}
    for col in T3_COLUMNS:
        values = [detail[k][col]["value"] for k in detail if detail[k][col]["value"] is not None]
        row[col] = {"value": sum(values) if values else None, "raw": "", "blank": not values,
                    "uncertain": False, "unit": None, "source": {"derived": "results.other_detail"},
                    "derived": True}
    results["other"] = row


def map_table4(table: Table) -> dict[str, Any] | None:
    """The 15 numbers of table 4 from its last row that holds at least 15 number-like cells."""
    grid = table.grid(repeat_spans=False)
    for r in range(len(grid) - 1, -1, -1):
        cells = [c for c in grid[r] if c is not None]
        if len(cells) >= 15 and all(_is_number_like(c.text) for c in cells[-15:]):
            values = [cell_value(c.text, c.source()) for c in cells[-15:]]
            return {g: dict(zip(T4_COLUMNS, values[i * 5 : i * 5 + 5], strict=True))
                    for i, g in enumerate(T4_GROUPS)}
    return None
