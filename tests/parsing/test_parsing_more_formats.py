"""Spreadsheets, OFD packages and OCR (images, scanned PDF pages) on real files and real tesseract."""

from __future__ import annotations

import io
import zipfile

import pypdfium2
from PIL import Image, ImageDraw, ImageFont

from parsing import parse_document
from parsing.extract import detect_kind, extract
from parsing.types import Table
from tests.parsing.golden import DOCUMENTS

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _table_with(tables: list[Table], label: str) -> Table:
    return next(t for t in tables if label in t.as_text())


def test_xlsx_merged_cells_keep_their_spans() -> None:
    found = extract((DOCUMENTS / "sampleweb_pingluo_baofeng_2022.xlsx").read_bytes())
    table3 = _table_with(found.tables, "本年新收")
    results = next(c for row in table3.rows for c in row if c.text == "三、本年度办理结果")
    assert results.rowspan > 10 and results.colspan == 1
    assert found.source_kind == "xlsx" and found.text.startswith("平罗县宝丰镇人民政府\n2022年政府信息公开")


def test_xls_reads_the_same_tables_as_xlsx() -> None:
    xls = extract((DOCUMENTS / "sampleweb_pingluo_baofeng_2022.xls").read_bytes(), filename="a.xls")
    xlsx = extract((DOCUMENTS / "sampleweb_pingluo_baofeng_2022.xlsx").read_bytes())
    assert xls.source_kind == "xls"
    assert [t.text_rows() for t in xls.tables] == [t.text_rows() for t in xlsx.tables]


def test_xlsx_report_source_kind_is_xls() -> None:
    result = parse_document((DOCUMENTS / "sampleweb_pingluo_baofeng_2022.xlsx").read_bytes(), filename="r.xlsx")
    assert result.record["source_kind"] == "xls"
    assert result.record["table2"]["art20_8"]["admin_fees"]["fee_amount_wan"]["value"] == 66.83


def test_ofd_tables_come_from_ruling_lines_with_positions() -> None:
    found = extract((DOCUMENTS / "sampleweb_pingluo_office_2022.ofd").read_bytes())
    assert found.source_kind == "ofd" and found.pages == 3
    table3 = _table_with(found.tables, "本年新收")
    corner = table3.rows[0][0]
    assert (corner.rowspan, corner.colspan) == (3, 3) and corner.page == 2 and corner.bbox is not None
    assert "一、本年新收政府信息公开申请数量\t0\t5\t0\t1\t0\t1\t7" in found.text


def _ofd(content: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("OFD.xml", f"<ofd:OFD {OFD_NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                                    "</ofd:DocBody></ofd:OFD>")
        package.writestr("Doc_0/Document.xml", f'<ofd:Document {OFD_NS}><ofd:Pages><ofd:Page ID="1" '
                                               'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
        package.writestr("Doc_0/Pages/Page_0/Content.xml", content)
    return out.getvalue()


def _text_object(x: float, y: float, text: str) -> str:
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 80 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4">{text}'
            "</ofd:TextCode></ofd:TextObject>")


def test_ofd_without_ruling_lines_gives_tab_separated_lines() -> None:
    objects = _text_object(20, 20, "行政处罚") + _text_object(120, 20.5, "21") + _text_object(20, 30, "第二行")
    found = extract(_ofd(f"<ofd:Page {OFD_NS}><ofd:Content><ofd:Layer>{objects}</ofd:Layer></ofd:Content></ofd:Page>"))
    assert detect_kind(_ofd("<x/>")) == "ofd"
    assert found.text == "行政处罚\t21\n第二行" and found.tables == []


def test_image_ocr_reads_a_ruled_table_into_cells_flagged_as_ocr() -> None:
    image = Image.new("L", (900, 260), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, 30)
    draw.text((40, 20), "行政复议情况", font=font, fill=0)
    for y in (90, 160, 230):
        draw.line([(40, y), (860, y)], fill=0, width=2)
    for x in (40, 520, 860):
        draw.line([(x, 90), (x, 230)], fill=0, width=2)
    for y, label, number in ((105, "维持具体行政行为", "12"), (175, "纠正具体行政行为", "30")):
        draw.text((60, y), label, font=font, fill=0)
        draw.text((640, y), number, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    found = extract(buffer.getvalue(), filename="scan.png")
    assert found.source_kind == "image" and "行政复议" in found.text
    (table,) = found.tables
    assert [row[1].text for row in table.rows] == ["12", "30"]
    assert all(c.ocr and c.page == 1 and c.bbox for row in table.rows for c in row)


def test_pdf_page_without_text_layer_is_ocred() -> None:
    scanned = pypdfium2.PdfDocument(DOCUMENTS / "sampleweb_pingluo_office_2020_scanned.pdf")
    one_page = pypdfium2.PdfDocument.new()
    one_page.import_pages(scanned, [1])  # the page with tables 2 and 3
    buffer = io.BytesIO()
    one_page.save(buffer)
    found = extract(buffer.getvalue())
    assert found.meta["ocr_pages"] == "1" and "本年新收" in found.text
    assert found.tables and all(c.ocr and c.page == 1 for t in found.tables for row in t.rows for c in row)
