"""The archivist UI on a real crawl of the sample 平罗县 web, driven in headless Chromium.

home → site → report → version diff → original PDF, with screenshots under the test's tmp dir.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kernel.config import Config
from sampleweb.server import SampleWebServer
from storage import history
from storage.db import open_catalogue
from storage.models import Capture, Document, ParseOutcome, Report, ReportVersion
from tests.conftest import run_nianbao
from tests.web.conftest import config_for, serve_app

UNIT, YEAR = "平罗县人民政府办公室", 2022
CHANGED_CELL = "table3.new_received.total"
BLANKED_CELL = "table3.results.granted.org_other"
WARNED_CELL = "table3.carried_forward.total"


@pytest.fixture(scope="module")
def crawled(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> Config:
    """One crawl of 平罗县 through the sample web, plus a second version of one report (a reparse-like insert)."""
    home = tmp_path_factory.mktemp("ui-home")
    out = run_nianbao(["crawl", "pingluo", "--proxy", sampleweb.proxy_url], {"NIANBAO_HOME": str(home)})
    assert out.returncode == 0, out.stderr[-3000:]
    config = config_for(home)
    add_second_version(config)
    return config


def add_second_version(config: Config) -> None:
    """v2 of the office's 2022 report: one number changed, one cell blanked, one validation warning."""
    sessions = open_catalogue(config.database_url)
    now = datetime.now(UTC)
    with sessions.begin() as s:
        report = s.scalars(select(Report).where(Report.unit_name == UNIT, Report.report_year == YEAR)).one()
        v1 = s.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)).one()
        record = copy.deepcopy(v1.record)
        cell = record["table3"]["new_received"]["total"]
        cell["value"], cell["raw"] = cell["value"] + 2, str(cell["value"] + 2)
        record["table3"]["results"]["granted"]["org_other"].update(value=None, raw="", blank=True)
        record["validation"] = [{"rule": "T3-COL", "severity": "official", "cells": [CHANGED_CELL, WARNED_CELL],
                                 "expected": 1, "actual": 3, "message": "一+二 ≠ 三+四 in column 总计"}]
        digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        v2 = ReportVersion(report_id=report.id, version=2, record=record, record_sha256=digest,
                           parser_version=v1.parser_version, payload_sha256=v1.payload_sha256,
                           source_capture_id=v1.source_capture_id, first_seen_at=now, last_seen_at=now)
        s.add(v2)
        s.flush()
        history.add_event(s, report, "changed", now, None, version_id=v2.id,
                          changes=[{"path": CHANGED_CELL, "old": cell["value"] - 2, "new": cell["value"]}])


@pytest.fixture(scope="module")
def ui_url(crawled: Config) -> Iterator[str]:
    with serve_app(crawled) as url:
        yield url


