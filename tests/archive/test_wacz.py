"""WACZ parts without a crawl: page lists, originals copied record for record, anonymous signing.
The export of a real crawl and its replay in ReplayWeb.page are in tests/replay/."""

from __future__ import annotations

import json
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.cdxj import cdxj_lines
from archive.records import RecordBuilder
from archive.wacz import EXTRA_PAGES_HEADER, Page, export_wacz, pages_jsonl, validate_wacz
from archive.wacz_originals import member_at, write_originals_warc
from archive.wacz_sign import sign_wacz, signed_data, signing_key, verify_signed_data
from archive.writer import WarcWriter
from kernel.errors import ArchiveError
from tests.archive.warc_helpers import SENT_AT, counting_ids, make_exchange, read_all, ticking_clock, warcio_check

PDF = "http://www.example.gov.cn/xxgk/ndbg/P020250101.pdf"


def _warc(directory: Path) -> Path:
    builder = RecordBuilder(record_id=counting_ids())
    with WarcWriter(directory, clock=ticking_clock(), builder=builder, info={"hostname": "fixed"}) as writer:
        writer.write(list(builder.capture(make_exchange())))
        writer.write(list(builder.capture(make_exchange(PDF, response_headers=[("Content-Type", "application/pdf")],
                                                        response_body=b"%PDF-1.4 report"))))
    (path,) = directory.glob("*.warc.gz")
    return path


def test_page_lists_have_their_header_and_one_line_per_page() -> None:
    pages = [Page(PDF, "平罗县2024年政府信息公开工作年度报告", SENT_AT), Page("http://x.cn/", None, SENT_AT)]
    lines = [json.loads(line) for line in pages_jsonl(pages).splitlines()]
    assert lines[0] == {"format": "json-pages-1.0", "id": "pages", "title": "Reports"}
    assert lines[1] == {"id": "p1", "url": PDF, "ts": "2026-11-22T07:36:00.123456Z",
                        "title": "平罗县2024年政府信息公开工作年度报告"}
    assert "title" not in lines[2]
    extra = [json.loads(line) for line in pages_jsonl(pages, EXTRA_PAGES_HEADER).splitlines()]
    assert extra[0]["id"] == "extra-pages" and extra[1]["id"] == "e1"


def test_originals_are_copied_record_for_record(tmp_path: Path) -> None:
    (tmp_path / "warcs").mkdir()
    warc = _warc(tmp_path / "warcs")
    offsets = [int(json.loads(line.split(" ", 2)[2])["offset"]) for line in cdxj_lines(warc)]
    output = tmp_path / "originals.warc.gz"
    copied = write_originals_warc(warc.parent, [(warc.name, o) for o in offsets * 2], output,
                                  now=datetime(2026, 12, 1, tzinfo=UTC), label="crawl 2")
    assert copied == len(offsets) == 2
    assert warcio_check(output) == 0
    source = {headers["WARC-Record-ID"][0]: payload for kind, headers, payload in read_all(warc)
              if kind == "response"}
    records = read_all(output)
    assert [kind for kind, _, _ in records] == ["warcinfo", "response", "response"]
    assert {headers["WARC-Record-ID"][0]: payload for _, headers, payload in records[1:]} == source
    with pytest.raises(ArchiveError):
        member_at(warc, offsets[0] + 3)


def test_a_signature_verifies_only_for_its_hash(tmp_path: Path) -> None:
    key_path = tmp_path / "key.pem"
    key = signing_key(key_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert signing_key(key_path).public_key() == key.public_key()  # made once, then reused
    data = signed_data("sha256:" + "ab" * 32, "2026-12-01T00:00:00Z", key, "nianbao")
    assert verify_signed_data(data)
    assert not verify_signed_data({**data, "hash": "sha256:" + "cd" * 32})
    assert not verify_signed_data({**data, "publicKey": signed_data("x", "y", signing_key(tmp_path / "other.pem"),
                                                                    "nianbao")["publicKey"]})


def test_a_signed_wacz_still_validates(tmp_path: Path) -> None:
    warc = _warc(tmp_path)
    output = tmp_path / "out.wacz"
    export_wacz([warc], [Page(PDF, "report", SENT_AT)], output, title="test")
    signed = sign_wacz(output, signing_key(tmp_path / "key.pem"), "nianbao")
    ok, log = validate_wacz(output)
    assert ok, log
    with zipfile.ZipFile(output) as wacz:
        digest = json.loads(wacz.read("datapackage-digest.json"))
        stored = {info.filename: info.compress_type for info in wacz.infolist()}
    assert digest["signedData"] == signed and verify_signed_data(signed)
    assert stored[f"archive/{warc.name}"] == zipfile.ZIP_STORED  # still range-readable after the rewrite
