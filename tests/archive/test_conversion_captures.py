"""A rendered DOM's capture (`conversion`) is no HTTP capture: never a revalidation source, a revisit's original,
a WACZ page, nor the answer of a resumed crawl."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from archive.resume import ArchiveAnswers
from storage.catalog import CaptureRow, Catalog, SiteRow
from storage.crawls import start_crawl
from storage.db import open_catalogue

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
URL = "http://www.lingwu.gov.cn/xxgk/zfxxgknb/"
STATIC = CaptureRow(crawl_id=0, url=URL, captured_at=T0, http_status=200, record_type="response",
                    warc_file="a.warc.gz", warc_offset=0, warc_length=10, warc_record_id="<urn:uuid:static>",
                    payload_sha256="a" * 64, payload_size=10, media_type="text/html", etag='"e1"')
DOM = dataclasses.replace(STATIC, captured_at=T0 + timedelta(seconds=2), record_type="conversion",
                          warc_offset=10, warc_record_id="<urn:uuid:dom>", payload_sha256="b" * 64,
                          media_type="text/html; charset=utf-8", etag=None)


def _catalog(database_url: str) -> tuple[Catalog, int]:
    catalog = Catalog(open_catalogue(database_url))
    catalog.upsert_site(SiteRow(id="lingwu", name="灵武市", home_url="http://www.lingwu.gov.cn/"))
    crawl = start_crawl(catalog.sessions, "lingwu", T0)
    for row in (STATIC, DOM):
        catalog.record_capture(dataclasses.replace(row, crawl_id=crawl))
    return catalog, crawl


def test_lookups_of_http_captures_skip_the_rendered_dom(database_url: str) -> None:
    catalog, crawl = _catalog(database_url)
    latest = catalog.latest_ok_capture(URL)
    assert latest is not None and latest.warc_record_id == "<urn:uuid:static>" and latest.etag == '"e1"'
    static = catalog.latest_http_capture(URL, crawl)
    assert static is not None and static.warc_record_id == "<urn:uuid:static>"
    assert catalog.latest_http_capture(URL, crawl + 1) is None
    assert catalog.original_record("b" * 64) is None  # a later identical payload is archived in full


def test_a_resumed_crawl_is_never_answered_by_a_rendered_dom(database_url: str) -> None:
    catalog, crawl = _catalog(database_url)
    answers = ArchiveAnswers(catalog.iter_captures(crawl_id=crawl))
    assert len(answers) == 1
    first = answers.next_capture(URL)
    assert first is not None and first.record_type == "response"
    assert answers.next_capture(URL) is None  # the render request (or any later GET) goes to the site
