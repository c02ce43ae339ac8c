"""Real documents from the research corpus: three PDFs and the Shanghai HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsing import parse_document
from parsing.extract import extract
from tests.parsing.golden import DOCUMENTS as DOCS

CORPUS = [
    # path, unit_name, unit_level, year, fee_collected_yuan
    ("pdf/kirogovcompare_hzq2023_working.pdf", "洪泽区人民政府", "county", 2023, 0),
    ("pdf/kirogovcompare_hzq2024_working.pdf", "淮安市洪泽区人民政府", "county", 2024, 0),
    ("pdf/govnianbao_szfgs2024.pdf", "淮安市人民政府", "city", 2024, 3940),
    ("html/shanghai-szfbgt_2019_report_fullhtml.html", "上海市人民政府办公厅", "county_office", 2019, None),
]


@pytest.mark.parametrize(("name", "unit", "level", "year", "fee"), CORPUS)
def test_corpus_report(name: str, unit: str, level: str, year: int, fee: int | None) -> None:
    result = parse_document((DOCS / Path(name).name).read_bytes(), filename=name)
    record = result.record
    assert result.is_report
    assert (record["unit_name"], record["unit_level"], record["report_year"]) == (unit, level, year)
    assert record["fee_collected_yuan"] == fee
    assert len([k for k in record["sections"] if k.startswith("s")]) == 6


def test_pdf_tables_carry_page_and_bbox() -> None:
    extraction = extract((DOCS / "kirogovcompare_hzq2023_working.pdf").read_bytes())
    assert extraction.pages == 5 and len(extraction.tables) >= 3
    cell = extraction.tables[0].rows[0][0]
    assert cell.page is not None and cell.bbox is not None
    assert cell.source()["page"] == cell.page


def test_shanghai_html_published_date_and_tables() -> None:
    data = (DOCS / "shanghai-szfbgt_2019_report_fullhtml.html").read_bytes()
    extraction = extract(data)
    assert extraction.meta["发布日期"] == "2020-01-31"
    assert len(extraction.tables) == 3
    assert parse_document(data).record["published_at"] == "2020-01-31"


def test_trs_list_page_is_not_a_report() -> None:
    data = (DOCS / "zhangshu_2017_list_trs-createPageHTML.html").read_bytes()
    assert not parse_document(data).is_report


def test_shanghai_table3_blank_total_stays_null() -> None:
    data = (DOCS / "shanghai-szfbgt_2019_report_fullhtml.html").read_bytes()
    record = parse_document(data).record
    t3 = record["table3"]
    assert t3["new_received"]["total"]["value"] == 859 and t3["carried_over"]["total"]["value"] == 18
    assert t3["results"]["total"]["total"]["value"] == 805 and t3["carried_forward"]["total"]["value"] == 72
    granted_total = t3["results"]["granted"]["total"]
    assert granted_total["value"] is None and granted_total["blank"] and granted_total["raw"] == ""
    assert t3["results"]["granted"]["natural_person"]["source"] == {"row": 5, "col": 3}
    assert record["validation"] == []


def test_hangzhou_2021_table3_other_is_sum_of_three_rows() -> None:
    data = (DOCS / "fixture_hangzhou-style_2025_2021fmt.html").read_bytes()
    record = parse_document(data).record
    results = record["table3"]["results"]
    assert set(results["other_detail"]) == {"no_correction", "fee_unpaid", "other"}
    assert results["other"]["total"]["derived"] is True
    assert record["table4"]["review"]["total"]["value"] == 790
    assert record["format_version"] == "gov2021" and record["validation"] == []


def test_hongze_2023_table4_totals_fail_t4_sum() -> None:
    record = parse_document((DOCS / "kirogovcompare_hzq2023_working.pdf").read_bytes()).record
    review = record["table4"]["review"]
    assert [review[k]["value"] for k in ("upheld", "corrected", "other", "pending", "total")] == [10, 1, 0, 0, 0]
    failed = {(v["rule"], v["cells"][-1]) for v in record["validation"]}
    assert failed == {("T4-SUM", "table4.review.total"), ("T4-SUM", "table4.litigation_after_review.total")}
