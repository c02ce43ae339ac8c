"""Pages that do not say their charset are read as GB18030 when they are not UTF-8 (the rule: archive/charset.py).

Scrapy guesses an undeclared charset with charset-normalizer, which takes a short GBK page (a list page with one
link: a few hundred bytes of hanzi) for Korean (cp949): its links come out as mojibake, their report titles are not
recognised and the reports are never fetched. This middleware decides before Scrapy guesses, by the archive's rule,
so that the spider and the page's metadata record read the same text. The archived bytes are untouched: only the
spider's reading changes.
"""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from archive.charset import FALLBACK, page_encoding


class UndeclaredCharsetMiddleware:
    """Downloader middleware: a text response gets the charset `archive.charset.page_encoding` picks, when that
    differs from what Scrapy would read (a GBK-family declaration, or none)."""

    def process_response(self, request: object, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        encoding, declared = page_encoding(content_type, response.body)
        if declared:
            return response.replace(encoding=FALLBACK) if encoding == FALLBACK else response
        return response.replace(encoding=encoding) if encoding else response
