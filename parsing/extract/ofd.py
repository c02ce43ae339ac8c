"""OFD extractor (GB/T 33190): text objects with positions from each page's Content.xml, grouped into lines;
tables from the ruling lines when the page draws them as path objects (else the tab-separated line text).

Coordinates stay in OFD millimetres, origin top-left: a TextCode's X/Y are relative to its object's
Boundary, Y is the baseline.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from kernel.errors import ParseError
from parsing.extract import ofd_grid
from parsing.types import Extraction, Table

NS = {"ofd": "http://www.ofdspec.org/2016"}


@dataclass(frozen=True)
class Glyphs:
    """One TextCode run: its text, where its baseline starts (x, y) and its font size (all mm)."""

    text: str
    x: float
    y: float
    size: float


def extract(data: bytes) -> Extraction:
    """Read every page of every document in the package."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not an OFD: bad zip file ({exc})") from exc
    with package:
        names = set(package.namelist())
        if "OFD.xml" not in names:
            raise ParseError("not an OFD: the zip has no OFD.xml")
        texts: list[str] = []
        tables: list[Table] = []
        pages = 0
        for doc_root in _xpath(_xml(package, "OFD.xml"), "//ofd:DocBody/ofd:DocRoot/text()"):
            for number, content in enumerate(_page_paths(package, str(doc_root).strip().lstrip("/")), start=pages + 1):
                page_text, page_tables = _page(_xml(package, content), number)
                texts.append(page_text)
                tables.extend(page_tables)
                pages += 1
    if pages == 0:
        raise ParseError("OFD package has no pages (no DocRoot or no Page in Document.xml)")
    return Extraction(text="\n".join(texts), tables=tables, pages=pages, source_kind="ofd")


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        return etree.fromstring(package.read(name))
    except KeyError as exc:
        raise ParseError(f"OFD package lacks {name}") from exc
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"OFD {name} is not well-formed XML: {exc}") from exc


def _xpath(node: etree._Element, path: str) -> list[etree._Element]:
    found = node.xpath(path, namespaces=NS)
    return list(found) if isinstance(found, list) else []


def _page_paths(package: zipfile.ZipFile, document: str) -> list[str]:
    base = posixpath.dirname(document)
    locs = _xpath(_xml(package, document), "//ofd:Pages/ofd:Page/@BaseLoc")
    return [posixpath.normpath(posixpath.join(base, str(loc).lstrip("/"))) for loc in locs]


def _numbers(raw: str | None) -> list[float]:
    return [float(v) for v in (raw or "").split() if _is_number(v)]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _page(root: etree._Element, number: int) -> tuple[str, list[Table]]:
    glyphs = [g for obj in _xpath(root, "//ofd:TextObject") for g in _text_object(obj)]
    segments = [s for obj in _xpath(root, "//ofd:PathObject") for s in _path_segments(obj)]
    tables = ofd_grid.tables(segments, [(g.text, g.x, g.y, g.size) for g in glyphs], number)
    inside = [t.bbox for t in tables if t.bbox]
    outside = [g for g in glyphs if not any(ofd_grid.contains(b, g.x, g.y - g.size / 3) for b in inside)]
    blocks = [(y, line) for y, line in _lines(outside)] + [(t.bbox[1] if t.bbox else 0.0, t.as_text()) for t in tables]
    return "\n".join(text for _, text in sorted(blocks, key=lambda b: b[0])), tables


def _text_object(obj: etree._Element) -> list[Glyphs]:
    box = _numbers(obj.get("Boundary")) or [0.0, 0.0]
    size = float(obj.get("Size") or 3.5)
    out = []
    for code in _xpath(obj, "ofd:TextCode"):
        if code.text and code.text.strip():
            out.append(Glyphs(code.text, box[0] + float(code.get("X") or 0), box[1] + float(code.get("Y") or 0), size))
    return out


def _path_segments(obj: etree._Element) -> list[tuple[float, float, float, float]]:
    """Straight segments of an AbbreviatedData path (M/L moves), in page coordinates."""
    box = _numbers(obj.get("Boundary")) or [0.0, 0.0]
    data = _xpath(obj, "ofd:AbbreviatedData/text()")
    tokens = " ".join(str(d) for d in data).split()
    out, here, i = [], (0.0, 0.0), 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens) + 0 and _is_number(tokens[i + 1]) and _is_number(tokens[i + 2]):
            point = (box[0] + float(tokens[i + 1]), box[1] + float(tokens[i + 2]))
            if op == "L":
                out.append((here[0], here[1], point[0], point[1]))
            here, i = point, i + 3
        else:
            i += 1
    return out


def _lines(glyphs: list[Glyphs]) -> list[tuple[float, str]]:
    """Runs on one baseline (within a third of the font size) joined; a gap of two characters → tab."""
    rows: list[list[Glyphs]] = []
    for g in sorted(glyphs, key=lambda g: (g.y, g.x)):
        if rows and abs(rows[-1][0].y - g.y) <= g.size / 3:
            rows[-1].append(g)
        else:
            rows.append([g])
    out = []
    for row in rows:
        row.sort(key=lambda g: g.x)
        parts = [row[0].text]
        for prev, g in zip(row, row[1:], strict=False):
            end = prev.x + len(prev.text) * prev.size
            parts.append(("\t" if g.x - end > 2 * g.size else "") + g.text)
        out.append((row[0].y, "".join(parts)))
    return out
