"""read_record / iter_records: decoding, `.open` files, and clear errors for bad file or offset."""

from __future__ import annotations

import zlib
from pathlib import Path

import brotli
import pytest

from archive.reader import iter_records, read_record
from archive.records import RecordBuilder
from archive.writer import WarcWriter
from kernel.errors import ArchiveError
from tests.archive.warc_helpers import HTML, counting_ids, make_exchange, ticking_clock


def _writer(directory: Path) -> WarcWriter:
    return WarcWriter(directory, clock=ticking_clock(), builder=RecordBuilder(record_id=counting_ids()))


def test_reads_while_open_and_after_rename(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    location = writer.write(list(writer.builder.capture(make_exchange())))[1]
    assert not (tmp_path / location.filename).exists()
    assert (tmp_path / (location.filename + ".open")).exists()
    while_open = read_record(tmp_path, location.filename, location.offset)
    writer.close()
    after_close = read_record(tmp_path, location.filename, location.offset)
    assert while_open.payload == after_close.payload == HTML
    assert while_open.record_type == "response" and while_open.record_id == location.record_id


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [("deflate", zlib.compress), ("br", brotli.compress), ("identity", lambda body: body)],
)
def test_payload_is_decoded(tmp_path: Path, encoding: str, encode) -> None:
    ex = make_exchange(response_headers=[("Content-Encoding", encoding)], response_body=encode(HTML))
    with _writer(tmp_path) as writer:
        location = writer.write(list(writer.builder.capture(ex)))[1]
    read = read_record(tmp_path, location.filename, location.offset)
    assert read.payload == HTML
    assert read.raw_payload == ex.response_body


def test_request_record_has_no_status(tmp_path: Path) -> None:
    ex = make_exchange(method="POST", request_body=b"q=1")
    with _writer(tmp_path) as writer:
        location = writer.write(list(writer.builder.capture(ex)))[0]
    read = read_record(tmp_path, location.filename, location.offset)
    assert read.http_status is None and read.payload == b"q=1"
    assert ("Host", "www.example.gov.cn") in read.http_headers


def test_iter_records_gives_offsets_and_payloads(tmp_path: Path) -> None:
    with _writer(tmp_path) as writer:
        locations = writer.write(list(writer.builder.capture(make_exchange())))
    records = list(iter_records(tmp_path / locations[0].filename))
    assert [r.record_type for r in records] == ["warcinfo", "request", "response"]
    assert [r.offset for r in records[1:]] == [loc.offset for loc in locations]
    assert records[0].payload.startswith(b"software: nianbao/")
    assert records[2].payload == HTML


def test_missing_file_names_file(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=r"file=nope\.warc\.gz"):
        read_record(tmp_path, "nope.warc.gz", 0)


@pytest.mark.parametrize("offset", [7, 10_000_000])
def test_bad_offset_names_file_and_offset(tmp_path: Path, offset: int) -> None:
    with _writer(tmp_path) as writer:
        location = writer.write(list(writer.builder.capture(make_exchange())))[0]
    with pytest.raises(ArchiveError, match=rf"file={location.filename} offset={offset}"):
        read_record(tmp_path, location.filename, offset)
