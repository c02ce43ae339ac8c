"""Record building: request lines, kept headers, digests, revisit and metadata records, byte stability."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import datetime

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archive.records import (
    REVISIT_PROFILE,
    OriginalCapture,
    RecordBuilder,
    payload_sha256,
    record_bytes,
    warc_date,
    warc_sha256,
)
from archive.writer import gzip_member
from tests.archive.warc_helpers import SENT_AT, counting_ids, make_exchange, warcio_check


def _parse(data: bytes) -> tuple[ArcWarcRecord, bytes]:
    """The single record in ``data`` (read by warcio) and its payload."""
    records = [(r, r.raw_stream.read()) for r in ArchiveIterator(io.BytesIO(gzip_member(data)))]
    assert len(records) == 1
    return records[0]


def test_digest_helpers_match_hashlib() -> None:
    raw = hashlib.sha256(b"abc").digest()
    assert payload_sha256(b"abc") == raw.hex()
    assert warc_sha256(b"abc") == "sha256:" + base64.b32encode(raw).decode()
    assert warc_sha256(b"") == "sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="


def test_warc_date_has_microseconds_and_refuses_naive() -> None:
    assert warc_date(SENT_AT) == "2026-11-22T07:36:00.123456Z"
    with pytest.raises(ValueError):
        warc_date(datetime(2026, 1, 1))


def test_request_line_keeps_query_and_adds_host() -> None:
    ex = make_exchange("http://www.example.gov.cn:8080/xxgk/list.jsp?a=1&b=%E5%B9%B4#top")
    request = RecordBuilder(record_id=counting_ids()).request(ex)
    head = request.http_headers.headers_buff
    assert head.startswith(b"GET /xxgk/list.jsp?a=1&b=%E5%B9%B4 HTTP/1.1\r\nHost: www.example.gov.cn:8080\r\n")
    assert (
        request.rec_headers.get_header("WARC-Target-URI")
        == "http://www.example.gov.cn:8080/xxgk/list.jsp?a=1&b=%E5%B9%B4"
    )


def test_response_keeps_every_header_and_renames_transfer_encoding() -> None:
    response = RecordBuilder().response(make_exchange(), concurrent_to=None)
    head = response.http_headers.headers_buff
    assert head.startswith(b"HTTP/1.1 200 \r\n")
    assert b"Set-Cookie: JSESSIONID=abc; Path=/\r\nSet-Cookie: SERVERID=s1; Path=/\r\n" in head
    assert b"\r\nX-Archive-Orig-Transfer-Encoding: chunked\r\n" in head
    assert b"\r\nTransfer-Encoding" not in head
    assert b"Content-Length" not in head


def test_latin1_header_bytes_round_trip() -> None:
    wire = 'attachment; filename="年报.pdf"'.encode()
    ex = make_exchange(response_headers=[("Content-Disposition", wire.decode("latin-1"))])
    response = RecordBuilder().response(ex, concurrent_to=None)
    assert b"Content-Disposition: " + wire + b"\r\n" in response.http_headers.headers_buff


def test_capture_pairs_request_and_response() -> None:
    request, response = RecordBuilder(record_id=counting_ids()).capture(make_exchange())
    request_id = request.rec_headers.get_header("WARC-Record-ID")
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response_id
    assert response.rec_headers.get_header("WARC-Concurrent-To") == request_id
    for record in (request, response):
        assert record.rec_headers.protocol == "WARC/1.1"
        assert record.rec_headers.get_header("WARC-Date") == "2026-11-22T07:36:00.123456Z"
        assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"


def test_same_input_same_bytes() -> None:
    first = [record_bytes(r) for r in RecordBuilder(record_id=counting_ids()).capture(make_exchange())]
    second = [record_bytes(r) for r in RecordBuilder(record_id=counting_ids()).capture(make_exchange())]
    assert first == second


def test_revisit_has_refers_to_fields_and_headers_only(tmp_path) -> None:
    body = make_exchange().response_body
    original = OriginalCapture("<urn:uuid:orig>", "http://www.example.gov.cn/old.html", SENT_AT, payload_sha256(body))
    revisit = RecordBuilder().revisit(make_exchange(), refers_to=original)
    data = record_bytes(revisit)

    parsed, payload = _parse(data)
    headers = parsed.rec_headers
    assert parsed.rec_type == "revisit"
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILE
    assert headers.get_header("WARC-Refers-To") == "<urn:uuid:orig>"
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://www.example.gov.cn/old.html"
    assert headers.get_header("WARC-Refers-To-Date") == "2026-11-22T07:36:00.123456Z"
    assert headers.get_header("WARC-Payload-Digest") == warc_sha256(body)
    assert parsed.http_headers.get_statuscode() == "200"
    assert payload == b""
    block = revisit.http_headers.headers_buff
    assert headers.get_header("Content-Length") == str(len(block))
    assert headers.get_header("WARC-Block-Digest") == warc_sha256(block)
    assert body not in data

    path = tmp_path / "revisit.warc.gz"
    path.write_bytes(gzip_member(data))
    assert warcio_check(path) == 0


def test_metadata_record_from_fields_and_from_text() -> None:
    builder = RecordBuilder(record_id=counting_ids())
    fields = {"outlink": ["http://a/1", "http://a/2"], "via": ["http://a/"]}
    record = builder.metadata("http://a/x", SENT_AT, fields, "<urn:uuid:resp>")
    parsed, block = _parse(record_bytes(record))
    assert block == b"outlink: http://a/1\r\noutlink: http://a/2\r\nvia: http://a/\r\n"
    assert parsed.rec_headers.get_header("WARC-Concurrent-To") == "<urn:uuid:resp>"
    assert parsed.rec_headers.get_header("WARC-Payload-Digest") == warc_sha256(block)
    text = builder.metadata("http://a/x", SENT_AT, "note: rebuilt\r\n", None)
    assert record_bytes(text).endswith(b"note: rebuilt\r\n\r\n\r\n")
    with pytest.raises(ValueError):
        builder.metadata("http://a/x", SENT_AT, {"bad": ["two\r\nlines"]}, None)


def test_post_request_body_is_payload() -> None:
    ex = make_exchange(method="post", request_body=b"year=2025&type=ndbg")
    request = RecordBuilder().request(ex)
    data = record_bytes(request)
    assert b"\r\n\r\nPOST /xxgk/ndbg/index.html?page=2&y=2025 HTTP/1.1\r\n" in data
    assert data.endswith(b"\r\n\r\nyear=2025&type=ndbg\r\n\r\n")
    assert request.rec_headers.get_header("WARC-Payload-Digest") == warc_sha256(b"year=2025&type=ndbg")


def test_get_request_without_body_has_no_payload_digest(tmp_path) -> None:
    request = RecordBuilder().request(make_exchange())
    parsed, payload = _parse(record_bytes(request))
    assert payload == b"" and parsed.rec_headers.get_header("WARC-Payload-Digest") is None
    assert parsed.rec_headers.get_header("WARC-Block-Digest") == warc_sha256(request.http_headers.headers_buff)
    path = tmp_path / "request.warc.gz"
    path.write_bytes(gzip_member(record_bytes(request)))
    assert warcio_check(path) == 0


def test_conversion_record_holds_the_rendered_dom_and_refers_to_the_capture(tmp_path) -> None:
    dom = "<html><head></head><body><ul><li>灵武市2024年政府信息公开工作年度报告</li></ul></body></html>".encode()
    record = RecordBuilder(record_id=counting_ids()).conversion(
        "http://www.lingwu.gov.cn/xxgk/zfxxgknb/#top", SENT_AT, dom, "text/html; charset=utf-8",
        refers_to="<urn:uuid:static>")
    data = record_bytes(record)
    assert data == (
        "WARC/1.1\r\nWARC-Type: conversion\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "WARC-Date: 2026-11-22T07:36:00.123456Z\r\nWARC-Target-URI: http://www.lingwu.gov.cn/xxgk/zfxxgknb/\r\n"
        "WARC-Refers-To: <urn:uuid:static>\r\n"
        f"WARC-Payload-Digest: {warc_sha256(dom)}\r\nWARC-Block-Digest: {warc_sha256(dom)}\r\n"
        f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(dom)}\r\n\r\n"
    ).encode() + dom + b"\r\n\r\n"
    parsed, payload = _parse(data)
    assert parsed.rec_type == "conversion" and parsed.http_headers is None and payload == dom
    without = RecordBuilder().conversion("http://a/x", SENT_AT, dom, "text/html; charset=utf-8")
    assert without.rec_headers.get_header("WARC-Refers-To") is None
    path = tmp_path / "conversion.warc.gz"
    path.write_bytes(gzip_member(data) + gzip_member(record_bytes(without)))
    assert warcio_check(path) == 0
