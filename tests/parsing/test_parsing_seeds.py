"""The five seed reports, parsed as text: unit, level, year, format and sections."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parsing import PARSER_VERSION, parse_document

ALL_SECTIONS = {"s1_overview", "s2_active", "s3_requests", "s4_review_litigation", "s5_problems", "s6_other"}
RECORD_KEYS = {"unit_name", "unit_level", "region_code", "report_year", "format_version", "template_cited",
               "published_at", "source_url", "source_kind", "attachment_urls", "sections", "table2", "table3",
               "table4", "fee_collected_yuan", "validation"}

SEEDS = [
    # prefix, unit_name, unit_level, year, format_version
    ("000", "平罗县人民政府办公室", "county_office", 2020, "gov2019"),
    ("001", "正宁县人民政府办公室", "county_office", 2020, "gov2019"),
    ("002", "贺兰县人民政府", "county", 2020, "gov2019"),
    ("003", "平罗县宝丰镇人民政府", "town", 2020, "gov2019"),
    ("004", "盐池县人民政府办公室", "county_office", 2021, "hybrid"),
]


@pytest.mark.parametrize(("prefix", "unit", "level", "year", "version"), SEEDS)
def test_seed_report_fields(seed_text: Callable[[str], str], prefix: str, unit: str, level: str, year: int,
                            version: str) -> None:
    result = parse_document(seed_text(prefix).encode("utf-8"), filename=f"{prefix}.txt")
    record = result.record
    assert result.is_report
    assert RECORD_KEYS <= set(record)
    assert (record["unit_name"], record["unit_level"], record["report_year"]) == (unit, level, year)
    assert record["format_version"] == version
    assert ALL_SECTIONS <= set(record["sections"])
    assert record["source_kind"] == "text"
    assert record["attachment_urls"] == [] and record["region_code"] is None


def test_parser_version_is_semver() -> None:
    assert PARSER_VERSION.count(".") == 2


def test_cover_memo_before_title_is_skipped(seed_text: Callable[[str], str]) -> None:
    record = parse_document(seed_text("001").encode()).record
    assert record["title"] == "正宁县2020年政府信息公开工作年度\n报   告".replace("\n", "")


def test_ten_part_outline_keeps_extra_parts_apart(seed_text: Callable[[str], str]) -> None:
    sections = parse_document(seed_text("001").encode()).record["sections"]
    assert sections["s3_requests"]["heading_raw"] == "七、收到和处理政府信息公开申请情况"
    assert sections["s5_problems"]["heading_raw"] == "九、存在问题及改进措施"
    assert sections["extra_1"]["heading_raw"] == "三、政务公开情况"
    assert "政务新媒体" not in sections["s2_active"]["text"].split("\n")[-1]


def test_section_injected_inside_table_is_found(seed_text: Callable[[str], str]) -> None:
    sections = parse_document(seed_text("000").encode()).record["sections"]
    assert sections["s5_problems"]["text"].startswith("2020 年以来")
    assert sections["s6_other"]["text"] == "无"


def test_table_row_labels_are_not_headings(seed_text: Callable[[str], str]) -> None:
    sections = parse_document(seed_text("002").encode()).record["sections"]
    assert sections["s4_review_litigation"]["heading_raw"] == "四、政府信息公开行政复议、行政诉讼情况"
    assert "结转下年度继续办理" in sections["s3_requests"]["text"]


def test_template_citation_and_fee(seed_text: Callable[[str], str]) -> None:
    record = parse_document(seed_text("004").encode()).record
    assert record["template_cited"] == "国办公开办函〔2021〕30号"
    assert record["fee_collected_yuan"] == 0
    assert parse_document(seed_text("000").encode()).record["fee_collected_yuan"] is None
