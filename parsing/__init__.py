"""The parsing stage: documents (PDF, DOCX, DOC, HTML, text) to the report schema.

`parse_document` and `ParseResult` are loaded on first use (PEP 562): a process that only needs a part of the
package — the crawl, storing identities and parse outcomes — does not load the extractors' libraries (OpenCV,
pdfplumber, pdfium, openpyxl, python-docx); the parse workers do.
"""

from typing import Any

from parsing.version import PARSER_VERSION

__all__ = ["PARSER_VERSION", "ParseResult", "parse_document"]


def __getattr__(name: str) -> Any:
    if name in ("ParseResult", "parse_document"):
        from parsing import report

        return getattr(report, name)
    raise AttributeError(f"module 'parsing' has no attribute {name!r}")
