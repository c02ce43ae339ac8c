"""Builders for storage tests: a simulated site whose crawls offer pages and attachments with given payloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import finish_crawl, start_crawl
from storage.db import open_catalogue
from storage.history import record_withdrawals
from storage.reports import Outcome, assemble_reports, store_outcome

T0 = datetime(2021, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
SITE = SiteRow(id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/", region_code="640221")
BASE = "http://www.pingluo.gov.cn/xxgk/zfxxgknb/"
PARSER = "t1"


def cell(value: int | None) -> dict[str, Any]:
    return {"value": value, "raw": "" if value is None else str(value), "blank": value is None,
            "uncertain": False, "unit": None, "source": {}}


def row(total: int | None) -> dict[str, Any]:
    return {"natural_person": cell(total), "total": cell(total)}


def report_record(unit: str, year: int, granted: int | None, *, new: int | None = 7, level: str = "department",
                  published_at: str | None = None, reviews: int | None = 1) -> dict[str, Any]:
    """A small §9 record: table 3 with new_received / granted, table 4 with review.total."""
    table4 = {"review": {"total": cell(reviews)}, "litigation_direct": {"total": cell(0)},
              "litigation_after_review": {"total": cell(None)}}
    return {"unit_name": unit, "unit_level": level, "report_year": year, "published_at": published_at,
            "table3": {"new_received": row(new), "results": {"granted": row(granted)}}, "table4": table4,
            "source_url": None, "attachment_urls": [], "region_code": None, "sections": {}}


@dataclass(frozen=True)
class Doc:
    """A document a crawl finds: its URL (relative to BASE), kind, payload and parse result."""

    url: str
    sha: str
    record: dict[str, Any] | None
    kind: str = "page"
    page: str | None = None
    text: str = "…"
    is_report: bool = True
    warnings: tuple[str, ...] = ()

    @property
    def full_url(self) -> str:
        return BASE + self.url


class FakeSite:
    """Runs crawls of SITE against a catalogue: each crawl offers some Docs, then closes with a status."""

    def __init__(self, database_url: str) -> None:
        self.sessions: sessionmaker[Session] = open_catalogue(database_url)
        self.catalog = Catalog(self.sessions)
        self.catalog.upsert_site(SITE)

    def crawl(self, when: datetime, docs: list[Doc], status: str = "finished") -> int:
        crawl = start_crawl(self.sessions, SITE.id, when)
        for doc in docs:
            cap = self.catalog.record_capture(CaptureRow(
                crawl_id=crawl, url=doc.full_url, captured_at=when, http_status=200, record_type="response",
                warc_file="x.warc.gz", warc_offset=0, warc_length=10, warc_record_id=f"<urn:uuid:{doc.sha[:8]}>",
                payload_sha256=doc.sha, payload_size=10, media_type="text/html"))
            self.catalog.record_document(site_id=SITE.id, crawl_id=crawl, url=doc.full_url, kind=doc.kind,
                                         capture_id=cap, page_url=BASE + doc.page if doc.page else None,
                                         anchor_text="附件" if doc.kind == "attachment" else None, title=None,
                                         now=when)
            store_outcome(self.sessions, Outcome(
                payload_sha256=doc.sha, parser_version=PARSER, ok=True, reason=None, is_report=doc.is_report,
                source_kind="pdf" if doc.kind == "attachment" else "html_inline", text=doc.text,
                record=doc.record, warnings=doc.warnings), when)
        assemble_reports(self.sessions, SITE, crawl, PARSER, when)
        finish_crawl(self.sessions, crawl, when, status, status, {})
        record_withdrawals(self.sessions, SITE.id, crawl, when)
        return crawl
