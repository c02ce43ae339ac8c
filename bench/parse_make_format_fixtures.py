"""Write the spreadsheet, OFD and scanned-PDF fixtures from the sample-web fixtures (run by hand; deterministic).

Each is the same report as an existing sample-web fixture in another format, so its golden cells are that
fixture's golden cells (computed from the numbers the sample web printed):

- ``*_scanned.pdf``: every page of the PDF rendered at 150 dpi, blur and fixed-seed specks, as an image-only PDF;
- ``*.xlsx`` / ``*.xls``: the DOCX's paragraphs as one-cell rows, its tables with their merged cells;
- ``*.ofd``: the PDF's words as TextObjects and its ruling lines as PathObjects (GB/T 33190 package).

    .venv/bin/python bench/parse_make_format_fixtures.py
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber
import pypdfium2
import xlwt
from docx import Document
from docx.oxml.ns import qn
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from parsing.extract.docx import _read_table
from parsing.types import Table

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests/fixtures/parsing"
DOCS, GOLDEN = FIXTURES / "documents", FIXTURES / "golden"
MM = 25.4 / 72


def scanned_pdf(pdf: bytes, seed: int = 7) -> bytes:
    """An image-only PDF (reportlab, invariant): each page rendered in grey at 150 dpi, blurred a little,
    with fixed-seed specks, thresholded to a bilevel fax-like scan."""
    rng = random.Random(seed)
    source, data = pypdfium2.PdfDocument(pdf), io.BytesIO()
    out = canvas.Canvas(data, invariant=1)
    for i in range(len(source)):
        width, height = source[i].get_size()
        image = source[i].render(scale=150 / 72).to_pil().convert("L").filter(ImageFilter.GaussianBlur(0.6))
        pixels = image.load()
        for _ in range(image.width * image.height // 5000):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 90, 255))
        bilevel = image.point(lambda v: 0 if v < 150 else 255).convert("1", dither=Image.Dither.NONE)
        out.setPageSize((width, height))
        out.drawImage(ImageReader(bilevel), 0, 0, width, height)
        out.showPage()
    out.save()
    return data.getvalue()


def docx_blocks(docx: bytes) -> list[str | Table]:
    body = Document(io.BytesIO(docx)).element.body
    out: list[str | Table] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            if text:
                out.append(text)
        elif child.tag == qn("w:tbl"):
            out.append(_read_table(child))
    return out


def sheet_rows(blocks: list[str | Table]) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) for a sheet: prose one cell a row, a blank row around each table."""
    cells, row = [], 0
    for block in blocks:
        if isinstance(block, str):
            cells.append((row, 0, 1, 1, block))
            row += 1
            continue
        row += 1
        for line in block.rows:
            cells.extend((row + c.row, c.col, c.rowspan, c.colspan, c.text) for c in line)
        row += block.n_rows + 1
    return cells