def shot(page: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def test_browse_home_site_report_diff_original(page: Any, ui_url: str, tmp_path: Path) -> None:
    page.goto(ui_url + "/")
    assert page.locator("h1").inner_text().startswith("Coverage")
    matrix = page.locator("#site-pingluo table.matrix")
    assert matrix.locator("thead th").all_inner_texts()[1:] == ["2019", "2020", "2021", "2022", "2023"]
    office = matrix.locator("tr", has_text=UNIT)
    assert office.locator("td.found").count() == 5
    assert "changed" in (office.locator("td").nth(3).get_attribute("class") or "")
    assert page.locator("#site-pingluo td.missing").count() > 0  # units without a report that year
    assert page.locator("tr.crawl-finished").count() == 1
    shot(page, tmp_path, "1-home")

    page.click("#site-pingluo h2 a")
    page.wait_for_url("**/sites/pingluo")
    assert "http://www.pingluo.gov.cn/xxgk/zfxxgknb/" in page.locator("table.columns").inner_text()
    assert page.locator("table.timeline tbody tr").count() == 1
    assert page.locator("table.reports tbody tr").count() == 15
    shot(page, tmp_path, "2-site")

    page.locator("table.reports tr", has_text=str(YEAR)).locator("a", has_text=UNIT).click()
    page.wait_for_url("**/reports/*")
    assert page.locator(".version-line").inner_text().startswith("version 2 of 2")
    changed = page.locator(f'td[data-path="{CHANGED_CELL}"]')
    assert "warn" in (changed.get_attribute("class") or "")
    assert "T3-COL" in (changed.get_attribute("title") or "")
    assert "page 2" in (changed.get_attribute("title") or "")  # provenance from the PDF
    blank = page.locator(f'td[data-path="{BLANKED_CELL}"]')
    assert "blank" in (blank.get_attribute("class") or "") and blank.inner_text() == ""
    zero = page.locator('td[data-path="table3.results.granted.org_research"]')
    assert zero.inner_text() == "0" and "blank" not in (zero.get_attribute("class") or "")
    assert page.locator("table.t3 th", has_text="（三）不予公开").get_attribute("rowspan") == "8"
    assert page.locator("table.t4 tbody td").count() == 15
    assert page.locator(".warnings li").count() == 1
    shot(page, tmp_path, "3-report")

    page.click("text=diff v1 → v2")
    page.wait_for_url("**/diff?a=1&b=2")
    rows = page.locator("table.changes tr", has_text=CHANGED_CELL)
    assert rows.count() == 1
    old, new = rows.locator("td.old").inner_text(), rows.locator("td.new").inner_text()
    assert int(new) == int(old) + 2
    assert page.locator("table.changes tr", has_text=BLANKED_CELL).count() == 1
    cell = page.locator(f'td.changed[data-path="{CHANGED_CELL}"]')
    assert f"v1 {old} → {new}" in (cell.get_attribute("title") or "")
    shot(page, tmp_path, "4-diff")

    page.go_back()
    page.locator("ul.renditions li", has_text="pdf").locator("a").first.click()
    page.wait_for_url("**/documents/*")
    assert "application/pdf" in page.locator("table.meta").inner_text()
    assert "总体情况" in page.locator(".extracted").inner_text()  # the text extracted from the PDF
    replay = page.locator("a.replay").get_attribute("href") or ""
    assert replay.startswith("http://127.0.0.1:8080/nianbao/20") and replay.endswith(".pdf")
    original_url = ui_url + (page.locator("a.original").get_attribute("href") or "")
    page.wait_for_timeout(1000)
    assert any(f.url == original_url for f in page.frames)
    shot(page, tmp_path, "5-document")

    response = page.goto(original_url)
    assert response is not None and response.status == 200
    assert response.header_value("content-type") == "application/pdf"
    assert response.header_value("content-security-policy") == "sandbox"
    assert response.header_value("x-content-type-options") == "nosniff"
    page.wait_for_timeout(1000)
    assert any(f.url.startswith("chrome-extension://") for f in page.frames), "the PDF viewer did not open"
    shot(page, tmp_path, "6-original-pdf")
    assert page.request.get(original_url).body().startswith(b"%PDF")  # the archived bytes themselves


def test_exports_are_the_current_view(page: Any, ui_url: str) -> None:
    coverage = page.request.get(ui_url + "/?format=json").json()
    assert {"site", "unit_name", "report_year", "state"} <= set(coverage[0])
    assert sum(row["state"] == "found" for row in coverage) == 15
    site_csv = page.request.get(ui_url + "/sites/pingluo?format=csv")
    assert site_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(site_csv.text().lstrip("\ufeff"))))
    assert len(rows) == 15 and {"unit_name", "report_year", "versions"} <= set(rows[0])
    report_id = next(r["id"] for r in rows if r["unit_name"] == UNIT and r["report_year"] == str(YEAR))
    cells = list(csv.DictReader(io.StringIO(page.request.get(
        f"{ui_url}/reports/{report_id}?format=csv&v=1").text().lstrip("\ufeff"))))
    assert any(c["path"] == CHANGED_CELL for c in cells)
    record = page.request.get(f"{ui_url}/reports/{report_id}?format=json").json()
    assert record["unit_name"] == UNIT and record["validation"][0]["rule"] == "T3-COL"
    diff = page.request.get(f"{ui_url}/reports/{report_id}/diff?a=1&b=2&format=json").json()
    assert {c["path"] for c in diff} >= {CHANGED_CELL, BLANKED_CELL}
    assert page.request.get(ui_url + "/?format=xml").status == 400


def test_charts_and_search(page: Any, ui_url: str, tmp_path: Path) -> None:
    page.goto(ui_url + "/charts?site=pingluo&unit=" + UNIT + "&year=2021")
    for selector in ("img.unit-chart", "img.county-chart"):
        loaded = page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, f"{selector} did not render"
    shot(page, tmp_path, "charts")
    svg = page.request.get(f"{ui_url}/charts/county.svg?site=pingluo&year=2021")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "平罗县卫生健康局" in svg.text() and "<script" not in svg.text()
    page.goto(ui_url + "/")
    page.fill("header input[name=q]", "宝丰镇")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.hits li").count() >= 1
    assert "宝丰镇" in page.locator("ol.hits").inner_text()


def stored_warnings(config: Config, title: str) -> list[str]:
    """The warnings the crawl's parse stored for the document titled `title` (its latest capture's payload)."""
    with open_catalogue(config.database_url)() as s:
        return list(s.scalars(select(ParseOutcome.warnings)
                              .join(Capture, Capture.payload_sha256 == ParseOutcome.payload_sha256)
                              .join(Document, Document.latest_capture_id == Capture.id)
                              .where(Document.title == title)).one() or [])


def test_document_page_shows_why_a_document_is_not_a_report(page: Any, ui_url: str, crawled: Config,
                                                             tmp_path: Path) -> None:
    decoy = "图解：平罗县2020年政府信息公开工作年度报告"
    warnings = stored_warnings(crawled, decoy)
    assert any(w.startswith("decoy title") for w in warnings), warnings  # why the parser says it is not a report
    page.goto(ui_url + "/sites/pingluo")
    page.locator("ul.documents a", has_text=decoy).click()
    page.wait_for_url("**/documents/*")
    assert page.locator(".extracted h2 small").inner_text() == "(ok)"
    assert page.locator(".extracted ul.parse-warnings li").all_inner_texts() == warnings
    shot(page, tmp_path, "decoy-document")
    page.goto(ui_url + "/sites/pingluo")
    page.locator("ul.documents a", has_text="平罗县卫生健康局2021年政府信息公开工作年度报告.pdf").click()  # a report
    page.wait_for_url("**/documents/*")
    assert stored_warnings(crawled, page.locator("h1").inner_text()) == []
    assert page.locator(".extracted ul.parse-warnings").count() == 0
