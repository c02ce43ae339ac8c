"""The PDF extractor gives the same text and tables whether pdfium or pdfminer reads the page objects.

``parsing.extract.pdf`` has pypdfium2 read each page's chars and ruling lines (``pdf_objects``) and pdfplumber lay
them out; ``extract(data, pdfium_objects=False)`` has pdfminer read them, as pdfplumber does by itself. Both must
give the same text (exactly: not even whitespace may differ) and the same tables, cell by cell (text, row, column,
page; cell boxes within 0.01 pt), on generated reports of several sites, on the real PDFs of the fixtures and the
research corpus, and on synthetic pages with what pdfium and pdfminer place differently unless converted with care
(page rotation, a MediaBox not at the origin, form XObjects, rotated and scaled text, curves). The pdfium route
must really be taken for those, and must hand a page back to pdfminer where it cannot be exact.

OCR is replaced by a stub here: which pages go to OCR is compared, not what OCR reads (tests/parsing/test_scans.py).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from parsing.extract import pdf
from parsing.types import Extraction
from sampleweb.generated import build_site, generated_specs
from tests.conftest import REPO

SITES = 4
FIXTURES = REPO / "tests" / "fixtures"
REAL = sorted((FIXTURES / "parsing" / "documents").glob("*.pdf")) + sorted(
    (REPO.parent / "shared" / "research-corpus" / "pdf").glob("*.pdf"))
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    cache = tmp_path_factory.mktemp("sites")
    reports = [(f"site {i} {path}", resource.body)
               for i, spec in enumerate(generated_specs(SITES))
               for path, resource in build_site(spec, cache).items() if path.endswith(".pdf")]
    assert len(reports) >= 20
    return reports


@pytest.fixture(autouse=True)
def ocr_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf.ocr, "ocr_pdf_page", lambda data, index: (f"OCR page {index + 1}", []))


@pytest.fixture
def routes(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of pages whose objects pdfium gave ("pdfium") and pages handed back to pdfminer ("pdfminer")."""
    counts = {"pdfium": 0, "pdfminer": 0}
    convert = pdf.page_objects

    def counted(pdfium_page: Any, page: Any) -> Any:
        try:
            objects = convert(pdfium_page, page)
        except Exception:
            counts["pdfminer"] += 1
            raise
        counts["pdfium"] += 1
        return objects

    monkeypatch.setattr(pdf, "page_objects", counted)
    return counts


def _cells(extraction: Extraction) -> list[list[tuple[int, int, int, str]]]:
    return [[(c.row, c.col, c.page, c.text) for row in t.rows for c in row] for t in extraction.tables]


def _boxes(extraction: Extraction) -> Iterator[tuple[float, ...]]:
    for table in extraction.tables:
        yield table.bbox
        yield from (cell.bbox for row in table.rows for cell in row)


def assert_same(data: bytes, name: str) -> Extraction:
    fast, reference = pdf.extract(data), pdf.extract(data, pdfium_objects=False)
    assert fast.text == reference.text, name
    assert _cells(fast) == _cells(reference), name
    for got, want in zip(_boxes(fast), _boxes(reference), strict=True):
        assert got == pytest.approx(want, abs=0.01), name
    assert (fast.pages, fast.warnings, fast.meta) == (reference.pages, reference.warnings, reference.meta), name
    return fast


def test_generated_reports_read_the_same_through_pdfium(generated: list[tuple[str, bytes]],
                                                        routes: dict[str, int]) -> None:
    for name, data in generated:
        assert assert_same(data, name).tables, name
    assert routes["pdfminer"] == 0
    assert routes["pdfium"] >= 2 * len(generated)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_pdfs_read_the_same_through_pdfium(path: Path, routes: dict[str, int]) -> None:
    extraction = assert_same(path.read_bytes(), path.name)
    if "scanned" in path.name:  # no text layer: pdfminer reads the page, finds nothing, OCR reads it
        assert routes == {"pdfium": 0, "pdfminer": extraction.pages}
        assert extraction.meta["ocr_pages"]
    else:
        assert routes["pdfium"] >= 1


