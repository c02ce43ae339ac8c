"""Removing a body's Content-Encoding (gzip, deflate, br): the archive's one decompression of wire bytes."""

from __future__ import annotations

import gzip
import zlib

from kernel.errors import ArchiveError


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """The body with its Content-Encoding (gzip, deflate, br, identity) removed."""
    coding = (content_encoding or "").strip().lower()
    try:
        if coding in ("", "identity"):
            return body
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
        if coding == "br":
            return _brotli_decode(body)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"cannot remove content-encoding={coding}: {exc}") from exc
    raise ArchiveError(f"unknown content-encoding={coding}")


def _brotli_decode(body: bytes) -> bytes:
    # Not warcio's br decoder: warcio 1.8.1's breaks with brotli >= 1.2 (it sets an attribute on the Decompressor).
    try:
        import brotli
    except ImportError as exc:
        raise ArchiveError("payload is brotli-encoded but the brotli package is not installed") from exc
    try:
        return bytes(brotli.decompress(body))
    except brotli.error as exc:
        raise ArchiveError(f"cannot remove content-encoding=br: {exc}") from exc
