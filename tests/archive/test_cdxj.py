"""CDXJ indexes: exact lines for a hand-built WARC, written when a file closes, rebuilt for a directory."""

from __future__ import annotations

from pathlib import Path

from archive.cdxj import cdxj_lines, index_directory, index_path, write_index
from archive.records import RecordBuilder
from archive.writer import WarcWriter
from tests.archive.warc_helpers import SENT_AT, counting_ids, make_exchange, ticking_clock

NAME = "nianbao-20261122073600123456-00000.warc.gz"
PAGE = "http://www.example.gov.cn/xxgk/ndbg/index.html?page=2&y=2025"
PDF = "http://www.example.gov.cn/xxgk/ndbg/P020250101.pdf"


def _small_warc(directory: Path, **writer_args: object) -> Path:
    """warcinfo, a page (request, response, metadata: not indexed) and a PDF (request, response)."""
    builder = RecordBuilder(record_id=counting_ids())
    writer = WarcWriter(directory, clock=ticking_clock(), builder=builder, info={"hostname": "fixed"},
                        **writer_args)  # type: ignore[arg-type]
    with writer:
        request, response = builder.capture(make_exchange())
        meta = builder.metadata(PAGE, SENT_AT, {"outlink": [f"{PDF} 年度报告"]}, concurrent_to="<urn:uuid:x>")
        writer.write([request, response, meta])
        pdf = make_exchange(PDF, response_headers=[("Content-Type", "application/pdf")],
                            response_body=b"%PDF-1.4 report")
        writer.write(list(builder.capture(pdf)))
    return directory / NAME


def test_exact_lines_of_a_small_warc(tmp_path: Path) -> None:
    warc = _small_warc(tmp_path)
    assert cdxj_lines(warc) == [
        'cn,gov,example)/xxgk/ndbg/index.html?page=2&y=2025 20261122073600 {"url": "' + PAGE + '", '
        '"mime": "text/html", "status": "200", '
        '"digest": "sha256:XZGBZ43XGRRQ3HHAGCS5RRWXJZECKMKMPQOLI3SXSE2ONM57UHTA====", '
        '"length": "606", "offset": "756", "filename": "' + NAME + '"}',
        'cn,gov,example)/xxgk/ndbg/p020250101.pdf 20261122073600 {"url": "' + PDF + '", '
        '"mime": "application/pdf", "status": "200", '
        '"digest": "sha256:GRDHV2YWG6GQTDHYX7TCNYSSBRP3HSSEDCHMTCHCU6GMFC2KSSQQ====", '
        '"length": "397", "offset": "2103", "filename": "' + NAME + '"}',
    ]


def test_index_is_written_when_the_file_closes(tmp_path: Path) -> None:
    warc = _small_warc(tmp_path, on_finish=write_index)
    assert index_path(warc).read_text(encoding="utf-8").splitlines() == cdxj_lines(warc)


def test_index_directory_rebuilds_every_index(tmp_path: Path) -> None:
    warc = _small_warc(tmp_path)
    assert index_directory(tmp_path, only_missing=True) == [index_path(warc)]
    index_path(warc).write_text("stale\n", encoding="utf-8")
    assert index_directory(tmp_path, only_missing=True) == []
    assert index_directory(tmp_path) == [index_path(warc)]
    assert index_path(warc).read_text(encoding="utf-8").splitlines() == cdxj_lines(warc)
