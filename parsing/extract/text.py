"""Plain-text extractor: detect the encoding (BOM, UTF-8, GB18030 family via charset-normalizer) and decode."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from kernel.errors import ParseError
from parsing.types import Extraction

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Chinese government sites declare gb2312/gbk but use characters outside them; gb18030 is the superset.
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                     "hz-gb-2312": "gb18030", "euc-cn": "gb18030"}
# Western single-byte charsets decode any bytes, so a declaration of one proves nothing: servers that default to
# ISO-8859-1 label GBK pages with it. Bytes outside ASCII under such a label go through UTF-8 and detection.
_WEAK_DECLARATIONS = {"iso8859-1", "cp1252", "iso8859-15"}


def canonical_encoding(name: str) -> str | None:
    """A Python codec name for a declared charset, widened to its superset; None when unknown."""
    key = name.strip().strip("'\"").lower()
    key = _ENCODING_ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding used). Order: BOM, declared charset, UTF-8, detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if declared:
        declared_enc = canonical_encoding(declared)
        if declared_enc and not (declared_enc in _WEAK_DECLARATIONS and not data.isascii()):
            try:
                return data.decode(declared_enc), declared_enc
            except UnicodeDecodeError:
                pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16"]).best()
    if best is not None and best.encoding:
        detected = canonical_encoding(best.encoding) or best.encoding
        return data.decode(detected, errors="replace"), detected
    return data.decode("gb18030", errors="replace"), "gb18030"


def looks_like_text(data: bytes) -> bool:
    """True when ``data`` has no NUL bytes and almost no control characters."""
    if not data or b"\x00" in data[:65536]:
        return False
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) // 200


def extract(data: bytes) -> Extraction:
    """Decode a plain-text document."""
    if not data.strip():
        raise ParseError("empty text document")
    if not looks_like_text(data):
        raise ParseError("not a text document: binary bytes (NUL or control characters)")
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Extraction(text=text, source_kind="text", meta={"encoding": encoding})
