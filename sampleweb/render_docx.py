"""Render a ReportDoc as a byte-stable .docx (python-docx, real Word tables with merged cells)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from sampleweb.document import Block, ReportDoc
from sampleweb.grid import Grid, place

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _add_grid(document: docx.document.Document, grid: Grid) -> None:
    """A ruled table: texts are set on the unmerged grid first, then each span's corners are merged."""
    placed, n_rows, n_cols = place(grid)
    table = document.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    cells = table._cells  # one O(n) walk; table.cell() would repeat it for every lookup
    for p in placed:
        cell = cells[p.row * n_cols + p.col]
        cell.text = p.cell.text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for p in placed:
        if p.cell.rowspan > 1 or p.cell.colspan > 1:
            cells[p.row * n_cols + p.col].merge(cells[p.last_row * n_cols + p.last_col])


def _add_block(document: docx.document.Document, block: Block) -> None:
    if block.kind == "table" and block.grid is not None:
        _add_grid(document, block.grid)
        document.add_paragraph()
    elif block.kind == "title":
        para = document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(block.text)
        run.bold = True
        run.font.size = Pt(18)
    elif block.kind == "heading":
        document.add_paragraph().add_run(block.text).bold = True
    else:
        document.add_paragraph(block.text).paragraph_format.first_line_indent = Pt(24)


def _stabilise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member timestamps so equal documents give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def report_docx(doc: ReportDoc, created: dt.date) -> bytes:
    """The report as .docx bytes; ``created`` fills the core properties instead of the clock."""
    document = docx.Document()
    stamp = dt.datetime(created.year, created.month, created.day, 9, 0, 0)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = doc.title, doc.unit_name, doc.unit_name
    props.created, props.modified, props.revision = stamp, stamp, 1
    for block in doc.blocks:
        _add_block(document, block)
    buf = io.BytesIO()
    document.save(buf)
    return _stabilise_zip(buf.getvalue())
