"""The originals a partial export needs: records its revisits refer to, copied verbatim into one WARC file.

A WACZ of one crawl holds that crawl's WARC files; a re-crawl's are mostly revisits whose payloads sit in the
first crawl's files. Rather than carrying those whole files, the export copies each referred-to record as it is
stored (its gzip member, byte for byte: same WARC-Record-ID, WARC-Date and digests, so WARC-Refers-To and the
replay tools' URL + date lookups find it) into ``<label>-originals.warc.gz``, after a warcinfo record that says
what the file is.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from archive.records import RecordBuilder, record_bytes
from archive.writer import gzip_member
from kernel.errors import ArchiveError

_CHUNK = 1 << 16


def member_at(path: Path, offset: int) -> bytes:
    """The gzip member (one record of a ``.warc.gz``) that starts at ``offset`` of ``path``, as stored."""
    inflater = zlib.decompressobj(wbits=31)
    member = bytearray()
    with open(path, "rb") as file:
        file.seek(offset)
        while not inflater.eof:
            chunk = file.read(_CHUNK)
            if not chunk:
                raise ArchiveError(f"file={path.name} offset={offset}: gzip member cut short")
            try:
                inflater.decompress(chunk)
            except zlib.error as exc:
                raise ArchiveError(f"file={path.name} offset={offset}: not a gzip member: {exc}") from exc
            member += chunk
    return bytes(member[:len(member) - len(inflater.unused_data)])


def write_originals_warc(warc_dir: Path, locations: Iterable[tuple[str, int]], output: Path, *,
                         now: datetime, label: str) -> int:
    """Write ``output``: a warcinfo record, then the record at each (file, offset) of ``warc_dir``, each once,
    in the order given; return how many records were copied."""
    seen: set[tuple[str, int]] = set()
    info = RecordBuilder().warcinfo(output.name, {
        "software": "nianbao",
        "description": f"records copied verbatim from the archive's WARC files: the originals that revisits of "
                       f"{label} refer to",
    }, date=now)
    with open(output, "wb") as out:
        out.write(gzip_member(record_bytes(info)))
        for location in locations:
            if location in seen:
                continue
            seen.add(location)
            out.write(member_at(warc_dir / location[0], location[1]))
    return len(seen)
