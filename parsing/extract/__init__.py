"""Format detection and dispatch: ``extract(data)`` picks the extractor for the bytes and returns an Extraction."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from kernel.errors import ParseError
from parsing.extract import doc, docx, html, ocr, ofd, pdf, spreadsheet, text
from parsing.types import Extraction

KINDS = ("pdf", "docx", "doc", "html", "text", "xlsx", "xls", "ofd", "image", "unknown")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table", b"<div", b"<p>", b"<p ")
_EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".html": "html", ".htm": "html",
               ".shtml": "html", ".txt": "text", ".xlsx": "xlsx", ".xls": "xls", ".ofd": "ofd",
               ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}
_MEDIA_TYPES = {"application/pdf": "pdf", "text/html": "html", "application/xhtml+xml": "html",
                "application/msword": "doc", "text/plain": "text",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
                "application/vnd.ms-excel": "xls", "application/wps-office.wps": "doc", "application/ofd": "ofd",
                "image/png": "image", "image/jpeg": "image", "image/tiff": "image"}
EXTRACTORS: dict[str, Callable[[bytes], Extraction]] = {
    "pdf": pdf.extract, "docx": docx.extract, "doc": doc.extract, "html": html.extract, "text": text.extract,
    "xlsx": spreadsheet.extract_xlsx, "xls": spreadsheet.extract_xls, "ofd": ofd.extract, "image": ocr.extract_image,
}


def detect_kind(data: bytes, media_type: str | None = None, filename: str | None = None) -> str:
    """The document kind: magic bytes first, then the media type, then the file extension."""
    by_magic = _kind_from_magic(data)
    if by_magic != "unknown":
        return by_magic
    hinted = _kind_from_hints(media_type, filename)
    if data.startswith(b"PK\x03\x04"):  # a zip we could not place: let the hinted extractor explain why
        return hinted if hinted in ("docx", "xlsx", "ofd") else "unknown"
    if data.startswith(_OLE_MAGIC):
        return hinted if hinted in ("doc", "xls") else "unknown"
    if hinted in ("html", "text") and text.looks_like_text(data):
        return hinted
    if text.looks_like_text(data):
        return "text"
    return "unknown"


def extract(data: bytes, media_type: str | None = None, filename: str | None = None) -> Extraction:
    """Extract text, tables and metadata; ParseError for empty, broken or unsupported input."""
    if not data or not data.strip():
        raise ParseError("empty document (0 bytes or only whitespace)")
    kind = detect_kind(data, media_type, filename)
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        hint = f" (media type {media_type!r}, file {filename!r})" if media_type or filename else ""
        what = "a zip package without word/document.xml" if data.startswith(b"PK\x03\x04") else "bytes"
        raise ParseError(f"unsupported document kind {kind!r}{hint}: {what}, first bytes {data[:8]!r}")
    try:
        return extractor(data)
    except ParseError:
        raise
    except Exception as exc:  # the boundary: no other exception type leaves the parsing stage
        raise ParseError(f"{kind} extractor failed: {type(exc).__name__}: {exc}") from exc


def _kind_from_magic(data: bytes) -> str:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if ocr.looks_like_image(data):
        return "image"
    lowered = data[:4096].lower()
    if head.startswith(b"<") and any(marker in lowered for marker in _HTML_MARKERS):
        return "html"
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "unknown"


def _ole_kind(data: bytes) -> str:
    # Directory entries hold stream names in UTF-16LE: WordDocument (Word, WPS) or Workbook/Book (Excel).
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "unknown"


def _kind_from_hints(media_type: str | None, filename: str | None) -> str:
    if media_type:
        kind = _MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
        if kind:
            return kind
    if filename:
        name = filename.lower().split("?")[0]
        for ext, kind in _EXTENSIONS.items():
            if name.endswith(ext):
                return kind
    return "unknown"
