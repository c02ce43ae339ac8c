"""Tables of the seed reports 001 (正宁), 002 (贺兰) and 004 (盐池), cell for cell as published."""

from __future__ import annotations

from sampleweb.gov_tables import ReportTables

_ZERO7 = ("0",) * 7


def _zero_rows(n: int) -> list[tuple[str, ...]]:
    return [_ZERO7] * n


def zhengning_2020_tables() -> ReportTables:
    """Seed 001: a year without requests; 行政许可 420 with -39, 集中采购 in 万元."""
    table2 = {
        "规章": ("0", "0", "0"), "规范性文件": ("0", "0", "20"), "行政许可": ("420", "-39", "0"),
        "其他对外管理服务事项": ("0", "0", "0"), "行政处罚": ("0", "0", "0"), "行政强制": ("0", "0", "0"),
        "行政事业性收费": ("11", "-3"), "政府集中采购": ("216", "22961.413万元"),
    }
    return ReportTables("gov2019", table2, tuple(_zero_rows(23)), ("0",) * 15)


def helan_2020_tables() -> ReportTables:
    """Seed 002: "减少 4" / "增加 68" in table 2; table 3 fails T3-COL and T3-ROW as published; a blank in table 4."""
    table2 = {
        "规章": ("0", "0", "0"), "规范性文件": ("8", "8", "8"), "行政许可": ("484", "减少 4", "57487"),
        "其他对外管理服务事项": ("220", "增加 68", "78370"), "行政处罚": ("1195", "增加 37", "2823"),
        "行政强制": ("17", "增加 5", "409"), "行政事业性收费": ("0", "8"),
        "政府集中采购": ("34", "16280.5867 万元"),
    }
    rows = _zero_rows(23)
    rows[0] = ("55", "4", "0", "0", "0", "0", "55")
    rows[1] = ("1", "0", "0", "0", "0", "0", "1")
    rows[2] = ("55", "0", "0", "0", "0", "0", "55")
    rows[21] = ("55", "0", "0", "0", "0", "0", "55")
    table4 = ("0", "1", "0", "0", "1", "0", "1", "0", "", "1", "0", "0", "0", "1", "1")
    return ReportTables("gov2019", table2, tuple(rows), table4)


def yanchi_2021_tables() -> ReportTables:
    """Seed 004: 2021 headers over old table-2 columns, single-row （六）, two cells in （八）, table 4 half blank."""
    table2 = {
        "规章": ("0", "0", "0"), "规范性文件": ("5", "5", "110"), "行政许可": ("0",),
        "其他对外管理服务事项": ("0",), "行政处罚": ("0",), "行政强制": ("0",), "行政事业性收费": ("0", "0"),
    }
    return ReportTables("gov2021-hybrid", table2, tuple(_zero_rows(23)), ("",) * 5 + ("0",) * 10)
