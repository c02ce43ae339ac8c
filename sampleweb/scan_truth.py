"""What a correct parse of a generated scan must find: the printed table cells by template key (report-schema §2–§4).

The truth is read off the same ReportTables the page was rendered from, so a scan and its truth cannot drift apart.
Blank cells are None; "12.50" is a float, "-3" an int, "216.00万元" 216.0 (the unit is the cell's, not the value's).
"""

from __future__ import annotations

import re

from kernel import report_tables as k
from kernel.report import TABLE2, TABLE3, TABLE4
from sampleweb.gov_tables import T2_ROWS, ReportTables

_NUMBER = re.compile(r"^(?P<num>[+-]?\d+(?:\.\d+)?)(?:万元|元)?$")


def cell_number(raw: str) -> int | float | None:
    """The value a printed cell holds (None when blank); raises ValueError on text that is not a number."""
    text = raw.replace(" ", "").replace(",", "")
    for word, sign in (("减少", "-"), ("增加", "")):
        if text.startswith(word):
            text = sign + text[len(word):]
    if not text:
        return None
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"not a number: {raw!r}")
    num = match.group("num")
    return float(num) if "." in num else int(num)


def table_truth(tables: ReportTables) -> dict[str, int | float | None]:
    """Dotted record path → printed value, for every cell of tables 2, 3 and 4 (gov2019 / gov2021 layouts)."""
    out: dict[str, int | float | None] = {}
    labels = iter(T2_ROWS[tables.version])
    for block in k.T2_TEMPLATES[tables.version]:
        for row in block.rows:
            label, _ = next(labels)
            for column, raw in zip(block.columns, tables.table2[label], strict=False):
                out[k.cell_path(TABLE2, block.key, row, column)] = cell_number(raw)
    for row_path, raws in zip(k.T3_ROWS_BY_VERSION[tables.version], tables.table3, strict=True):
        for column, raw in zip(k.T3_COLUMN_KEYS, raws, strict=True):
            out[k.cell_path(TABLE3, row_path, column)] = cell_number(raw)
    for i, group in enumerate(k.T4_GROUP_KEYS):
        for j, column in enumerate(k.T4_COLUMN_KEYS):
            out[k.cell_path(TABLE4, group, column)] = cell_number(tables.table4[i * len(k.T4_COLUMN_KEYS) + j])
    return out
