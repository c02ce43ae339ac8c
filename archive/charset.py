"""How a Chinese county site's page is read as text: one rule for the crawler (crawler/chinese_text.py) and the
archive's metadata records (archive/page_metadata.py), so both read the same characters off the same bytes.

A declared charset (Content-Type header, BOM, <meta>) wins — except that GBK and GB2312 (and their aliases) are
read as GB18030, the superset that decodes every one of their pages and the characters they leave out, as browsers
do (w3lib ≥ 2.6 no longer widens them itself). An undeclared page is UTF-8 if its bytes are valid UTF-8, else
GB18030 if they are valid GB18030 (county sites that leave out the charset are GBK sites; a statistical guess takes
a short GBK page for Korean); only bytes neither decodes are left to w3lib's guess.
"""

from __future__ import annotations

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

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


def page_encoding(content_type: str | None, body: bytes) -> tuple[str | None, bool]:
    """(the charset to read the page with, whether the page declared one); (None, False) leaves it to a guess."""
    declared = http_content_type_encoding(content_type or "") or read_bom(body)[0] or html_body_declared_encoding(body)
    if declared:
        return (FALLBACK if declared.lower() in NARROW_CHINESE else declared), True
    return undeclared_encoding(body), False


def page_text(content_type: str | None, body: bytes) -> str:
    """The page's text by the rule above (undecodable bytes replaced), as Scrapy's ``response.text`` reads it
    once the crawler set its encoding."""
    encoding, _ = page_encoding(content_type, body)
    if encoding is None:
        return html_to_unicode(content_type, body)[1]
    return html_to_unicode(f"charset={encoding}", body)[1]
