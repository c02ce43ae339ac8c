"""WarcWriter: files read back by warcio, byte-exact output, rotation, close/rename behaviour."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.utils import Digester

from archive.reader import read_record
from archive.records import RecordBuilder, payload_sha256, warc_sha256
from archive.writer import RecordLocation, WarcWriter, gzip_member
from kernel.errors import ArchiveError
from tests.archive.warc_helpers import HTML, counting_ids, make_exchange, read_all, ticking_clock, warcio_check

NAME_RX = re.compile(r"^nianbao-\d{20}-\d{5}\.warc\.gz$")


def _writer(directory: Path, **kwargs: object) -> WarcWriter:
    builder = RecordBuilder(record_id=counting_ids())
    return WarcWriter(directory, clock=ticking_clock(), builder=builder, **kwargs)  # type: ignore[arg-type]


def test_exchange_round_trip(tmp_path: Path) -> None:
    ex = make_exchange()
    with _writer(tmp_path, info={"operator": "nianbao tests"}) as writer:
        request, response = writer.builder.capture(ex)
        locations = writer.write([request, response])
    (path,) = tmp_path.iterdir()
    assert NAME_RX.match(path.name) and locations[0].filename == path.name
    assert warcio_check(path) == 0

    (info_type, info, info_block), (req_type, req, req_block), (resp_type, resp, resp_block) = read_all(path)
    assert (info_type, req_type, resp_type) == ("warcinfo", "request", "response")
    assert b"format: WARC File Format 1.1\r\n" in info_block and b"operator: nianbao tests\r\n" in info_block
    assert re.search(rb"software: nianbao/\S+ warcio/1\.", info_block)
    assert req["WARC-Concurrent-To"] == resp["WARC-Record-ID"]
    assert resp["WARC-Concurrent-To"] == req["WARC-Record-ID"]
    assert resp["WARC-Date"] == ["2026-11-22T07:36:00.123456Z"]

    digester = Digester("sha256")
    digester.update(resp_block)
    assert resp_block == ex.response_body
    assert resp["WARC-Payload-Digest"] == [str(digester)] == [warc_sha256(ex.response_body)]
    assert payload_sha256(resp_block) == hashlib.sha256(ex.response_body).hexdigest()

    read = read_record(tmp_path, locations[1].filename, locations[1].offset)
    assert read.http_status == 200
    assert [v for k, v in read.http_headers if k == "Set-Cookie"] == [
        "JSESSIONID=abc; Path=/",
        "SERVERID=s1; Path=/",
    ]
    assert read.payload == HTML and read.raw_payload == ex.response_body
    request_line = read_record(tmp_path, path.name, locations[0].offset).headers
    assert request_line.get_header("WARC-Target-URI").endswith("index.html?page=2&y=2025")
    raw = gzip.decompress(path.read_bytes())
    assert b"\r\nGET /xxgk/ndbg/index.html?page=2&y=2025 HTTP/1.1\r\n" in raw


def test_locations_are_gzip_members(tmp_path: Path) -> None:
    with _writer(tmp_path) as writer:
        locations = writer.write(list(writer.builder.capture(make_exchange())))
    data = (tmp_path / locations[0].filename).read_bytes()
    for location in locations:
        member = gzip.decompress(data[location.offset : location.offset + location.length])
        assert location.record_id.encode() in member.split(b"\r\n\r\n", 1)[0]
    assert locations[1].offset + locations[1].length == len(data)


def test_two_writers_write_identical_bytes(tmp_path: Path) -> None:
    for name in ("one", "two"):
        with _writer(tmp_path / name, info={"hostname": "fixed"}) as writer:
            writer.write(list(writer.builder.capture(make_exchange())))
            writer.write(list(writer.builder.capture(make_exchange(url="http://www.example.gov.cn/2.pdf"))))
    (one,) = (tmp_path / "one").iterdir()
    (two,) = (tmp_path / "two").iterdir()
    assert one.name == two.name == "nianbao-20261122073600123456-00000.warc.gz"
    assert one.read_bytes() == two.read_bytes()


def test_rotation_keeps_batches_whole(tmp_path: Path) -> None:
    all_locations: list[RecordLocation] = []
    with _writer(tmp_path, max_size=2000) as writer:
        for n in range(8):
            ex = make_exchange(url=f"http://www.example.gov.cn/{n}.html", response_body=bytes(range(256)) * 3)
            all_locations += writer.write(list(writer.builder.capture(ex)))
            assert writer.current_path is None or writer.current_path.name.endswith(".warc.gz.open")
    files = sorted(tmp_path.iterdir())
    assert len(files) > 2
    assert all(NAME_RX.match(f.name) for f in files)
    assert [int(f.name[-13:-8]) for f in files] == list(range(len(files)))
    seen = []
    for path in files:
        records = read_all(path)
        assert records[0][0] == "warcinfo"
        assert records[0][1]["WARC-Filename"] == [path.name]
        assert [t for t, _, _ in records[1:]] == ["request", "response"] * ((len(records) - 1) // 2)
        seen += [h["WARC-Record-ID"][0] for _, h, _ in records[1:]]
        assert warcio_check(path) == 0
    assert seen == [loc.record_id for loc in all_locations]
    for pair in zip(all_locations[::2], all_locations[1::2], strict=True):
        assert pair[0].filename == pair[1].filename


def test_open_file_is_renamed_on_close_and_close_is_idempotent(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    assert writer.current_path is None and writer.write([]) == []
    assert list(tmp_path.iterdir()) == []
    writer.write(list(writer.builder.capture(make_exchange())))
    open_path = writer.current_path
    assert open_path is not None and open_path.name.endswith(".warc.gz.open") and open_path.exists()
    writer.close()
    writer.close()
    assert not open_path.exists()
    assert [p.name for p in tmp_path.iterdir()] == [open_path.name.removesuffix(".open")]
    with pytest.raises(ArchiveError, match="closed"):
        writer.write(list(writer.builder.capture(make_exchange())))


def test_file_name_collision_takes_next_serial(tmp_path: Path) -> None:
    (tmp_path / "nianbao-20261122073600123456-00000.warc.gz").write_bytes(b"")
    with _writer(tmp_path) as writer:
        location = writer.write(list(writer.builder.capture(make_exchange())))[0]
    assert location.filename == "nianbao-20261122073600123456-00001.warc.gz"


@pytest.mark.parametrize("kind", ["deflated-already", "text"])
def test_a_record_that_does_not_compress_is_stored_and_reads_back_whole(tmp_path: Path, kind: str) -> None:
    """Random bytes stand for a PDF's or an image's deflated streams; a long page of text compresses."""
    body = os.urandom(300_000) if kind == "deflated-already" else ("<p>平罗县政府信息公开年报</p>\n" * 12_000).encode()
    with _writer(tmp_path) as writer:
        locations = writer.write(list(writer.builder.capture(make_exchange(response_body=body))))
    (path,) = tmp_path.glob("*.warc.gz")
    response = locations[1]
    member = path.read_bytes()[response.offset:response.offset + response.length]
    record = gzip.decompress(member)
    if kind == "deflated-already":  # stored: a few bytes of framing per 64 KB block, never a bigger record
        assert len(record) < len(member) < len(record) * 1.01
    else:
        assert len(member) < len(record) / 10
    assert read_record(tmp_path, path.name, response.offset).payload == body
    assert warcio_check(path) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.binary(min_size=1, max_size=20_000),
                          st.text(min_size=1, max_size=5_000).map(lambda t: t.encode("utf-8") * 8)),
                min_size=1, max_size=8))
def test_every_record_reads_back_whole_whether_stored_or_deflated(parts: list[bytes]) -> None:
    """Any mix of incompressible and compressible bytes, on either side of the sampling size: one gzip member
    that gives back exactly the bytes, never much bigger than them."""
    data = b"".join(parts)
    member = gzip_member(data)
    assert gzip.decompress(member) == data
    assert len(member) <= len(data) + len(data) // 1000 + 64
