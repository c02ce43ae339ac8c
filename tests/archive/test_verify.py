"""`archive verify`: digests, CDXJ lines and catalogued offsets, with each problem's file and offset."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from archive.cdxj import write_index
from archive.records import RecordBuilder, payload_sha256
from archive.verify import Problem, verify_archive
from archive.writer import RecordLocation, WarcWriter, gzip_member
from storage.catalog import CaptureRow, Catalog, SiteRow, StoredCapture
from storage.crawls import start_crawl
from storage.db import open_catalogue
from tests.archive.warc_helpers import counting_ids, make_exchange, ticking_clock
from tests.conftest import run_nianbao

PDF = "http://www.example.gov.cn/xxgk/ndbg/P020250101.pdf"
PDF_BODY = b"%PDF-1.4 " + bytes(range(256)) * 8


def _archive(directory: Path) -> tuple[Path, list[StoredCapture]]:
    """A finished, indexed WARC with a page and a PDF, and the capture rows that point into it."""
    builder = RecordBuilder(record_id=counting_ids())
    captures = []
    with WarcWriter(directory, clock=ticking_clock(), builder=builder, on_finish=write_index) as writer:
        for number, ex in enumerate([make_exchange(), make_exchange(PDF, response_body=PDF_BODY)], start=1):
            _, response = writer.write(list(builder.capture(ex)))
            captures.append(_stored(number, ex.url, response, payload_sha256(ex.response_body)))
    (warc,) = directory.glob("*.warc.gz")
    return warc, captures


def _stored(number: int, url: str, loc: RecordLocation, sha: str) -> StoredCapture:
    return StoredCapture(id=number, crawl_id=1, url=url, captured_at=datetime.now(UTC), http_status=200,
                         record_type="response", warc_file=loc.filename, warc_offset=loc.offset,
                         warc_length=loc.length, warc_record_id=loc.record_id, payload_sha256=sha,
                         etag=None, last_modified=None)


def test_a_sound_archive_has_no_problem(tmp_path: Path) -> None:
    _, captures = _archive(tmp_path)
    assert verify_archive(tmp_path, captures) == []


def test_a_corrupted_byte_is_reported_at_its_record(tmp_path: Path) -> None:
    warc, captures = _archive(tmp_path)
    pdf = captures[1]
    data = bytearray(warc.read_bytes())
    data[pdf.warc_offset + pdf.warc_length // 2] ^= 0xFF
    warc.write_bytes(bytes(data))

    problems = verify_archive(tmp_path, captures)

    assert Problem(warc.name, pdf.warc_offset, problems[0].problem) == problems[0]
    assert "unreadable gzip member" in problems[0].problem
    assert any(p.file == warc.name + ".cdxj" and p.offset == pdf.warc_offset for p in problems)
    assert any(p.offset == pdf.warc_offset and "capture 2" in p.problem for p in problems)
    assert not any(p.offset == captures[0].warc_offset for p in problems)  # the page before it still reads


def test_a_changed_payload_fails_its_digest(tmp_path: Path) -> None:
    warc, captures = _archive(tmp_path)
    pdf = captures[1]  # the last record: re-compressing it moves no other record
    data = warc.read_bytes()
    member = gzip.decompress(data[pdf.warc_offset :]).replace(b"%PDF-1.4", b"%PDF-1.5")
    warc.write_bytes(data[: pdf.warc_offset] + gzip_member(member))

    problems = verify_archive(tmp_path, [captures[0]])

    assert [(p.file, p.offset) for p in problems] == [(warc.name, pdf.warc_offset)]
    assert "digest" in problems[0].problem


def test_a_wrong_catalogue_offset_is_reported(tmp_path: Path) -> None:
    warc, captures = _archive(tmp_path)
    wrong = StoredCapture(**{**captures[1].__dict__, "warc_offset": captures[1].warc_offset + 1})

    problems = verify_archive(tmp_path, [captures[0], wrong])

    assert [str(p) for p in problems] == [
        f"file={warc.name} offset={wrong.warc_offset} problem=capture 2 url={PDF}: no readable record at this offset"]


def test_cli_exits_1_and_names_file_and_offset(tmp_path: Path) -> None:
    home = tmp_path / "data"
    _, captures = _archive(home / "warcs")
    catalog = Catalog(open_catalogue(f"sqlite:///{home / 'nianbao.db'}"))
    catalog.upsert_site(SiteRow("t", "test", "http://www.example.gov.cn/"))
    crawl = start_crawl(catalog.sessions, "t", datetime.now(UTC))
    for cap, length in zip(captures, (captures[0].warc_length, 7), strict=True):
        catalog.record_capture(CaptureRow(
            crawl_id=crawl, url=cap.url, captured_at=cap.captured_at, http_status=200, record_type="response",
            warc_file=cap.warc_file, warc_offset=cap.warc_offset, warc_length=length,
            warc_record_id=cap.warc_record_id, payload_sha256=cap.payload_sha256, payload_size=1, media_type=None))

    out = run_nianbao(["archive", "verify"], {"NIANBAO_HOME": str(home)})

    assert out.returncode == 1, out.stderr[-2000:]
    assert out.stdout.splitlines() == [
        f"file={captures[1].warc_file} offset={captures[1].warc_offset} problem=capture 2 url={PDF}: "
        f"record length is {captures[1].warc_length}, catalogue says 7"]
    assert run_nianbao(["archive", "index"], {"NIANBAO_HOME": str(home)}).returncode == 0