def test_owner_password_pdf_keeps_its_tables_through_pdfium() -> None:
    """The one difference: pdfminer reads this encrypted (no user password) file's STSong text as (cid:N)
    placeholders, so its route takes pypdfium2's text and drops the tables; pdfium reads the text itself."""
    data = (FIXTURES / "bad" / "encrypted-no-password.pdf").read_bytes()
    fast, reference = pdf.extract(data), pdf.extract(data, pdfium_objects=False)
    assert fast.text == reference.text
    assert reference.warnings == ["pdfplumber gave (cid:N) placeholders for the text; text from pypdfium2, "
                                  "no tables"]
    assert fast.warnings == [] and "(cid:" not in fast.text


def _table(c: canvas.Canvas, x: float, y: float) -> None:
    c.setLineWidth(0.5)
    for r in range(4):
        c.line(x, y - r * 20, x + 300, y - r * 20)
    for k in range(4):
        c.line(x + k * 100, y, x + k * 100, y - 60)
    c.setFont("ZH", 10)
    for r in range(3):
        for k in range(3):
            c.drawString(x + k * 100 + 5, y - r * 20 - 14, f"格{r}{k} 数 {r * 10 + k}.5%")


def _page(c: canvas.Canvas, duplicate: bool) -> None:
    c.setFont("ZH", 14)
    c.drawString(72, 780, "政府信息公开工作年度报告 title")
    if duplicate:  # fake bold: the title drawn again a little to the right, which pdfium's text page drops
        c.drawString(72.3, 780, "政府信息公开工作年度报告 title")
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "Helvetica, a standard font: 12345.")
    c.setFont("STSong-Light", 11)
    c.drawString(72, 740, "宋体非嵌入字体的一行文字")
    c.saveState()  # Tz stays in the graphics state after the text object
    text = c.beginText(72, 720)
    text.setFont("ZH", 12)
    text.setHorizScale(80)
    text.textLine("水平缩放的一行文字 scaled")
    c.drawText(text)
    c.restoreState()
    _table(c, 72, 700)
    c.roundRect(72, 500, 200, 60, 10)
    c.setDash(3, 2)
    c.rect(300, 500, 100, 50)
    c.setDash()
    c.rect(72, 420, 300, 40, fill=1, stroke=0)
    c.saveState()
    c.translate(300, 300)
    c.rotate(45)
    c.setFont("ZH", 40)
    c.drawString(0, 0, "仅供参考")
    c.restoreState()
    c.saveState()
    c.scale(0.8, 0.8)
    c.doForm("header")
    c.restoreState()


def _synthetic(rotation: int = 0, duplicate: bool = False) -> bytes:
    if "ZH" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("ZH", str(ZENHEI), subfontIndex=0))
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setPageRotation(rotation)
    c.beginForm("header")
    c.setFont("ZH", 12)
    c.drawString(72, 300, "表单里的页眉 form header")
    c.line(72, 295, 500, 295)
    c.endForm()
    _page(c, duplicate)
    c.showPage()
    c.setFont("ZH", 12)
    c.drawString(72, 780, "第二页")
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_synthetic_pages_read_the_same_through_pdfium(rotation: int, routes: dict[str, int]) -> None:
    assert assert_same(_synthetic(rotation), f"rotation {rotation}").tables
    assert routes == {"pdfium": 2, "pdfminer": 0}


def test_mediabox_off_the_origin_reads_the_same_through_pdfium(routes: dict[str, int]) -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(_synthetic())
    for index in range(len(doc)):
        doc[index].set_mediabox(20, 30, 600, 850)
        doc[index].set_cropbox(20, 30, 600, 850)
    out = io.BytesIO()
    doc.save(out)
    assert assert_same(out.getvalue(), "offset MediaBox").tables
    assert routes == {"pdfium": 2, "pdfminer": 0}


def test_a_page_pdfium_would_read_differently_goes_to_pdfminer(routes: dict[str, int]) -> None:
    assert_same(_synthetic(duplicate=True), "duplicated title")
    assert routes == {"pdfium": 1, "pdfminer": 1}
