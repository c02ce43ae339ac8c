"""PDF extractor: pdfplumber for text and ruled tables (cell bboxes), pypdfium2 for text when pdfplumber fails."""

from __future__ import annotations

import io
import logging
from typing import Any

import pdfplumber
import pypdfium2

from kernel.errors import ParseError
from parsing.extract import ocr
from parsing.types import Cell, Extraction, Table

log = logging.getLogger(__name__)


def extract(data: bytes) -> Extraction:
    """Read every page's text and tables; fall back to pypdfium2 text-only when pdfplumber fails."""
    if not data.startswith(b"%PDF"):
        raise ParseError("not a PDF: missing %PDF header")
    try:
        return _extract_pdfplumber(data)
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        first_error = f"{type(exc).__name__}: {exc}"
    log.info("parser=pdfplumber status=failed reason=%s", first_error)
    try:
        text, pages = _extract_pdfium_text(data)
    except Exception as exc:  # pdfium raises PdfiumError and others on broken files
        raise ParseError(f"unreadable PDF: pdfplumber: {first_error}; pypdfium2: {exc}") from exc
    warning = f"pdfplumber failed ({first_error}); text from pypdfium2, no tables"
    return Extraction(text=text, pages=pages, source_kind="pdf", warnings=[warning])


def _extract_pdfplumber(data: bytes) -> Extraction:
    texts: list[str] = []
    tables: list[Table] = []
    warnings: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n_pages = len(pdf.pages)
        if n_pages == 0:
            raise ParseError("PDF has no pages")
        for number, page in enumerate(pdf.pages, start=1):
            texts.append(page.extract_text() or "")
            tables.extend(_page_tables(page, number))
    meta: dict[str, str] = {}
    scanned = [i for i, t in enumerate(texts) if not t.strip()]
    for index in scanned:  # a page without a text layer is a scan: OCR it
        texts[index], page_tables = ocr.ocr_pdf_page(data, index)
        tables.extend(page_tables)
    if scanned:
        meta["ocr_pages"] = ",".join(str(i + 1) for i in scanned)
        warnings.append(f"text of page(s) {meta['ocr_pages']} from OCR (tesseract {ocr.LANG})")
    text = "\n".join(texts)
    return Extraction(text=text, tables=tables, pages=n_pages, source_kind="pdf", warnings=warnings, meta=meta)


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
    doc = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            texts.append(textpage.get_text_range())
        return "\n".join(texts).replace("\r\n", "\n"), len(doc)
    finally:
        doc.close()
