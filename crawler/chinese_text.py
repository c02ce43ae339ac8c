"""Pages that do not say their charset are read as GB18030 when they are not UTF-8.

Scrapy guesses an undeclared charset with charset-normalizer, which takes a short GBK page (a list page with one
link: a few hundred bytes of hanzi) for Korean (cp949): its links come out as mojibake, their report titles are not
recognised and the reports are never fetched. County sites that leave out the charset are GBK/GB18030 sites, and
GB18030 decodes every GBK byte sequence, so this middleware decides before Scrapy guesses: UTF-8 if the body is
valid UTF-8, else GB18030 if it is valid GB18030; only a body neither decodes is left to Scrapy's guess. A declared
charset (header, <meta>, BOM) always wins — except that GBK and GB2312 (and their aliases) are read as GB18030, the
superset that decodes every one of their pages and the characters they leave out, as browsers do (w3lib ≥ 2.6 no
longer widens them itself). The archived bytes are untouched: only the spider's reading changes.
"""

from __future__ import annotations

from scrapy.http import Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

FALLBACK = "gb18030"
# What w3lib resolves GBK, GB2312, CP936, EUC-CN… to: read as its superset GB18030.
NARROW_CHINESE = frozenset({"gbk", "gb2312", "cp936", "euc_cn", "euc-cn", "x-gbk"})


def undeclared_encoding(body: bytes) -> str | None:
    """The charset to read an undeclared body with: utf-8, gb18030, or None (neither decodes it)."""
    for encoding in ("utf-8", FALLBACK):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


class UndeclaredCharsetMiddleware:
    """Downloader middleware: a text response without a declared charset gets the one `undeclared_encoding`
    picks."""

    def process_response(self, request: object, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        declared = http_content_type_encoding(content_type) or read_bom(response.body)[0] \
            or html_body_declared_encoding(response.body)
        if declared:
            return response.replace(encoding=FALLBACK) if declared.lower() in NARROW_CHINESE else response
        encoding = undeclared_encoding(response.body)
        return response.replace(encoding=encoding) if encoding else response
