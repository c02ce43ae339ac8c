"""Tables of the two pingluo seed reports (seeds 000 and 003), cell for cell as published, blanks included."""

from __future__ import annotations

from sampleweb.gov_tables import ReportTables

_BLANK7: tuple[str, ...] = ("",) * 7


def _row(**cells: str) -> tuple[str, ...]:
    order = ("nat", "com", "res", "soc", "law", "oth", "tot")
    return tuple(cells.get(key, "") for key in order)


def office_2020_tables() -> ReportTables:
    """Seed 000 (平罗县人民政府办公室 2020): only the non-blank cells of table 3 carry numbers."""
    table2 = {
        "规章": ("0", "0", "0"), "规范性文件": ("0", "0", "0"), "行政许可": ("0", "0", "0"),
        "其他对外管理服务事项": ("0", "0", "0"), "行政处罚": ("0", "0", "0"), "行政强制": ("0", "0", "0"),
        "行政事业性收费": ("0", "0"), "政府集中采购": ("0", "0"),
    }
    table3: list[tuple[str, ...]] = [_BLANK7] * 23
    table3[0] = _row(nat="5", com="1", tot="6")
    table3[2] = _row(nat="1", tot="1")
    table3[3] = _row(nat="2", tot="2")
    table3[12] = _row(nat="2", com="1", tot="3")
    table3[21] = _row(nat="5", com="1", tot="6")
    return ReportTables("gov2019", table2, tuple(table3), ("0",) * 15)


def baofeng_2020_tables() -> ReportTables:
    """Seed 003 (平罗县宝丰镇人民政府 2020): only the first value column is filled; table 4 only totals."""
    table2 = {
        "规章": ("0", "", ""), "规范性文件": ("0", "", ""), "行政许可": ("0", "0", ""),
        "其他对外管理服务事项": ("0", "", ""), "行政处罚": ("0", "", ""), "行政强制": ("0", "", ""),
        "行政事业性收费": ("0", ""), "政府集中采购": ("0", ""),
    }
    table3 = tuple(_row(nat="0") for _ in range(23))
    table4 = tuple("0" if i % 5 == 4 else "" for i in range(15))
    return ReportTables("gov2019", table2, table3, table4)
