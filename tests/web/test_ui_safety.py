"""Archived pages never run in the UI: a page carrying a <script> payload is archived, then viewed in Chromium."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from archive.records import HttpExchange, payload_sha256
from archive.writer import WarcWriter
from kernel.config import Config
from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import finish_crawl, start_crawl
from storage.db import open_catalogue
from storage.models import Report, ReportVersion
from tests.web.conftest import config_for, serve_app

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
URL = "http://evil.example.gov.cn/xxgk/ndbg/t20260101_1.html"
HOSTILE = "<script>window.top.__pwned=1;document.title='PWNED'</script><img src=x onerror=\"window.top.__pwned=2\">"
PAYLOAD = (f"<html><head><title>某县年报</title></head><body><h1>某县2025年政府信息公开工作年度报告</h1>{HOSTILE}"
           "<script>try{parent.document.title='PWNED'}catch(e){};document.title='PWNED'</script></body></html>"
           ).encode()


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """A catalogue holding one archived page with scripts, and a report whose unit name is markup."""
    config = config_for(tmp_path_factory.mktemp("hostile"))
    sessions = open_catalogue(config.database_url)
    catalog = Catalog(sessions)
    catalog.upsert_site(SiteRow(id="evil", name=f"恶意县{HOSTILE}", home_url="http://evil.example.gov.cn/"))
    crawl_id = start_crawl(sessions, "evil", NOW)
    exchange = HttpExchange(url=URL, method="GET", request_headers=[("User-Agent", "nianbao-test")], request_body=b"",
                            protocol="HTTP/1.1", status=200, reason="OK",
                            response_headers=[("Content-Type", "text/html; charset=utf-8")], response_body=PAYLOAD,
                            sent_at=NOW)
    with WarcWriter(config.warc_dir, prefix="nianbao-evil", clock=lambda: NOW) as writer:
        _, location = writer.write(writer.builder.capture(exchange))
    digest = payload_sha256(PAYLOAD)
    capture_id = catalog.record_capture(CaptureRow(
        crawl_id=crawl_id, url=URL, captured_at=NOW, http_status=200, record_type="response",
        warc_file=location.filename, warc_offset=location.offset, warc_length=location.length,
        warc_record_id=location.record_id, payload_sha256=digest, payload_size=len(PAYLOAD),
        media_type="text/html; charset=utf-8"))
    catalog.record_document(site_id="evil", crawl_id=crawl_id, url=URL, kind="page", capture_id=capture_id,
                            page_url=None, anchor_text=HOSTILE, title=f"年报{HOSTILE}", now=NOW)
    finish_crawl(sessions, crawl_id, NOW, "finished", "finished", {"pages": 1})
    record = {"unit_name": f"单位{HOSTILE}", "report_year": 2025, "title": HOSTILE, "source_url": URL,
              "table2": None, "table3": None, "table4": None, "sections": {"s1_overview": {
                  "heading_raw": HOSTILE, "text": HOSTILE}}, "validation": []}
    with sessions.begin() as s:
        report = Report(site_id="evil", region_code="000000", unit_name=record["unit_name"], report_year=2025)
        s.add(report)
        s.flush()
        s.add(ReportVersion(report_id=report.id, version=1, record=record,
                            record_sha256=hashlib.sha256(b"x").hexdigest(), parser_version="test",
                            payload_sha256=digest, source_capture_id=capture_id, first_seen_at=NOW, last_seen_at=NOW))
    return config


@pytest.fixture(scope="module")
def ui_url(hostile_archive: Config) -> Iterator[str]:
    with serve_app(hostile_archive) as url:
        yield url


def pwned(page: Any) -> Any:
    return page.evaluate("() => [window.__pwned, document.title]")


def test_control_the_payload_runs_when_not_sandboxed(page: Any) -> None:
    """Without the UI's protections the payload does run: the checks below can fail."""
    page.set_content(PAYLOAD.decode())
    assert pwned(page)[1] == "PWNED"


def test_archived_script_does_not_run_in_document_page(page: Any, ui_url: str, tmp_path: Any) -> None:
    page.goto(ui_url + "/sites/evil")
    assert HOSTILE in page.locator("h1").inner_text()  # shown as text, not parsed as markup
    page.locator("ul.documents a").first.click()
    page.wait_for_url("**/documents/*")
    frame = page.locator("iframe.original-view")
    assert frame.get_attribute("sandbox") == ""
    page.wait_for_timeout(1000)
    archived = next(f for f in page.frames if f.url.endswith("/original"))
    assert "某县2025年" in archived.locator("h1").inner_text()  # the page did load in the frame
    assert archived.evaluate("() => document.title") == "某县年报"
    assert pwned(page)[0] is None and pwned(page)[1] != "PWNED"
    assert HOSTILE in page.locator("h1").inner_text()
    page.screenshot(path=str(tmp_path / "hostile-document.png"), full_page=True)


def test_archived_script_does_not_run_when_opened_directly(page: Any, ui_url: str, tmp_path: Any) -> None:
    page.goto(ui_url + "/sites/evil")
    original = page.locator("ul.documents a").first.get_attribute("href")
    page.goto(ui_url + (original or ""))
    href = page.locator("a.original").get_attribute("href")
    response = page.goto(ui_url + (href or ""))
    assert response is not None
    assert response.header_value("content-security-policy").startswith("sandbox")
    assert response.header_value("x-content-type-options") == "nosniff"
    assert response.header_value("content-type") == "text/html; charset=utf-8"
    page.wait_for_timeout(500)
    assert page.locator("h1").inner_text() == "某县2025年政府信息公开工作年度报告"
    assert pwned(page) == [None, "某县年报"]
    page.screenshot(path=str(tmp_path / "hostile-original.png"))


def test_site_text_is_escaped_everywhere(page: Any, ui_url: str) -> None:
    for path in ("/", "/search?q=单位", "/sites/evil", "/reports/1", "/charts?site=evil"):
        page.goto(ui_url + path)
        page.wait_for_timeout(200)
        assert pwned(page)[0] is None, f"script ran on {path}"
        assert page.locator("img[src=x]").count() == 0, f"markup from the site was rendered on {path}"
    page.goto(ui_url + "/reports/1")
    assert HOSTILE in page.locator("h1").inner_text()
    svg = page.request.get(ui_url + "/charts/county.svg?site=evil&year=2025").text()
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_app_pages_carry_a_strict_csp(page: Any, ui_url: str) -> None:
    response = page.goto(ui_url + "/")
    assert response is not None
    csp = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.header_value("x-content-type-options") == "nosniff"
