"""The recorder without Scrapy: exchanges in, WARC records (read back with warcio) and capture rows out."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from archive.capture import CapturedExchange
from archive.reader import iter_records
from archive.recorder import RENDERED_MEDIA_TYPE, PayloadRecord, Recorder
from archive.records import NOT_MODIFIED_PROFILE, REVISIT_PROFILE, RecordBuilder, payload_sha256
from archive.writer import WarcWriter
from storage.catalog import Catalog, SiteRow, StoredCapture
from storage.crawls import start_crawl
from storage.db import open_catalogue
from tests.archive.warc_helpers import SENT_AT, counting_ids, make_exchange, read_all, ticking_clock, warcio_check

PAGE = "http://www.example.gov.cn/xxgk/ndbg/202301/t20230118_1.html"
LIST = "http://www.example.gov.cn/xxgk/ndbg/"
BODY = """<html><head><meta charset="utf-8"></head><body>
<a href="P020230118.pdf">平罗县2022年 年度报告</a> <a href="../">上一级</a> <img src="W1.jpg" alt="第1页">
</body></html>""".encode()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"), ("ETag", '"e1"'),
           ("Last-Modified", "Wed, 18 Jan 2023 08:00:00 GMT")]


@dataclasses.dataclass
class Archive:
    """A recorder over a fresh catalogue and WARC directory, with counting record ids and a ticking clock."""

    catalog: Catalog
    crawl_id: int
    warc_dir: Path
    recorder: Recorder

    def records(self) -> list[tuple[str, dict[str, list[str]], bytes]]:
        self.recorder.close()
        (path,) = sorted(self.warc_dir.glob("*.warc.gz"))
        assert warcio_check(path) == 0
        return read_all(path)

    def captures(self) -> list[StoredCapture]:
        return list(self.catalog.iter_captures(crawl_id=self.crawl_id))


def _archive(database_url: str, warc_dir: Path) -> Archive:
    catalog = Catalog(open_catalogue(database_url))
    catalog.upsert_site(SiteRow(id="t", name="test", home_url="http://www.example.gov.cn/"))
    crawl_id = start_crawl(catalog.sessions, "t", SENT_AT)
    builder = RecordBuilder(record_id=counting_ids())
    recorder = Recorder(catalog, warc_dir, lambda: WarcWriter(warc_dir, clock=ticking_clock(), builder=builder),
                        builder=builder)
    return Archive(catalog, crawl_id, warc_dir, recorder)


@pytest.fixture
def archive(database_url: str, tmp_path: Path) -> Archive:
    return _archive(database_url, tmp_path / "warcs")


def _page(url: str = PAGE, **changes: object) -> CapturedExchange:
    fields: dict[str, object] = {"request_headers": [("Referer", LIST)], "response_headers": HEADERS,
                                 "response_body": gzip.compress(BODY, mtime=0), **changes}
    http = make_exchange(url, **fields)
    return CapturedExchange(http, http.url, rule="column-list", callback="parse_article")


def test_a_first_capture_is_a_response_with_its_links(archive: Archive) -> None:
    recorded = archive.recorder.record(_page(), archive.crawl_id)
    capture_id = recorded.capture_id
    records = archive.records()
    assert [rec_type for rec_type, _, _ in records] == ["warcinfo", "request", "response", "metadata"]
    _, response, _ = records[2]
    _, metadata, block = records[3]
    assert metadata["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    assert block.decode().splitlines() == [
        f"via: {LIST}",
        "discovery-rule: column-list",
        "callback: parse_article",
        "outlink: http://www.example.gov.cn/xxgk/ndbg/202301/P020230118.pdf 平罗县2022年 年度报告",
        "outlink: http://www.example.gov.cn/xxgk/ndbg/ 上一级",
        "attachment: http://www.example.gov.cn/xxgk/ndbg/202301/P020230118.pdf 平罗县2022年 年度报告",
        "embed: http://www.example.gov.cn/xxgk/ndbg/202301/W1.jpg 第1页",
    ]
    (capture,) = archive.captures()
    assert capture.id == capture_id and capture.record_type == "response" and capture.http_status == 200
    assert capture.warc_record_id == response["WARC-Record-ID"][0]
    assert capture.payload_sha256 == payload_sha256(gzip.compress(BODY, mtime=0))
    assert (capture.etag, capture.last_modified) == ('"e1"', "Wed, 18 Jan 2023 08:00:00 GMT")
    # What the recorder hands on for the parse job is what the catalogue would answer.
    assert recorded.payload == PayloadRecord(capture.payload_sha256, capture.media_type, capture.warc_file,
                                             capture.warc_offset)


def test_the_same_payload_again_is_a_revisit_of_the_first_response(archive: Archive) -> None:
    first_recorded = archive.recorder.record(_page(), archive.crawl_id)
    again = archive.recorder.record(_page(), archive.crawl_id)  # the same page, unchanged
    elsewhere = archive.recorder.record(_page(PAGE + "?print=1"), archive.crawl_id)  # the same payload at another URL
    records = archive.records()
    assert [rec_type for rec_type, _, _ in records] == [
        "warcinfo", "request", "response", "metadata", "request", "revisit", "metadata", "request", "revisit",
        "metadata"]
    first = records[2][1]["WARC-Record-ID"]
    for _, revisit, payload in (records[5], records[8]):
        assert revisit["WARC-Profile"] == [REVISIT_PROFILE] and revisit["WARC-Refers-To"] == first
        assert revisit["WARC-Refers-To-Target-URI"] == [PAGE] and payload == b""
    assert f"links-as-in: {first[0]}" in records[6][2].decode()  # same URL: its links are those of the first
    assert "outlink: " in records[9][2].decode() and "links-as-in" not in records[9][2].decode()
    assert [c.record_type for c in archive.captures()] == ["response", "revisit", "revisit"]
    # The payload of each is read from the first response record (what Dedup.payload_record answers).
    held = archive.recorder.dedup.payload_record(first_recorded.payload.sha256) if first_recorded.payload else None
    assert held is not None and len({first_recorded.payload, again.payload, elsewhere.payload}) == 1
    assert first_recorded.payload is not None
    assert (first_recorded.payload.warc_file, first_recorded.payload.warc_offset) == held


def test_revalidation_asks_only_about_the_urls_the_site_kept_validators_for(archive: Archive) -> None:
    archive.recorder.record(_page(), archive.crawl_id)  # ETag and Last-Modified
    archive.recorder.record(_page(PAGE + "?plain", response_headers=[("Content-Type", "text/html")]),
                            archive.crawl_id)  # no validator
    urls = archive.recorder.catalog.revalidatable_urls("t")
    assert urls == {PAGE}
    assert archive.recorder.catalog.revalidatable_urls("another-site") == set()
    archive.recorder.limit_revalidation(urls)
    assert archive.recorder.revalidation("GET", PAGE, always_fetch=False, conditional=False) is not None
    archive.recorder.limit_revalidation(set())  # a site whose earlier crawls kept no validator for the URL
    assert archive.recorder.revalidation("GET", PAGE, always_fetch=False, conditional=False) is None


def test_a_304_is_a_server_not_modified_revisit_standing_for_the_archived_response(archive: Archive) -> None:
    archive.recorder.record(_page(), archive.crawl_id)
    revalidation = archive.recorder.revalidation("GET", PAGE, always_fetch=False, conditional=False)
    assert revalidation is not None
    assert revalidation.headers == [("If-None-Match", '"e1"'), ("If-Modified-Since", "Wed, 18 Jan 2023 08:00:00 GMT")]
    not_modified = _page(status=304, response_headers=[("ETag", '"e1"')], response_body=b"")
    outcome = archive.recorder.not_modified(not_modified, revalidation.source, archive.crawl_id)
    assert outcome.archived is not None and outcome.archived.status == 200
    assert outcome.archived.body == gzip.compress(BODY, mtime=0)
    records = archive.records()
    assert [rec_type for rec_type, _, _ in records] == ["warcinfo", "request", "response", "metadata", "request",
                                                        "revisit"]
    revisit = records[5][1]
    assert revisit["WARC-Profile"] == [NOT_MODIFIED_PROFILE]
    assert revisit["WARC-Refers-To"] == records[2][1]["WARC-Record-ID"]
    (path,) = archive.warc_dir.glob("*.warc.gz")  # no HTTP head: replay shows the response it confirms
    assert [r.http_status for r in iter_records(path) if r.record_type == "revisit"] == [None]
    capture = archive.captures()[-1]
    assert capture.id == outcome.recorded.capture_id
    assert (capture.record_type, capture.http_status) == ("revisit", 304)
    first = archive.captures()[0]  # the 304's payload is the archived response's, read from its record
    assert outcome.recorded.payload == PayloadRecord(first.payload_sha256, first.media_type, first.warc_file,
                                                     first.warc_offset)
    assert capture.payload_sha256 == revalidation.source.payload_sha256
    assert capture.last_modified == "Wed, 18 Jan 2023 08:00:00 GMT"  # the 304 left it out: kept from the source


def test_a_304_whose_archived_response_is_unreadable_is_recorded_as_it_came(archive: Archive) -> None:
    archive.recorder.record(_page(), archive.crawl_id)
    revalidation = archive.recorder.revalidation("GET", PAGE, always_fetch=False, conditional=False)
    assert revalidation is not None
    archive.recorder.close()
    (path,) = archive.warc_dir.glob("*.warc.gz")
    path.rename(path.with_name("moved.warc.gz"))
    archive.recorder = _archive_again(archive)
    outcome = archive.recorder.not_modified(_page(status=304, response_body=b""), revalidation.source,
                                            archive.crawl_id)
    assert outcome.archived is None
    capture = archive.captures()[-1]
    assert capture.id == outcome.recorded.capture_id
    assert (capture.record_type, capture.http_status) == ("response", 304)


def _archive_again(archive: Archive) -> Recorder:
    builder = RecordBuilder(record_id=counting_ids())
    return Recorder(archive.catalog, archive.warc_dir,
                    lambda: WarcWriter(archive.warc_dir, clock=ticking_clock(), builder=builder), builder=builder)


def test_what_is_never_revalidated(archive: Archive) -> None:
    archive.recorder.record(_page(), archive.crawl_id)
    archive.recorder.record(_page(LIST, response_headers=HEADERS[:2]), archive.crawl_id)  # no validators
    assert archive.recorder.revalidation("POST", PAGE, always_fetch=False, conditional=False) is None
    assert archive.recorder.revalidation("GET", PAGE, always_fetch=True, conditional=False) is None
    assert archive.recorder.revalidation("GET", PAGE, always_fetch=False, conditional=True) is None
    assert archive.recorder.revalidation("GET", LIST, always_fetch=False, conditional=False) is None
    assert archive.recorder.revalidation("GET", PAGE + "?new", always_fetch=False, conditional=False) is None


def test_a_rendered_dom_is_a_conversion_of_the_crawls_http_capture(archive: Archive) -> None:
    archive.recorder.record(_page(), archive.crawl_id)
    dom = "<html><body><a href='/rendered.pdf'>渲染</a></body></html>"
    http = make_exchange(PAGE, response_headers=[("Content-Type", "text/html; charset=gbk")],
                         response_body=dom.encode("gbk"))
    archive.recorder.record(CapturedExchange(http, PAGE, rendered=True, dom_text=dom), archive.crawl_id)
    records = archive.records()
    assert [rec_type for rec_type, _, _ in records][-2:] == ["conversion", "metadata"]
    _, conversion, block = records[-2]
    assert block == dom.encode("utf-8") and conversion["Content-Type"] == [RENDERED_MEDIA_TYPE]
    assert conversion["WARC-Refers-To"] == records[2][1]["WARC-Record-ID"]
    assert "outlink: http://www.example.gov.cn/rendered.pdf 渲染" in records[-1][2].decode()
    capture = archive.captures()[-1]
    assert (capture.record_type, capture.etag, capture.payload_sha256) == (
        "conversion", None, payload_sha256(dom.encode("utf-8")))


def test_the_same_exchanges_give_the_same_bytes(database_url: str, tmp_path: Path) -> None:
    files = []
    for run in ("a", "b"):
        archive = _archive(database_url, tmp_path / run) if run == "a" else \
            _archive(f"sqlite:///{tmp_path / 'second.db'}", tmp_path / run)
        archive.recorder.record(_page(), archive.crawl_id)
        archive.recorder.record(_page(), archive.crawl_id)
        archive.recorder.close()
        (path,) = (tmp_path / run).glob("*.warc.gz")
        files.append((path.name, path.read_bytes()))
    assert files[0] == files[1]


def test_a_page_whose_brotli_body_is_corrupt_is_archived_without_links(archive: Archive) -> None:
    """Regression: a corrupt br body raised brotli.error out of the page-metadata step, and the response was
    dropped unarchived. The bytes as they came are archived; only the links record is left out."""
    garbled = b"\x8b\x03not brotli at all"
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "br")]
    capture_id = archive.recorder.record(_page(response_headers=headers, response_body=garbled),
                                         archive.crawl_id).capture_id
    archive.recorder.close()
    # Not archive.records(): `warcio check` cannot decode br bodies itself (warcio 1.8.1 with brotli >= 1.2).
    (path,) = sorted(archive.warc_dir.glob("*.warc.gz"))
    records = read_all(path)
    assert [rec_type for rec_type, _, _ in records] == ["warcinfo", "request", "response"]
    assert records[2][2].endswith(garbled)
    (capture,) = archive.captures()
    assert capture.id == capture_id and capture.payload_sha256 == payload_sha256(garbled)


def test_a_json_body_served_as_html_is_archived_with_an_empty_links_record(archive: Archive) -> None:
    """Regression: parsel took a JSON body for JSON and refused CSS on it (ValueError), and the page was dropped
    unarchived. It is read as the HTML it was served as: no links, but archived."""
    headers = [("Content-Type", "text/html; charset=utf-8")]
    body = b'{"total": 2, "rows": [{"url": "t20230118_1.html"}]}'
    capture_id = archive.recorder.record(_page(response_headers=headers, response_body=body),
                                         archive.crawl_id).capture_id
    records = archive.records()
    assert [rec_type for rec_type, _, _ in records] == ["warcinfo", "request", "response", "metadata"]
    assert not any(line.startswith(("outlink:", "embed:")) for line in records[3][2].decode().splitlines())
    (capture,) = archive.captures()
    assert capture.id == capture_id and capture.payload_sha256 == payload_sha256(body)
