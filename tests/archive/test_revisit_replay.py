"""What makes a 304 confirmation replayable, on a hand-built WARC: the server-not-modified revisit has no HTTP head,
and its index line says warc/revisit with status 200, while a revisit written the old way (with the 304 head,
which pywb and wabac.js replay as an empty 304) stays out of the index. The replays themselves, in pywb and
ReplayWeb.page, are in tests/replay/."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from archive.cdxj import captures_of, cdxj_lines
from archive.reader import iter_records
from archive.records import (
    NOT_MODIFIED_PROFILE,
    REVISIT_PROFILE,
    OriginalCapture,
    RecordBuilder,
    payload_sha256,
    warc_sha256,
)
from archive.writer import WarcWriter
from tests.archive.warc_helpers import SENT_AT, counting_ids, make_exchange, read_all, ticking_clock, warcio_check

PAGE = "http://www.example.gov.cn/xxgk/ndbg/202301/t20230118_1.html"
LATER = SENT_AT + timedelta(days=7)


def _confirmed_page(directory: Path) -> Path:
    """A page (request, response), a 304 confirming it a week later (request, revisit), and the same 304 as
    revisits were written before (head kept), for another URL."""
    builder = RecordBuilder(record_id=counting_ids())
    page = make_exchange(PAGE, response_headers=[("Content-Type", "text/html; charset=utf-8"), ("ETag", '"e1"')])
    not_modified = dataclasses.replace(page, status=304, reason="Not Modified", response_headers=[("ETag", '"e1"')],
                                       response_body=b"", sent_at=LATER)
    with WarcWriter(directory, clock=ticking_clock(), builder=builder, info={"hostname": "fixed"}) as writer:
        request, response = builder.capture(page)
        writer.write([request, response])
        original = OriginalCapture(str(response.rec_headers.get_header("WARC-Record-ID")), PAGE, SENT_AT,
                                   payload_sha256(page.response_body), profile=NOT_MODIFIED_PROFILE)
        writer.write(list(builder.capture(not_modified, refers_to=original)))
        with_head = dataclasses.replace(original, profile=REVISIT_PROFILE)  # the builder keeps this one's head
        old_style = builder.revisit(dataclasses.replace(not_modified, url=PAGE + "?old"), refers_to=with_head)
        old_style.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        writer.write([old_style])
    (path,) = directory.glob("*.warc.gz")
    return path


def test_the_confirmation_has_no_http_head_but_says_what_it_confirms(tmp_path: Path) -> None:
    path = _confirmed_page(tmp_path)
    assert warcio_check(path) == 0
    records = read_all(path)
    revisit = next(headers for kind, headers, _ in records if kind == "revisit"
                   and headers["WARC-Profile"] == [NOT_MODIFIED_PROFILE])
    assert "Content-Type" not in revisit and revisit["Content-Length"] == ["0"]
    assert revisit["WARC-Refers-To-Target-URI"] == [PAGE]
    assert revisit["WARC-Refers-To-Date"] == ["2026-11-22T07:36:00.123456Z"]
    assert revisit["WARC-Payload-Digest"] == [warc_sha256(make_exchange().response_body)]
    statuses = [(r.url, r.http_status) for r in iter_records(path) if r.record_type == "revisit"]
    assert statuses == [(PAGE, None), (PAGE + "?old", 304)]


def test_the_confirmation_is_indexed_as_a_revisit_with_the_status_it_confirms(tmp_path: Path) -> None:
    path = _confirmed_page(tmp_path)
    entries = [(line.split(" ")[1], json.loads(line.split(" ", 2)[2])) for line in cdxj_lines(path)]
    assert [(ts, e["url"], e["mime"], e["status"]) for ts, e in entries] == [
        ("20261122073600", PAGE, "text/html", "200"),
        ("20261129073600", PAGE, "warc/revisit", "200"),
    ]
    assert entries[0][1]["digest"] == entries[1][1]["digest"]
    assert [c.timestamp for c in captures_of(tmp_path, PAGE)] == ["20261122073600", "20261129073600"]
    assert captures_of(tmp_path, PAGE + "?old") == []
