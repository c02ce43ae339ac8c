"""Render a ReportDoc as a minimal OFD (GB/T 33190: a zip of XML — OFD.xml, Document.xml, one Content.xml a page)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from xml.sax.saxutils import escape

from sampleweb.document import ReportDoc

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
LINES_PER_PAGE = 40
LINE_MM = 6.5


def _lines(doc: ReportDoc) -> list[str]:
    out: list[str] = []
    for block in doc.blocks:
        if block.kind == "table" and block.grid is not None:
            out.extend(" ".join(cell.text for cell in row if cell.text) for row in block.grid)
        else:
            out.extend(block.text[i:i + 38] for i in range(0, max(len(block.text), 1), 38))
    return out


def _ofd_xml(doc: ReportDoc) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD {NS} Version="1.0" DocType="OFD">'
            f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{hashlib.sha256(doc.title.encode()).hexdigest()[:32]}</ofd:DocID>"
            f"<ofd:Title>{escape(doc.title)}</ofd:Title><ofd:Author>{escape(doc.unit_name)}</ofd:Author>"
            "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")


def _document_xml(n_pages: int) -> str:
    pages = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(n_pages))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document {NS}><ofd:CommonData>'
            f"<ofd:MaxUnitID>{10 + n_pages}</ofd:MaxUnitID><ofd:PageArea>"
            "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{pages}</ofd:Pages></ofd:Document>")


PUBLIC_RES = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
              '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')


def _page_xml(lines: list[str]) -> str:
    objects = "".join(
        f'<ofd:TextObject ID="{100 + i}" Boundary="20 {25 + i * LINE_MM:.1f} 170 {LINE_MM}" Font="1" Size="4.2">'
        f'<ofd:TextCode X="0" Y="4.2">{escape(line)}</ofd:TextCode></ofd:TextObject>'
        for i, line in enumerate(lines))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page {NS}><ofd:Content><ofd:Layer ID="2">'
            f"{objects}</ofd:Layer></ofd:Content></ofd:Page>")


def report_ofd(doc: ReportDoc) -> bytes:
    """The report as OFD bytes: every line of text in reading order, tables one row a line; byte-stable."""
    lines = _lines(doc)
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    members = {"OFD.xml": _ofd_xml(doc), "Doc_0/Document.xml": _document_xml(len(pages)),
               "Doc_0/PublicRes.xml": PUBLIC_RES}
    members |= {f"Doc_0/Pages/Page_{i}/Content.xml": _page_xml(chunk) for i, chunk in enumerate(pages)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, text.encode("utf-8"))
    return out.getvalue()
