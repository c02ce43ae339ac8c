"""Image-only reports (图片版): a report page whose body is a run of scanned page images is parsed from its images.

The page and its images are archived as WARC response records (archive.writer, as the crawl's recorder writes them),
and the page's parse job names where its images are; a parse worker reads them back and parses them joined, in page
order, as one scanned document (parsing/image_pages.py). The images are a generated scan (sampleweb.scans), so every
table cell is checked against its truth.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from archive.records import HttpExchange, payload_sha256
from archive.writer import RecordLocation, WarcWriter
from kernel import report as rk
from kernel.config import Config
from lifecycle.parse_stage import ParseJob, ParseJobResult, ParseStage
from parsing.image_pages import parse_report_page
from parsing.tree import get_path
from sampleweb.render_html import report_html
from sampleweb.scans import CLEAN, Scan, make_scan, report_doc

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SITE = "http://www.example.gov.cn"
KNOBS = replace(CLEAN, dpi=200, rotation=1.2, noise=4.0, jpeg_quality=70, seal=True)


def page_html(title: str, images: list[str], body: str = "") -> bytes:
    pictures = "".join(f'<p style="text-align:center"><img src="{src}" alt=""></p>' for src in images)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div class="article">'
            f"<h1>{title}</h1>{body}{pictures}</div></body></html>").encode()


def archived(writer: WarcWriter, url: str, media_type: str, body: bytes) -> RecordLocation:
    exchange = HttpExchange(url=url, method="GET", request_headers=[("User-Agent", "nianbao-test")],
                            request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                            response_headers=[("Content-Type", media_type)], response_body=body, sent_at=NOW)
    _request, response = writer.write(writer.builder.capture(exchange))
    return response


@pytest.fixture(scope="module")
def scan() -> Scan:
    return make_scan("image-page", KNOBS)


@pytest.fixture(scope="module")
def parsed(scan: Scan, tmp_path_factory: pytest.TempPathFactory) -> ParseJobResult:
    """The page's parse job, run by a parse worker as in a crawl (the images archived after the page)."""
    home = tmp_path_factory.mktemp("image-report")
    config = Config(home=home, database_url=f"sqlite:///{home / 'nianbao.db'}", warc_dir=home / "warcs")
    urls = [f"{SITE}/uploadfiles/2024/scan-{i + 1}.jpg" for i in range(len(scan.sheets))]
    page = page_html(f"{scan.unit_name}{scan.report_year}年政府信息公开工作年度报告", urls)
    with WarcWriter(config.warc_dir, clock=lambda: NOW) as writer:
        at = archived(writer, f"{SITE}/art/2024/1.html", "text/html; charset=utf-8", page)
        images = [archived(writer, url, "image/jpeg", sheet) for url, sheet in zip(urls, scan.sheets, strict=True)]
    job = ParseJob(payload_sha256=payload_sha256(page), warc_dir=str(config.warc_dir), warc_file=at.filename,
                   warc_offset=at.offset, url=f"{SITE}/art/2024/1.html", media_type="text/html",
                   images=tuple((image.filename, image.offset) for image in images))
    stage = ParseStage(workers=1, timeout=config.parse_timeout, memory_limit_mb=config.parse_memory_mb)
    results: list[ParseJobResult] = []
    try:
        stage.submit(job)
        stage.drain(results.append)
    finally:
        stage.close()
    (result,) = results
    return result


def test_an_image_only_report_page_is_parsed_from_its_images(scan: Scan, parsed: ParseJobResult) -> None:
    assert parsed.ok, parsed.reason
    record = parsed.record
    assert record is not None and parsed.is_report and parsed.source_kind == rk.KIND_IMAGE
    assert (record[rk.UNIT_NAME], record[rk.REPORT_YEAR]) == (scan.unit_name, scan.report_year)
    assert any("image(s) on its page" in w for w in parsed.warnings)


def test_its_table_cells_come_right_or_flagged(scan: Scan, parsed: ParseJobResult) -> None:
    """The images are joined in page order: table 2 is on the first image, tables 3 and 4 on the next."""
    assert parsed.record is not None
    cells = {path: get_path(parsed.record, path) for path in scan.cells}
    exact = [p for p, cell in cells.items() if cell is not None and cell["value"] == scan.cells[p]]
    unflagged = [p for p, cell in cells.items() if p not in exact and not (cell and cell["uncertain"])]
    assert len(exact) / len(scan.cells) >= 0.97 and not unflagged, unflagged


def test_a_page_with_its_own_tables_keeps_its_parse(scan: Scan) -> None:
    """A page that prints its tables in HTML is the report; its pictures are not read (no OCR, no scan kind)."""
    doc, _ = report_doc(scan.seed)
    title = f"{doc.unit_name}{doc.report_year}年政府信息公开工作年度报告"
    page = page_html(title, [f"{SITE}/uploadfiles/photo.jpg"], body=report_html(doc, with_title=False))
    result = parse_report_page(page, [scan.sheets[0]], url=f"{SITE}/art/2024/2.html", media_type="text/html")
    assert result.source_kind == rk.KIND_HTML_INLINE and result.record[rk.TABLE3]
    assert not any("OCR" in w or "image(s)" in w for w in result.warnings)


def test_a_page_without_images_is_parsed_as_a_page() -> None:
    page = page_html("某县2024年政府信息公开工作年度报告", [])
    result = parse_report_page(page, [], url=f"{SITE}/art/2024/3.html", media_type="text/html")
    assert result.source_kind == rk.KIND_HTML_INLINE and not result.record[rk.TABLE3]
