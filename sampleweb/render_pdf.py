"""Render a ReportDoc as a deterministic A4 PDF (reportlab, built-in STSong-Light CID font, ruled tables)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sampleweb.document import Block, ReportDoc
from sampleweb.grid import Grid, place

FONT = "STSong-Light"
CONTENT_WIDTH = A4[0] - 40 * mm
# Column widths (mm) per table shape, keyed by column count; label columns first.
_WIDTHS = {4: (46, 42, 42, 40), 10: (18, 22, 46, 12, 12, 12, 12, 12, 12, 12), 15: (11.3,) * 15}


def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=19, wordWrap="CJK", firstLineIndent=22)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER,
                                firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, spaceBefore=6),
        "para": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, firstLineIndent=0,
                               alignment=TA_CENTER),
    }


def grid_table(grid: Grid, cell_style: ParagraphStyle) -> Table:
    """A ruled reportlab Table with SPAN commands for every merged cell."""
    placed, n_rows, n_cols = place(grid)
    data: list[list[object]] = [[""] * n_cols for _ in range(n_rows)]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
    ]
    for p in placed:
        data[p.row][p.col] = Paragraph(escape(p.cell.text), cell_style) if p.cell.text else ""
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            commands.append(("SPAN", (p.col, p.row), (p.last_col, p.last_row)))
    widths = [w * mm for w in _WIDTHS.get(n_cols, (CONTENT_WIDTH / mm / n_cols,) * n_cols)]
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=0)


def _flowable(block: Block, styles: dict[str, ParagraphStyle]) -> Flowable:
    if block.kind == "table" and block.grid is not None:
        return grid_table(block.grid, styles["cell"])
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
