"""Reading WARC records back by (file, offset), also while the writer still holds the file as `.open`."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException

from archive.content_encoding import decode_content
from archive.writer import OPEN_SUFFIX
from kernel.errors import ArchiveError

_READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, OSError, ValueError, zlib.error)


@dataclass(frozen=True)
class ReadRecord:
    """One record read back: WARC headers, HTTP status/headers, decoded and stored payload.

    ``payload`` has content-encoding (gzip, deflate, br) removed for parsers; ``raw_payload`` is the
    payload exactly as stored. For a revisit both are empty: the payload lives in the original record.
    """

    offset: int
    headers: StatusAndHeaders
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes
    raw_payload: bytes

    @property
    def record_type(self) -> str:
        return str(self.headers.get_header("WARC-Type"))

    @property
    def record_id(self) -> str:
        return str(self.headers.get_header("WARC-Record-ID"))

    @property
    def url(self) -> str | None:
        return self.headers.get_header("WARC-Target-URI")


def read_record(directory: Path, filename: str, offset: int) -> ReadRecord:
    """The record starting at ``offset`` of ``filename`` (or of ``filename + '.open'``)."""
    with _open_warc(Path(directory), filename) as file:
        try:
            file.seek(offset)
            record = next(iter(ArchiveIterator(file)))
            if record.format != "warc" or not record.rec_type:
                # mid-record bytes that warcio's lenient ARC reader took for a record: nothing starts here
                raise ArchiveError(f"no WARC record at file={filename} offset={offset}: "
                                   f"bytes read as {record.format or 'nothing'}, not a WARC record")
            return _read(record, offset)
        except StopIteration:
            raise ArchiveError(f"no WARC record at file={filename} offset={offset}: end of file") from None
        except _READ_ERRORS as exc:
            raise ArchiveError(f"no WARC record at file={filename} offset={offset}: {exc}") from exc


def iter_records(path: Path) -> Iterator[ReadRecord]:
    """Every record of one WARC file, in file order."""
    try:
        with open(path, "rb") as file:
            iterator = ArchiveIterator(file)
            for record in iterator:
                read = _read(record, 0)  # get_record_offset() skips the payload: read it first
                yield replace(read, offset=iterator.get_record_offset())
    except _READ_ERRORS as exc:
        raise ArchiveError(f"cannot read file={path}: {exc}") from exc


def _open_warc(directory: Path, filename: str) -> BinaryIO:
    # The final name is tried on both sides of the `.open` one: the writer may rename in between.
    candidates = [filename, filename + OPEN_SUFFIX, filename]
    for name in candidates:
        try:
            return open(directory / name, "rb")
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ArchiveError(f"cannot open file={filename} dir={directory}: {exc}") from exc
    raise ArchiveError(f"no WARC file={filename} (nor {filename}{OPEN_SUFFIX}) in dir={directory}")


def _read(record: ArcWarcRecord, offset: int) -> ReadRecord:
    raw = record.raw_stream.read()
    http = record.http_headers
    status = None
    if http is not None and record.rec_type in ("response", "revisit"):
        status = int(http.get_statuscode())
    return ReadRecord(
        offset=offset,
        headers=record.rec_headers,
        http_status=status,
        http_headers=list(http.headers) if http is not None else [],
        payload=_decode(record, raw),
        raw_payload=raw,
    )


def _decode(record: ArcWarcRecord, raw: bytes) -> bytes:
    """Apply warcio's own transfer/content decoding to an already-read payload (brotli by archive.content_encoding)."""
    if record.http_headers is None:
        return raw
    if str(record.http_headers.get_header("Content-Encoding", "")).strip().lower() == "br":
        return decode_content(raw, "br")
    replay = ArcWarcRecord(
        record.format,
        record.rec_type,
        record.rec_headers,
        BytesIO(raw),
        record.http_headers,
        record.content_type,
        len(raw),
    )
    return bytes(replay.content_stream().read())
