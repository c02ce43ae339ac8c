"""The §9 record speaks only the vocabulary (kernel.report), and parsing.record.complete_record finishes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kernel import report as rk
from kernel import report_tables as k
from parsing import parse_document
from parsing.record import CrawlFacts, complete_record
from parsing.tree import iter_cells
from tests.parsing.golden import DOCUMENTS

# Seed text (gov2019 and the 盐池 hybrid), a gov2021 HTML page, a PDF: every writer of the record.
SAMPLES = ["000_e497ca72f28c193c.txt", "004_a0eb56bf1a87750f.txt", "fixture_hangzhou-style_2025_2021fmt.html",
           "kirogovcompare_hzq2023_working.pdf"]


def _parsed(name: str) -> dict[str, Any]:
    return parse_document((DOCUMENTS / name).read_bytes(), filename=name, url=f"http://x.gov.cn/{name}").record


def _t3_rows(node: dict[str, Any], path: str = "") -> Iterator[str]:
    """Dotted paths of the table-3 ROWs (dicts whose values are CELLs)."""
    for key, child in node.items():
        child_path = f"{path}.{key}" if path else key
        if isinstance(child, dict) and all(isinstance(c, dict) and "raw" in c for c in child.values()):
            yield child_path
        elif isinstance(child, dict):
            yield from _t3_rows(child, child_path)


@pytest.mark.parametrize("name", SAMPLES)
def test_a_parsed_record_holds_only_vocabulary_keys_in_order(name: str) -> None:
    record = _parsed(name)
    assert tuple(record) == rk.RECORD_KEYS
    assert record[rk.FORMAT_VERSION] in rk.FORMAT_VERSIONS and record[rk.SOURCE_KIND] in rk.SOURCE_KINDS
    assert record[rk.UNIT_LEVEL] in rk.UNIT_LEVELS
    for key, section in record[rk.SECTIONS].items():
        assert key in rk.SECTION_KEYS or key.startswith(rk.EXTRA_SECTION_PREFIX)
        assert tuple(section) == rk.SECTION_FIELDS
    for entry in record[rk.VALIDATION]:
        assert tuple(entry) == rk.VALIDATION_KEYS
        assert entry["rule"] in rk.VALIDATION_RULES and entry["severity"] in rk.SEVERITIES
    cells = [cell for table in rk.TABLES for _, cell in iter_cells(record[table], table)]
    assert cells
    for cell in cells:
        assert tuple(cell)[: len(rk.CELL_KEYS)] == rk.CELL_KEYS
        assert set(cell) - set(rk.CELL_KEYS) <= set(rk.CELL_FLAGS)
        assert set(cell["source"]) <= set(rk.CELL_SOURCE_KEYS)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_tables_of_a_parsed_record_use_the_template_keys(name: str) -> None:
    record = _parsed(name)
    for block, rows in (record[rk.TABLE2] or {}).items():
        assert block in k.T2_BLOCK_KEYS
        for row, columns in rows.items():
            assert row in k.T2_ROW_KEYS
            assert all(c in k.T2_COLUMN_KEYS or c.startswith(k.UNLABELED_PREFIX) for c in columns)
    table3 = record[rk.TABLE3]
    assert table3 is not None
    for path in _t3_rows(table3):
        assert path in k.T3_ROW_PATHS
    assert all(tuple(row) == k.T4_COLUMN_KEYS for row in (record[rk.TABLE4] or {}).values())
    assert tuple(record[rk.TABLE4] or k.T4_GROUP_KEYS) == k.T4_GROUP_KEYS


def _facts(**overrides: Any) -> CrawlFacts:
    values: dict[str, Any] = {"page_url": "http://x.gov.cn/t1.html", "attachment_urls": ["http://x.gov.cn/P1.pdf"],
                              "primary_is_page": False, "primary_source_kind": rk.KIND_PDF, "region_code": "640221",
                              "page_published_at": "2021-01-20"}
    return CrawlFacts(**{**values, **overrides})


def test_complete_record_sets_the_crawl_keys_and_keeps_the_parsed_order() -> None:
    parsed = _parsed(SAMPLES[0])
    record = complete_record(parsed, _facts())
    assert tuple(record) == rk.RECORD_KEYS
    assert (record[rk.SOURCE_URL], record[rk.ATTACHMENT_URLS], record[rk.SOURCE_KIND]) == (
        "http://x.gov.cn/t1.html", ["http://x.gov.cn/P1.pdf"], rk.KIND_PDF)
    assert (record[rk.REGION_CODE], record[rk.PUBLISHED_AT]) == ("640221", "2021-01-20")
    assert {key: record[key] for key in rk.RECORD_KEYS if key not in rk.CRAWL_KEYS} == {
        key: parsed[key] for key in rk.RECORD_KEYS if key not in rk.CRAWL_KEYS}
    assert parsed[rk.SOURCE_URL] == f"http://x.gov.cn/{SAMPLES[0]}"  # the parsed record is not changed


def test_the_page_as_primary_rendition_is_html_inline_whatever_its_parse_said() -> None:
    record = complete_record({rk.SOURCE_KIND: rk.KIND_TEXT}, _facts(primary_is_page=True))
    assert record[rk.SOURCE_KIND] == rk.KIND_HTML_INLINE


def test_what_the_document_states_wins_over_the_crawl_for_region_and_date() -> None:
    parsed = {rk.REGION_CODE: "110000", rk.PUBLISHED_AT: "2020-12-31"}
    record = complete_record(parsed, _facts())
    assert (record[rk.REGION_CODE], record[rk.PUBLISHED_AT]) == ("110000", "2020-12-31")
    assert complete_record({}, _facts(region_code=None, page_published_at=None))[rk.PUBLISHED_AT] is None


def test_keys_a_stored_record_lacks_are_added_in_crawl_key_order() -> None:
    record = complete_record({rk.UNIT_NAME: "平罗县人民政府办公室"}, _facts())
    assert tuple(record) == (rk.UNIT_NAME, *rk.CRAWL_KEYS)
