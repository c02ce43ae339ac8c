"""Render a ReportDoc as the HTML fragment a TRS editor would store (TRS_Editor paragraphs and ruled tables)."""

from __future__ import annotations

from html import escape

from sampleweb.document import Block, ReportDoc
from sampleweb.grid import Cell, Grid

_P_STYLE = 'style="text-indent: 2em; line-height: 1.75em; font-family: 仿宋_GB2312; font-size: 16pt;"'


def _cell_html(cell: Cell) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    align = "center" if not cell.header or len(cell.text) < 8 else "left"
    text = escape(cell.text) if cell.text else "&nbsp;"
    return f'<td{attrs} valign="middle" align="{align}"><p>{text}</p></td>'


def grid_html(grid: Grid) -> str:
    """A ``<table>`` with rowspan/colspan exactly as the grid says."""
    rows = "\n".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in grid)
    return (
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        f'style="border-collapse: collapse; width: 100%;">\n<tbody>\n{rows}\n</tbody>\n</table>'
    )


def _block_html(block: Block) -> str:
    if block.kind == "title":
        return f'<p align="center" style="text-align: center;"><strong>{escape(block.text)}</strong></p>'
    if block.kind == "heading":
        return f"<p {_P_STYLE}><strong>{escape(block.text)}</strong></p>"
    if block.kind == "table" and block.grid is not None:
        return grid_html(block.grid)
    return f"<p {_P_STYLE}>{escape(block.text)}</p>"


def report_html(doc: ReportDoc, with_title: bool = True) -> str:
    """The whole report as HTML paragraphs and tables (no page chrome)."""
    blocks = [b for b in doc.blocks if with_title or b.kind != "title"]
    return "\n".join(_block_html(b) for b in blocks)
