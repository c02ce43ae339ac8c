"""HTML extractor: charset from bytes and <meta>, lxml text and tables (spans expanded), the page metadata block.

Hostile pages are bounded here: control bytes are dropped before lxml sees the text (a NUL would become U+FFFD
inside a word), a page nested past libxml2's depth limit is parsed again without its wrapper tags (libxml2 drops
everything below level 256), and a table is read up to limits.MAX_TABLE_ROWS rows."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from kernel.errors import ParseError
from parsing.extract.limits import MAX_TABLE_ROWS, rows_cut_warning
from parsing.extract.text import decode_bytes
from parsing.identity_meta import page_metadata
from parsing.normalize import clean_space
from parsing.rules import CONTENT_XPATHS
from parsing.types import Cell, Extraction, Table

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "blockquote", "pre", "center", "dd", "dt", "dl", "hr"}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object")
_MAX_SPAN = 100
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Tags that only wrap, taken out of a page nested too deep: block wrappers become line breaks, inline ones vanish.
_BLOCK_WRAPPERS = re.compile(r"</?(?:div|section|article|center|blockquote)\b[^>]*>", re.I)
_INLINE_WRAPPERS = re.compile(r"</?(?:span|font|strong|b|i|em|u|a|label)\b[^>]*>", re.I)
_TABLE_ROWS = "./tr|./thead/tr|./tbody/tr|./tfoot/tr"


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (<meta charset> or http-equiv)."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def extract(data: bytes) -> Extraction:
    """Text of the article body (tables inline as tab rows), its tables, the title and metadata block."""
    if not data.strip():
        raise ParseError("empty HTML document")
    declared = declared_charset(data)
    text, encoding = decode_bytes(data, declared)
    doc, warnings = _parse(_CONTROL_CHARS.sub("", _XML_DECL.sub("", text)))
    for bad in doc.xpath("//" + "|//".join(_DROP_TAGS)):
        bad.drop_tree()
    meta = _page_meta(doc)
    meta["encoding"] = encoding
    root = _content_root(doc)
    tables: list[Table] = []
    parts: list[str] = []
    _render(root, parts, tables)
    body_text = _tidy("".join(parts))
    if root is doc.body:
        warnings.append("no known article container; rendered the whole body")
    warnings += [rows_cut_warning(n) for t in root.iter("table") if (n := len(t.xpath(_TABLE_ROWS))) > MAX_TABLE_ROWS]
    return Extraction(text=body_text, tables=tables, source_kind="html", meta=meta, warnings=warnings)


def _parse(text: str) -> tuple[Any, list[str]]:
    """The page's tree and what had to be done to get it: a page nested past libxml2's depth limit is parsed again
    with its wrapper tags taken out; ParseError when even that is too deep, or lxml cannot read it."""
    doc, too_deep = _parse_tree(text)
    if not too_deep:
        return doc, []
    doc, too_deep = _parse_tree(_INLINE_WRAPPERS.sub("", _BLOCK_WRAPPERS.sub("<br>", text)))
    if too_deep:
        raise ParseError("HTML nested deeper than libxml2's 256 levels even without its div/span/font wrappers: "
                         "everything below would be lost, so it is not parsed — open the page by hand")
    return doc, ["HTML nested deeper than libxml2's 256 levels: parsed again without its div/span/font wrappers"]


def _parse_tree(text: str) -> tuple[Any, bool]:
    """The tree lxml makes of ``text``, and whether libxml2 cut it at its depth limit."""
    parser = lxml.html.HTMLParser()
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unreadable HTML: {exc}") from exc
    return doc, any("Excessive depth" in error.message for error in parser.error_log)


def _content_root(doc: Any) -> Any:
    for xpath in CONTENT_XPATHS:
        found = doc.xpath(xpath)
        if found and len(clean_space(found[0].text_content())) >= 50:
            return found[0]
    body = doc.body if doc.find("body") is not None or doc.tag == "html" else doc
    return body


def _page_meta(doc: Any) -> dict[str, str]:
    parts: list[str] = []
    _render(doc, parts, [])
    return page_metadata(doc, _tidy("".join(parts)))


def _render(el: Any, out: list[str], tables: list[Table]) -> None:
    """Append the element's text to ``out``; tables become tab rows and go to ``tables``."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        table = read_table(el)
        tables.append(table)
        out.append("\n" + table.as_text() + "\n")
        out.append(el.tail or "")
        return
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if tag and el.text:
        out.append(el.text)
    for child in el:
        _render(child, out, tables)
    if tag in _BLOCK_TAGS:
        out.append("\n")
    if el.tail:
        out.append(el.tail)


def _tidy(text: str) -> str:
    lines = [clean_space(line) for line in text.replace("\xa0", " ").split("\n")]
    lines = [line if "\t" not in line else line.strip() for line in lines]
    return "\n".join(line for line in lines if line.strip())


def read_table(tbl: Any) -> Table:
    """A table with rowspan/colspan placed on the grid (occupied positions skipped, like a browser)."""
    rows: list[list[Cell]] = []
    occupied: set[tuple[int, int]] = set()
    trs = tbl.xpath(_TABLE_ROWS)[:MAX_TABLE_ROWS]
    for r, tr in enumerate(trs):
        row: list[Cell] = []
        col = 0
        for td in tr.xpath("./td|./th"):
            while (r, col) in occupied:
                col += 1
            rowspan = min(_span(td.get("rowspan")), len(trs) - r)
            colspan = _span(td.get("colspan"))
            row.append(Cell(text=_cell_text(td), row=r, col=col, rowspan=rowspan, colspan=colspan))
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    occupied.add((rr, cc))
            col += colspan
        rows.append(row)
    return Table(rows=rows)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()), _MAX_SPAN))
    except ValueError:
        return 1


def _cell_text(td: Any) -> str:
    parts: list[str] = [td.text or ""]
    nested: list[Table] = []
    for child in td:
        _render(child, parts, nested)
    lines = [clean_space(x) for x in "".join(parts).replace("\xa0", " ").split("\n")]
    return "\n".join(x for x in lines if x)