def xlsx(cells: list[tuple[int, int, int, int, str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "年报"
    for r, c, rs, cs, text in cells:
        sheet.cell(r + 1, c + 1, int(text) if text.isdigit() else text)
        if rs > 1 or cs > 1:
            sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs, end_column=c + cs)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps and core-property dates (byte-identical reruns)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2023-01-20T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, (2023, 1, 20, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xls(cells: list[tuple[int, int, int, int, str]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("年报")
    for r, c, rs, cs, text in cells:
        value: Any = int(text) if text.isdigit() else text
        if rs > 1 or cs > 1:
            sheet.write_merge(r, r + rs - 1, c, c + cs - 1, value)
        else:
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ofd(pdf: bytes) -> bytes:
    """An OFD package with one page per PDF page: words as TextObjects, lines and rect edges as PathObjects."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            pages.append(_ofd_page(page))
        width, height = doc.pages[0].width * MM, doc.pages[0].height * MM
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    ofd_xml = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.1" DocType="OFD"><ofd:DocBody>'
               '<ofd:DocInfo><ofd:DocID>nianbao-fixture</ofd:DocID><ofd:CreationDate>2023-01-20</ofd:CreationDate>'
               '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    page_refs = "".join(f'<ofd:Page ID="{i + 2}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
                f'<ofd:MaxUnitID>{10000}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width:.2f} {height:.2f}'
                '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
                f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
    res = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
           '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in [("OFD.xml", ofd_xml), ("Doc_0/Document.xml", document), ("Doc_0/PublicRes.xml", res)] + [
                (f"Doc_0/Pages/Page_{i}/Content.xml", p) for i, p in enumerate(pages)]:
            package.writestr(zipfile.ZipInfo(name, (2023, 1, 20, 0, 0, 0)), body.encode(), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _ofd_page(page: Any) -> str:
    from xml.sax.saxutils import escape

    objects, uid = [], 1000
    for word in page.extract_words(keep_blank_chars=False, use_text_flow=True, x_tolerance=1.5):
        uid += 1
        size = (word["bottom"] - word["top"]) * MM
        x, top, w = word["x0"] * MM, word["top"] * MM, (word["x1"] - word["x0"]) * MM
        objects.append(f'<ofd:TextObject ID="{uid}" Boundary="{x:.2f} {top:.2f} {w:.2f} {size * 1.2:.2f}" Font="1" '
                       f'Size="{size:.2f}"><ofd:TextCode X="0" Y="{size * 0.88:.2f}">{escape(word["text"])}'
                       '</ofd:TextCode></ofd:TextObject>')
    edges = [(e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.edges]
    for x0, top, x1, bottom in edges:
        uid += 1
        x0, top, x1, bottom = x0 * MM, top * MM, x1 * MM, bottom * MM
        path = f"M 0 0 L {x1 - x0:.2f} 0" if bottom - top < 0.1 else f"M 0 0 L 0 {bottom - top:.2f}"
        objects.append(f'<ofd:PathObject ID="{uid}" Boundary="{x0:.2f} {top:.2f} {max(x1 - x0, 0.1):.2f} '
                       f'{max(bottom - top, 0.1):.2f}" LineWidth="0.25"><ofd:AbbreviatedData>{path}'
                       '</ofd:AbbreviatedData></ofd:PathObject>')
    return ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
            f'<ofd:Layer ID="999">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def derived_golden(source: str, name: str, kind: str, checked: str) -> None:
    golden = json.loads((GOLDEN / f"{Path(source).stem}.json").read_text(encoding="utf-8"))
    golden.update({"document": name, "kind": kind, "checked": checked})
    path = GOLDEN / f"{Path(name).stem}_{Path(name).suffix[1:]}.json"
    if not path.exists():  # a golden checked by hand is never overwritten
        path.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    office2020 = (DOCS / "sampleweb_pingluo_office_2020.pdf").read_bytes()
    office2022 = (DOCS / "sampleweb_pingluo_office_2022.pdf").read_bytes()
    cells = sheet_rows(docx_blocks((DOCS / "sampleweb_pingluo_baofeng_2022.docx").read_bytes()))
    outputs = {"sampleweb_pingluo_office_2020_scanned.pdf": scanned_pdf(office2020),
               "sampleweb_pingluo_baofeng_2022.xlsx": xlsx(cells), "sampleweb_pingluo_baofeng_2022.xls": xls(cells),
               "sampleweb_pingluo_office_2022.ofd": ofd(office2022)}
    for name, data in outputs.items():
        (DOCS / name).write_bytes(data)
    derived_golden("sampleweb_pingluo_office_2020.pdf", "sampleweb_pingluo_office_2020_scanned.pdf", "scanned_pdf",
                   "cells of sampleweb_pingluo_office_2020.pdf, whose page images this is")
    for ext in ("xlsx", "xls"):
        derived_golden("sampleweb_pingluo_baofeng_2022.docx", f"sampleweb_pingluo_baofeng_2022.{ext}", ext,
                       "cells of sampleweb_pingluo_baofeng_2022.docx, whose paragraphs and tables this sheet holds")
    derived_golden("sampleweb_pingluo_office_2022.pdf", "sampleweb_pingluo_office_2022.ofd", "ofd",
                   "cells of sampleweb_pingluo_office_2022.pdf, whose words and ruling lines this package holds")


if __name__ == "__main__":
    main()
