"""Rules and normalisation: unit levels, titles, statistics periods, dates."""

from __future__ import annotations

import pytest

from parsing import header
from parsing.normalize import label_key


@pytest.mark.parametrize(
    ("unit", "level"),
    [
        ("平罗县人民政府办公室", "county_office"), ("上海市人民政府办公厅", "county_office"),
        ("平罗县宝丰镇人民政府", "town"), ("贺兰县习岗镇", "town"), ("银川市兴庆区富宁街街道办事处", "subdistrict"),
        ("平罗县教育局", "department"), ("贺兰县卫生健康委员会", "department"), ("盐池县政务服务中心", "department"),
        ("正宁县人民政府", "county"), ("淮安市洪泽区人民政府", "county"), ("淮安市人民政府", "city"),
        ("宁夏回族自治区人民政府", "other"),
    ],
)
def test_unit_level(unit: str, level: str) -> None:
    assert header.unit_level(unit) == level


@pytest.mark.parametrize(
    ("lines", "unit", "year"),
    [
        ([" 平罗县人民政府办公室 2020 年", "政府信息公开年度报告"], "平罗县人民政府办公室", 2020),
        (["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
        (["平罗县教育局政府信息公开工作年度报告（2022年度）"], "平罗县教育局", 2022),
        (["盐池县人民政府办公室", "2021 年政府信息公开工作年度报告"], "盐池县人民政府办公室", 2021),
    ],
)
def test_find_title(lines: list[str], unit: str, year: int) -> None:
    found = header.find_title(lines)
    assert found is not None and (found.unit, found.year) == (unit, year)


def test_cover_memo_title_is_not_a_report_title() -> None:
    assert header.find_title(["关于报送正宁县2020年政府信息公开", "工作年度报告的报告"]) is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("所列政府信息公开数据统计期限为 2020 年 1 月 1 日至 2020 年\n\n12 月 31 日。", 2020),
        ("本报告统计数据从 2021 年 1 月 1 日至 12 月 31 日", 2021),
        ("本年度报告中所列数据统计期限从2019年1月1日到12月31日止", 2019),
        ("统计期限自２０２３年１月１日起至２０２３年１２月３１日止", 2023),
    ],
)
def test_stats_period_year(text: str, year: int) -> None:
    assert header.stats_year(label_key(text)) == year


def test_bare_place_becomes_its_government() -> None:
    assert header.normalize_unit("正宁县") == "正宁县人民政府"
    assert header.normalize_unit("平罗县人民政府办公室") == "平罗县人民政府办公室"


MEMO = """正政办发〔2020〕2号 签发人：仵占峰
正宁县人民政府办公室
关于报送正宁县2020年政府信息公开
工作年度报告的报告
正宁县人民政府办公室
2021年1月8日
正宁县2020年政府信息公开工作年度报告
本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日。
"""


@pytest.mark.parametrize(("text", "meta", "unit"), [
    (MEMO, {}, "正宁县人民政府办公室"),  # the cover memo's issuer, above the title
    (MEMO.split("2021年1月8日\n")[1], {}, "正宁县"),  # no memo: the place, as "正宁县人民政府" occurs nowhere
    # the page's publisher is weaker evidence than the title: the place's government, a name the page shows
    (MEMO.split("2021年1月8日\n")[1], {"发布机构": "正宁县人民政府办公室"}, "正宁县人民政府"),
    (MEMO.split("2021年1月8日\n")[1], {"发布机构": "宁县人民政府办公室"}, "正宁县"),  # another county
])
def test_a_title_naming_only_the_place_takes_the_issuing_organ(text: str, meta: dict[str, str], unit: str) -> None:
    from parsing.report import parse_extraction
    from parsing.types import Extraction

    record = parse_extraction(Extraction(text=text, meta=meta), source_kind="text").record
    assert (record["unit_name"], record["report_year"]) == (unit, 2020)


@pytest.mark.parametrize(("raw", "iso"), [("2021-01-20 10:30", "2021-01-20"), ("2021年1月8日", "2021-01-08"),
                                          ("2021/13/01", None), ("", None)])
def test_iso_date(raw: str, iso: str | None) -> None:
    assert header.iso_date(raw) == iso


def test_label_key_collapses_pdf_labels() -> None:
    assert label_key("第二十条 第（一）项") == "第二十条第(一)项"
    assert label_key("自\n\n然\n\n人") == "自然人"


@pytest.mark.parametrize(
    ("raw", "value", "unit", "blank"),
    [("", None, None, True), ("\xa0", None, None, True), ("０", 0, None, False), ("减少 4", -4, None, False),
     ("增加 68", 68, None, False), ("－4", -4, None, False), ("251000元", 251000, "元", False),
     ("16280.5867 万元", 16280.5867, "万元", False), ("1,234", 1234, None, False), ("—", None, None, False)],
)
def test_cell_value(raw: str, value: float | None, unit: str | None, blank: bool) -> None:
    from parsing.tables import cell_value

    cell = cell_value(raw, {"row": 0, "col": 0})
    assert (cell["value"], cell["unit"], cell["blank"], cell["raw"]) == (value, unit, blank, raw)
