"""Render a ReportDoc as a deterministic A4 PDF with embedded font subsets and ruled tables (reportlab).

Real reports are exported from WPS or Word with a subset of every font they use embedded (a title face,
黑体 headings, 仿宋 body, 宋体 tables, Times New Roman digits): 200 KB to 2 MB for a few pages. The
sample reports do the same with the fonts Debian ships — the three faces of WenQuanYi Zen Hei for the
CJK roles and Liberation Serif (metrics of Times New Roman) for table numbers — so their size, and the
share of a crawl they make up, is that of a real report rather than of a font-less 11 KB file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sampleweb.document import Block, ReportDoc
from sampleweb.errors import SampleWebBuildError
from sampleweb.grid import Grid, place

CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
LATIN_FONT_FILE = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")
# Registered name → (font file, face index in the collection); one embedded subset each.
_FONTS = {
    "WQY-ZenHei": (CJK_FONT_FILE, 0),  # title and tables (小标宋 / 宋体 in real reports)
    "WQY-ZenHeiSharp": (CJK_FONT_FILE, 2),  # headings (黑体)
    "WQY-ZenHeiMono": (CJK_FONT_FILE, 1),  # body text (仿宋_GB2312)
    "LiberationSerif": (LATIN_FONT_FILE, 0),  # numbers in table cells (Times New Roman)
}
FONT = "WQY-ZenHei"
NUMBER_FONT = "LiberationSerif"
CONTENT_WIDTH = A4[0] - 40 * mm
# Column widths (mm) per table shape, keyed by column count; label columns first.
_NUMBER = re.compile(r"[0-9.,%-]+")
_WIDTHS = {4: (46, 42, 42, 40), 10: (18, 22, 46, 12, 12, 12, 12, 12, 12, 12), 15: (11.3,) * 15}


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, (path, index) in _FONTS.items():
        if name in registered:
            continue
        if not path.exists():
            raise SampleWebBuildError(
                f"cannot build the PDF reports: font file={path} missing; install the Debian packages "
                "fonts-wqy-zenhei and fonts-liberation")
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))


def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = ParagraphStyle("body", fontName="WQY-ZenHeiMono", fontSize=11, leading=19, wordWrap="CJK",
                          firstLineIndent=22)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT, fontSize=18, leading=28,
                                alignment=TA_CENTER, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=base, fontName="WQY-ZenHeiSharp", fontSize=12, spaceBefore=6),
        "para": base,
        "cell": ParagraphStyle("cell", parent=base, fontName=FONT, fontSize=8, leading=10, firstLineIndent=0,
                               alignment=TA_CENTER),
        "number": ParagraphStyle("number", parent=base, fontName=NUMBER_FONT, fontSize=8, leading=10,
                                 firstLineIndent=0, alignment=TA_CENTER),
    }


def _cell(text: str, styles: dict[str, ParagraphStyle]) -> Paragraph:
    style = styles["number"] if _NUMBER.fullmatch(text) else styles["cell"]
    return Paragraph(escape(text), style)


def grid_table(grid: Grid, styles: dict[str, ParagraphStyle]) -> Table:
    """A ruled reportlab Table with SPAN commands for every merged cell."""
    placed, n_rows, n_cols = place(grid)
    data: list[list[object]] = [[""] * n_cols for _ in range(n_rows)]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
    ]
    for p in placed:
        data[p.row][p.col] = _cell(p.cell.text, styles) if p.cell.text else ""
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            commands.append(("SPAN", (p.col, p.row), (p.last_col, p.last_row)))
    widths = [w * mm for w in _WIDTHS.get(n_cols, (CONTENT_WIDTH / mm / n_cols,) * n_cols)]
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=0)


def _flowable(block: Block, styles: dict[str, ParagraphStyle]) -> Flowable:
    if block.kind == "table" and block.grid is not None:
        return grid_table(block.grid, styles)
    return Paragraph(escape(block.text), styles[block.kind])


def report_pdf(doc: ReportDoc) -> bytes:
    """The report as PDF bytes; identical bytes for identical input (reportlab invariant mode)."""
    styles = _styles()
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm, bottomMargin=20 * mm,
        title=doc.title, author=doc.unit_name, creator="", producer="", invariant=1,
    )
    story: list[Flowable] = []
    for block in doc.blocks:
        story.append(_flowable(block, styles))
        if block.kind == "table":
            story.append(Spacer(1, 4 * mm))
    pdf.build(story)
    return buf.getvalue()
