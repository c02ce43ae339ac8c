"""Builders of small real documents for parser tests: PDF (reportlab CID font) and DOCX (python-docx)."""

from __future__ import annotations

import io


def make_pdf(text: str) -> bytes:
    """A PDF with ``text`` set in the built-in CID font STSong-Light, wrapped at 38 characters a line."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    y = 800.0
    for line in text.split("\n"):
        chunks = [line[i : i + 38] for i in range(0, len(line), 38)] or [""]
        for chunk in chunks:
            if y < 50:
                pdf.showPage()
                y = 800.0
            pdf.setFont("STSong-Light", 12)
            pdf.drawString(40, y, chunk)
            y -= 16
    pdf.save()
    return out.getvalue()


def make_docx(text: str) -> bytes:
    """A DOCX: runs of tab-separated lines become Word tables, other lines paragraphs."""
    from docx import Document

    document = Document()
    block: list[list[str]] = []

    def flush() -> None:
        if not block:
            return
        width = max(len(r) for r in block)
        table = document.add_table(rows=len(block), cols=width)
        for r, cells in enumerate(block):
            for c, value in enumerate(cells + [""] * (width - len(cells))):
                table.cell(r, c).text = value
        block.clear()

    for line in text.split("\n"):
        if "\t" in line:
            block.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            document.add_paragraph(line.strip())
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
