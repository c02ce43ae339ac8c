"""PDF extractor: pdfplumber for text and ruled tables (cell bboxes), pypdfium2 for text when pdfplumber fails.

pdfplumber's page objects (chars, ruling lines) come from pypdfium2 by way of ``pdf_objects`` — several times
faster than pdfminer interpreting the content streams — and from pdfminer for a page that conversion does not
reproduce exactly (or when pdfium fails on the document)."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pdfplumber
import pypdfium2

from kernel.errors import ParseError
from parsing.extract import ocr
from parsing.extract.limits import check_pdf_streams
from parsing.extract.pdf_objects import page_objects
from parsing.types import Cell, Extraction, Table

log = logging.getLogger(__name__)
_CID = re.compile(r"\(cid:\d+\)")


def extract(data: bytes, *, pdfium_objects: bool = True) -> Extraction:
    """Read every page's text and tables; fall back to pypdfium2 text-only when pdfplumber fails.

    ``pdfium_objects=False`` has pdfminer read every page's objects (the reference the pdfium route is tested
    against)."""
    if not data.startswith(b"%PDF"):
        raise ParseError("not a PDF: missing %PDF header")
    check_pdf_streams(data)
    try:
        return _without_cid_placeholders(_extract_pdfplumber(data, pdfium_objects), data)
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        first_error = f"{type(exc).__name__}: {exc}"
    log.info("parser=pdfplumber status=failed reason=%s", first_error)
    try:
        text, pages = _extract_pdfium_text(data)
    except Exception as exc:  # pdfium raises PdfiumError and others on broken files
        raise _unreadable(first_error, f"{type(exc).__name__}: {exc}") from exc
    warning = f"pdfplumber failed ({first_error}); text from pypdfium2, no tables"
    return Extraction(text=text, pages=pages, source_kind="pdf", warnings=[warning])


def _unreadable(pdfplumber_error: str, pdfium_error: str) -> ParseError:
    both = f"pdfplumber: {pdfplumber_error}; pypdfium2: {pdfium_error}"
    if "password" in both.lower():
        return ParseError(f"encrypted PDF: it opens only with a password ({both}); not parsed — ask the publisher "
                          "for an unprotected copy")
    return ParseError(f"unreadable PDF, damaged or cut short ({both}); not parsed — fetch it again, or open it by "
                      "hand if it stays broken")


def _without_cid_placeholders(extraction: Extraction, data: bytes) -> Extraction:
    """A text that is mostly ``(cid:N)`` placeholders (fonts pdfminer cannot map to Unicode, as in some encrypted
    PDFs) is replaced by pypdfium2's text, and the tables (their cells are placeholders too) are dropped."""
    text = extraction.text
    if len("".join(_CID.findall(text))) * 2 <= len(text):  # placeholders are not half of it
        return extraction
    extraction.text, _pages = _extract_pdfium_text(data)
    extraction.tables = []
    extraction.warnings.append("pdfplumber gave (cid:N) placeholders for the text; text from pypdfium2, no tables")
    return extraction


def _extract_pdfplumber(data: bytes, pdfium_objects: bool) -> Extraction:
    texts: list[str] = []
    tables: list[Table] = []
    warnings: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n_pages = len(pdf.pages)
        if n_pages == 0:
            raise ParseError("PDF has no pages")
        doc = _pdfium_document(data) if pdfium_objects else None
        try:
            for number, page in enumerate(pdf.pages, start=1):
                if doc is not None:
                    _objects_from_pdfium(page, doc, number - 1)
                texts.append(page.extract_text() or "")
                tables.extend(_page_tables(page, number))
        finally:
            if doc is not None:
                doc.close()
    meta: dict[str, str] = {}
    scanned = [i for i, t in enumerate(texts) if not t.strip()]
    for index in scanned:  # a page without a text layer is a scan: OCR it
        texts[index], page_tables = ocr.ocr_pdf_page(data, index)
        tables.extend(page_tables)
    if scanned:
        meta["ocr_pages"] = ",".join(str(i + 1) for i in scanned)
        warnings.append(f"text of page(s) {meta['ocr_pages']} from OCR ({ocr.LANG})")
    text = "\n".join(texts)
    return Extraction(text=text, tables=tables, pages=n_pages, source_kind="pdf", warnings=warnings, meta=meta)


def _pdfium_document(data: bytes) -> pypdfium2.PdfDocument | None:
    try:
        return pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfminer reads the pages then, as it did before
        log.info("parser=pdfium-objects status=failed reason=%s: %s", type(exc).__name__, exc)
        return None


def _objects_from_pdfium(page: Any, doc: pypdfium2.PdfDocument, index: int) -> None:
    """Set pdfplumber ``page``'s objects from pdfium's reading of it; left to pdfminer when that is not exact."""
    try:
        pdfium_page = doc[index]
        try:
            page._objects = page_objects(pdfium_page, page)
        finally:
            pdfium_page.close()
    except Exception as exc:  # Unsupported, or pdfium failing on this page
        log.debug("page %d: objects from pdfminer (%s: %s)", index + 1, type(exc).__name__, exc)


def _page_tables(page: Any, number: int) -> list[Table]:
    out: list[Table] = []
    for found in page.find_tables():
        texts = found.extract()
        rows: list[list[Cell]] = []
        for r, (row, row_texts) in enumerate(zip(found.rows, texts, strict=False)):
            cells = []
            for c, (bbox, text) in enumerate(zip(row.cells, row_texts, strict=False)):
                if bbox is None:  # covered by a merged cell to its left or above
                    continue
                cells.append(Cell(text=(text or "").strip(), row=r, col=c, page=number, bbox=tuple(bbox)))
            rows.append(cells)
        out.append(Table(rows=rows, page=number, bbox=tuple(found.bbox)))
    return out


def _extract_pdfium_text(data: bytes) -> tuple[str, int]:
    texts = _pdfium_pages(data)
    return "\n".join(texts), len(texts)


def _pdfium_pages(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))]
    finally:
        doc.close()
