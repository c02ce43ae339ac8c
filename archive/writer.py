"""WARC file ownership: gzip-per-record appends, warcinfo, fsync, rotation, `.open` → `.warc.gz`, repair."""

from __future__ import annotations

import logging
import os
import socket
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord

from archive.records import RecordBuilder, record_bytes
from crawler.errors import ArchiveError

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
_GZIP_LEVEL = 6
_REPAIR_CHUNK = 1 << 20


@dataclass(frozen=True)
class RecordLocation:
    """Where a written record lives: final file name (never ``.open``), gzip member offset and length."""

    filename: str
    offset: int
    length: int
    record_id: str


def _utc_now() -> datetime:
    return datetime.now(UTC)


def gzip_member(data: bytes) -> bytes:
    """One complete gzip member (mtime 0, so the bytes depend on ``data`` only)."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def default_info() -> dict[str, str]:
    """warcinfo fields every nianbao WARC file carries."""
    return {
        "software": f"nianbao/{_version('nianbao')} warcio/{_version('warcio')}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
    }


class WarcWriter:
    """Appends records to ``<prefix>-<UTC timestamp, µs>-<serial>.warc.gz.open`` files in ``directory``.

    Each record is its own gzip member. A file is opened on the first write (warcinfo first), flushed
    and fsynced after every ``write()``, and finished — fsynced, renamed to ``.warc.gz``, directory
    fsynced — when it reaches ``max_size`` or on ``close()``. A batch never straddles two files: when
    it would push a file that already holds records past ``max_size``, the file is finished first.
    One lock serialises writers; use one WarcWriter per process and directory.
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "nianbao",
        max_size: int = 1_000_000_000,
        info: dict[str, str] | None = None,
        clock: Callable[[], datetime] = _utc_now,
        builder: RecordBuilder | None = None,
    ) -> None:
        self._directory = Path(directory)
        self._directory.mkdir(parents=True, exist_ok=True)
        self._prefix = prefix
        self._max_size = max_size
        self._info = {**default_info(), **(info or {})}
        self._clock = clock
        self._builder = builder or RecordBuilder()
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._name = ""
        self._size = 0
        self._holds_records = False
        self._serial = 0
        self._closed = False

    @property
    def builder(self) -> RecordBuilder:
        """The RecordBuilder this writer uses for warcinfo; callers may build their records with it."""
        return self._builder

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, or None between files."""
        return self._directory / (self._name + OPEN_SUFFIX) if self._file else None

    def write(self, records: Sequence[ArcWarcRecord]) -> list[RecordLocation]:
        """Append ``records`` (in order, same file), make them durable, and say where they are."""
        members = [gzip_member(record_bytes(record)) for record in records]
        ids = [str(record.rec_headers.get_header("WARC-Record-ID")) for record in records]
        with self._lock:
            if self._closed:
                raise ArchiveError(f"WarcWriter for dir={self._directory} is closed")
            if not members:
                return []
            batch = sum(len(member) for member in members)
            if self._file and self._holds_records and self._size + batch > self._max_size:
                self._finish()
            if self._file is None:
                self._open()
            locations = self._append(members, ids)
            self._holds_records = True
            if self._size >= self._max_size:
                self._finish_after_write()
            return locations

    def close(self) -> None:
        """Finish the current file; later calls do nothing."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._finish()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _finish_after_write(self) -> None:
        # The batch is already durable: report a failed rename instead of losing its locations.
        # The reader still finds the `.open` file, and repair_open_files() finishes it later.
        try:
            self._finish()
        except ArchiveError as exc:
            logger.error("event=warc_finish_failed dir=%s reason=%s", self._directory, exc)

    def _open(self) -> None:
        now = self._clock()
        stamp = now.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
        while True:
            name = f"{self._prefix}-{stamp}-{self._serial:05d}{WARC_SUFFIX}"
            self._serial += 1
            path = self._directory / (name + OPEN_SUFFIX)
            if (self._directory / name).exists():
                continue
            try:
                self._file = open(path, "xb")  # kept open across write() calls
            except FileExistsError:
                continue
            except OSError as exc:
                raise ArchiveError(f"cannot create file={path}: {exc}") from exc
            break
        self._name, self._size, self._holds_records = name, 0, False
        warcinfo = self._builder.warcinfo(name, self._info, date=now)
        self._append([gzip_member(record_bytes(warcinfo))], [""])
        _fsync_directory(self._directory)
        logger.info("event=warc_opened file=%s", name)

    def _append(self, members: list[bytes], ids: list[str]) -> list[RecordLocation]:
        assert self._file is not None
        start = self._size
        try:
            self._file.write(b"".join(members))
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:
            self._undo_append(start)
            raise ArchiveError(f"cannot append to file={self._name}{OPEN_SUFFIX}: {exc}") from exc
        locations = []
        offset = start
        for member, record_id in zip(members, ids, strict=True):
            locations.append(RecordLocation(self._name, offset, len(member), record_id))
            offset += len(member)
        self._size = offset
        return locations

    def _undo_append(self, start: int) -> None:
        """Cut a failed append back so the file never ends in a half-written record."""
        assert self._file is not None
        try:
            self._file.seek(start)
            self._file.truncate(start)
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:
            logger.error("event=warc_truncate_failed file=%s%s reason=%s", self._name, OPEN_SUFFIX, exc)

    def _finish(self) -> None:
        if self._file is None:
            return
        file, self._file = self._file, None
        open_path = self._directory / (self._name + OPEN_SUFFIX)
        try:
            file.flush()
            os.fsync(file.fileno())
            file.close()
            os.rename(open_path, self._directory / self._name)
            _fsync_directory(self._directory)
        except OSError as exc:
            raise ArchiveError(f"cannot finish file={open_path}: {exc}") from exc
        logger.info("event=warc_closed file=%s size=%d", self._name, self._size)


def repair_open_files(directory: Path) -> list[Path]:
    """Finish ``*.warc.gz.open`` files left by a crash: keep whole gzip members, rename to ``.warc.gz``.

    A torn last member (or trailing garbage) is truncated away. A file without one complete member is
    deleted. Run it before any writer starts on ``directory``: it would cut a live writer's file.
    """
    repaired = []
    for open_path in sorted(Path(directory).glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
        if final.exists():
            raise ArchiveError(f"cannot repair file={open_path}: {final.name} already exists")
        keep = complete_members_size(open_path)
        size = open_path.stat().st_size
        if keep == 0:
            open_path.unlink()
            logger.warning("event=warc_repair_deleted file=%s size=%d", open_path.name, size)
            continue
        with open(open_path, "r+b") as file:
            file.truncate(keep)
            file.flush()
            os.fsync(file.fileno())
        os.rename(open_path, final)
        repaired.append(final)
        logger.warning("event=warc_repaired file=%s kept=%d dropped=%d", final.name, keep, size - keep)
    _fsync_directory(Path(directory))
    return repaired


def complete_members_size(path: Path) -> int:
    """Byte length of the longest prefix of ``path`` made of complete, CRC-checked gzip members."""
    good = offset = 0
    data = b""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as file:
        while True:
            if not data:
                data = file.read(_REPAIR_CHUNK)
                if not data:
                    return good
            try:
                decompressor.decompress(data, _REPAIR_CHUNK)
            except zlib.error:
                return good
            rest = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            offset += len(data) - len(rest)
            data = rest
            if decompressor.eof:
                good = offset
                decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
