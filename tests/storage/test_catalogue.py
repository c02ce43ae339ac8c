"""Catalogue storage on SQLite and PostgreSQL: migrations, payload dedup, report versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, inspect, select, text

from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import finish_crawl, start_crawl
from storage.db import engine_for, open_catalogue
from storage.models import Payload, ReportVersion
from storage.reports import Outcome, assemble_reports, latest_reports, store_outcome

T0 = datetime(2021, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
SITE = SiteRow(id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/", region_code="640221")
PAGE = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/202101/t20210120_1.html"
PDF = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/202101/P020210120.pdf"


def _capture(catalog: Catalog, crawl: int, url: str, sha: str, when: datetime) -> int:
    return catalog.record_capture(CaptureRow(
        crawl_id=crawl, url=url, captured_at=when, http_status=200, record_type="response",
        warc_file="x.warc.gz", warc_offset=0, warc_length=10, warc_record_id=f"<urn:uuid:{sha[:8]}>",
        payload_sha256=sha, payload_size=10, media_type="text/html"))


def _record(unit: str, year: int, granted: int | None) -> dict:
    cell = {"value": granted, "raw": "" if granted is None else str(granted), "blank": granted is None,
            "uncertain": False, "unit": None, "source": {}}
    return {"unit_name": unit, "report_year": year, "table3": {"results": {"granted": {"total": cell}}},
            "source_url": None, "attachment_urls": [], "published_at": None, "region_code": None}


def _outcome(sha: str, record: dict | None, is_report: bool = True) -> Outcome:
    return Outcome(payload_sha256=sha, parser_version="t1", ok=True, reason=None, is_report=is_report,
                   source_kind="pdf", text="…", record=record)


def _crawl(catalog: Catalog, when: datetime, page_sha: str, pdf_sha: str) -> int:
    crawl = start_crawl(catalog.sessions, SITE.id, when)
    for url, sha, kind in ((PAGE, page_sha, "page"), (PDF, pdf_sha, "attachment")):
        cap = _capture(catalog, crawl, url, sha, when)
        catalog.record_document(site_id=SITE.id, crawl_id=crawl, url=url, kind=kind, capture_id=cap,
                                page_url=None if kind == "page" else PAGE, anchor_text="附件", title=None, now=when)
    finish_crawl(catalog.sessions, crawl, when, "finished", "finished", {})  # one running run per site
    return crawl


def test_migrations_create_the_schema_from_empty(database_url: str) -> None:
    open_catalogue(database_url)
    tables = set(inspect(engine_for(database_url)).get_table_names())
    assert {"sites", "crawls", "captures", "payloads", "documents", "parse_outcomes", "reports",
            "report_versions", "report_renditions", "report_events", "report_search", "alembic_version"} <= tables
    with engine_for(database_url).connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0007"


def test_identical_payload_is_stored_once(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    catalog = Catalog(sessions)
    catalog.upsert_site(SITE)
    crawl = start_crawl(catalog.sessions, SITE.id, T0)
    first = _capture(catalog, crawl, PAGE, "a" * 64, T0)
    _capture(catalog, crawl, PAGE + "?copy", "a" * 64, T0 + timedelta(seconds=1))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Payload)) == 1
    original = catalog.original_record("a" * 64)
    assert original is not None and original.url == PAGE and original.record_id == "<urn:uuid:aaaaaaaa>"
    assert catalog.original_record("b" * 64) is None
    assert first > 0


def test_changed_attachment_adds_a_version_and_unchanged_does_not(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    catalog = Catalog(sessions)
    catalog.upsert_site(SITE)
    page_record = {**_record("平罗县人民政府办公室", 2020, None), "published_at": "2021-01-20"}
    crawl1 = _crawl(catalog, T0, "p" * 64, "1" * 64)
    store_outcome(sessions, _outcome("p" * 64, page_record), T0)
    store_outcome(sessions, _outcome("1" * 64, _record("平罗县人民政府办公室", 2020, 5)), T0)
    assert len(assemble_reports(sessions, SITE, crawl1, "t1", T0)) == 1
    crawl2 = _crawl(catalog, T0 + timedelta(days=1), "p" * 64, "1" * 64)
    assemble_reports(sessions, SITE, crawl2, "t1", T0 + timedelta(days=1))
    [v1] = latest_reports(sessions, site="pingluo")
    assert v1["version"] == 1
    assert v1["table3"]["results"]["granted"]["total"]["value"] == 5  # the attachment has the numbers
    assert v1["source_url"] == PAGE and v1["attachment_urls"] == [PDF] and v1["region_code"] == "640221"
    assert v1["published_at"] == "2021-01-20" and v1["payload_sha256"] == "1" * 64

    crawl3 = _crawl(catalog, T0 + timedelta(days=2), "p" * 64, "2" * 64)
    store_outcome(sessions, _outcome("2" * 64, _record("平罗县人民政府办公室", 2020, 6)), T0)
    assemble_reports(sessions, SITE, crawl3, "t1", T0 + timedelta(days=2))
    [v2] = latest_reports(sessions, site="pingluo", year=2020)
    assert v2["version"] == 2 and v2["table3"]["results"]["granted"]["total"]["value"] == 6
    with sessions() as s:
        versions = s.scalars(select(ReportVersion).order_by(ReportVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].record["table3"]["results"]["granted"]["total"]["value"] == 5  # old version kept
        assert versions[0].last_seen_at.replace(tzinfo=UTC) == T0 + timedelta(days=1)


def test_decoy_page_gives_no_report(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    catalog = Catalog(sessions)
    catalog.upsert_site(SITE)
    crawl = _crawl(catalog, T0, "d" * 64, "e" * 64)
    store_outcome(sessions, _outcome("d" * 64, _record("平罗县人民政府办公室", 2020, None), is_report=False), T0)
    store_outcome(sessions, _outcome("e" * 64, None, is_report=False), T0)
    assert assemble_reports(sessions, SITE, crawl, "t1", T0) == []
    assert latest_reports(sessions) == []


def test_page_with_shorter_unit_name_joins_its_attachment_report(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    catalog = Catalog(sessions)
    catalog.upsert_site(SITE)
    crawl = _crawl(catalog, T0, "p" * 64, "1" * 64)
    store_outcome(sessions, _outcome("p" * 64, _record("平罗县宝丰镇", 2020, None)), T0)
    store_outcome(sessions, _outcome("1" * 64, _record("平罗县宝丰镇人民政府", 2020, 3)), T0)
    assemble_reports(sessions, SITE, crawl, "t1", T0)
    assert [(r["unit_name"], r["report_year"]) for r in latest_reports(sessions)] == [("平罗县宝丰镇人民政府", 2020)]
