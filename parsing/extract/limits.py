"""Bomb checks run before an extractor opens a document: how far its compressed parts inflate, counted cheaply.

A hostile or broken file can be a few KB that inflates to gigabytes (a zip entry, a PDF stream deflated twice).
The parse pool's memory limit would stop the worker, but only after it had spent its memory, and with a reason that
says nothing about the file; these checks refuse such a document first, with a ParseError that says what it is.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator

from kernel.errors import ParseError

# A real report, Word or PDF, inflates to tens of MB at most (scanned pages included); 256 MB is far above that.
MAX_INFLATED_BYTES = 256 * 2**20
# The statutory tables have a few dozen rows; a table past this is a data dump, read only this far (with a warning),
# which keeps a page of 10^5 rows inside the per-document time limit.
MAX_TABLE_ROWS = 5000
_CHUNK = 2**20
_STREAM = re.compile(rb"stream\r?\n")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_FLATE = (b"FlateDecode", b"Fl")


def rows_cut_warning(rows: int) -> str:
    """The warning for a table cut at MAX_TABLE_ROWS."""
    return f"a table of {rows} rows: only its first {MAX_TABLE_ROWS} rows read (a report's tables are far smaller)"


def check_zip(data: bytes, kind: str, limit: int = MAX_INFLATED_BYTES) -> None:
    """ParseError when the zip package's entries inflate past ``limit`` in all. The sizes are the ones the
    central directory declares, which Python's zipfile enforces when it reads (a longer entry fails its check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except zipfile.BadZipFile:
        return  # the extractor reports the broken zip itself
    total = sum(info.file_size for info in entries)
    if total > limit:
        largest = max(entries, key=lambda info: info.file_size)
        raise ParseError(f"{kind} zip bomb: its entries inflate to {total // 2**20} MB ({largest.filename} alone "
                         f"{largest.file_size // 2**20} MB), over the {limit // 2**20} MB limit for one document; "
                         "not parsed — a real report is far smaller, check the file by hand")


def check_pdf_streams(data: bytes, limit: int = MAX_INFLATED_BYTES) -> None:
    """ParseError when the PDF's Flate streams inflate past ``limit`` in all (each counted up to what is left).

    Streams are found in the raw bytes (``stream`` after a dictionary naming /FlateDecode filters, up to
    ``endstream``), not through the xref, so a broken cross-reference table hides none of them."""
    left = limit
    for match in _STREAM.finditer(data):
        before = data[max(0, match.start() - 2048):match.start()]
        if before.endswith(b"end") or not before.rstrip().endswith(b">>"):
            continue  # "endstream", or the word in a page's text
        layers = _flate_layers(before)
        if not layers:
            continue
        end = data.find(b"endstream", match.end())
        raw = data[match.end():end if end >= 0 else len(data)]
        left -= _inflated_size(raw, layers, left)
        if left < 0:
            raise ParseError(f"PDF decompression bomb: the stream at byte {match.end()} inflates past the "
                             f"{limit // 2**20} MB limit for one document; not parsed — a real report is far "
                             "smaller, check the file by hand")


def _flate_layers(before: bytes) -> int:
    """How many Flate layers the stream dictionary ending ``before`` asks for (counting stops at another filter)."""
    head = before[before.rfind(b"obj") + 3:] if b"obj" in before else before
    found = _FILTER.search(head)
    if found is None:
        return 0
    layers = 0
    for name in _NAME.findall(found.group(1)):
        if name not in _FLATE:
            break
        layers += 1
    return layers


def _inflated_size(raw: bytes, layers: int, budget: int) -> int:
    """The size ``layers`` rounds of inflate make of ``raw``, counted up to just past ``budget``; a stream that
    does not inflate (damaged, encrypted) counts what came out before the error."""
    chunks: Iterable[bytes] = [raw]
    for _ in range(layers):
        chunks = _inflate(chunks)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > budget:
                break
    except zlib.error:
        pass
    return size


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate a stream of compressed chunks, yielding at most _CHUNK bytes at a time (never the whole)."""
    inflater = zlib.decompressobj()
    for chunk in chunks:
        while chunk and not inflater.eof:
            out = inflater.decompress(chunk, _CHUNK)
            chunk = inflater.unconsumed_tail
            if out:
                yield out
        if inflater.eof:
            return
    yield inflater.flush()
