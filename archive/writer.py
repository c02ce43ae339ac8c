"""WARC file ownership: gzip-per-record appends, warcinfo, fsync, rotation, `.open` → `.warc.gz`, file locks."""

from __future__ import annotations

import fcntl
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
from kernel.errors import ArchiveError

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
_GZIP_LEVEL = 6
# Records from this size on are sampled (three samples of _SAMPLE bytes): one whose samples deflate to more than
# INCOMPRESSIBLE of their size (a gain under 5%) is stored uncompressed in its gzip member. The real report PDFs of
# the research corpus deflate by ~2% (stored); the sample web's ReportLab PDFs, whose content streams are ASCII85,
# by ~6% (deflated).
_SAMPLE_FROM = 32 * 1024
_SAMPLE = 8 * 1024
INCOMPRESSIBLE = 0.95


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
    """One complete gzip member (mtime 0, so the bytes depend on ``data`` only).

    A record whose bytes barely compress (most PDFs' streams, images, DOCX and ZIP files are deflated already) is
    stored in the member uncompressed (deflate level 0: still gzip, read by every WARC tool): deflating it costs
    ~25 µs per KB at any level — a third of a crawl's WARC writing — for 2–5% of its size. Which it is is judged
    on samples from its body (_compresses)."""
    level = _GZIP_LEVEL if _compresses(data) else 0
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def _compresses(data: bytes) -> bool:
    """False when samples of a large record (at a quarter, half and three quarters of it, past the HTTP head)
    deflate to more than INCOMPRESSIBLE of their size: the record is then stored."""
    if len(data) < _SAMPLE_FROM:
        return True
    sample = b"".join(data[len(data) * k // 4:][:_SAMPLE] for k in (1, 2, 3))
    return len(zlib.compress(sample, 1)) < INCOMPRESSIBLE * len(sample)


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

    While a file is open the writer holds an exclusive ``flock`` on it (taken before the file gets its
    ``.open`` name), so ``archive.repair.repair_open_files`` can tell a live file from a crashed one.
    ``on_finish`` is called with the path of each finished file (e.g. to index it); its errors are logged.
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
        on_finish: Callable[[Path], object] | None = None,
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
        self._on_finish = on_finish

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
            if not (self._directory / name).exists() and not (self._directory / (name + OPEN_SUFFIX)).exists():
                self._file = _create_locked(self._directory, name)
                if self._file is not None:
                    break
        self._name, self._size, self._holds_records = name, 0, False
        warcinfo = self._builder.warcinfo(name, self._info, date=now)
        self._append([gzip_member(record_bytes(warcinfo))], [""])
        fsync_directory(self._directory)
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
            fsync_directory(self._directory)
        except OSError as exc:
            raise ArchiveError(f"cannot finish file={open_path}: {exc}") from exc
        logger.info("event=warc_closed file=%s size=%d", self._name, self._size)
        if self._on_finish is not None:
            try:
                self._on_finish(self._directory / self._name)
            except (ArchiveError, OSError) as exc:
                logger.error("event=warc_on_finish_failed file=%s reason=%s", self._name, exc)


def _create_locked(directory: Path, name: str) -> BinaryIO | None:
    """Create ``name.open`` already flock-ed: made under a hidden name, locked, then renamed (None: taken)."""
    hidden = directory / f".{name}{OPEN_SUFFIX}.new"
    try:
        file = open(hidden, "xb")  # kept open across write() calls
    except FileExistsError:
        return None
    except OSError as exc:
        raise ArchiveError(f"cannot create file={hidden}: {exc}") from exc
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(hidden, directory / (name + OPEN_SUFFIX))
    except OSError as exc:
        file.close()
        hidden.unlink(missing_ok=True)
        raise ArchiveError(f"cannot lock and name file={name}{OPEN_SUFFIX}: {exc}") from exc
    return file


def fsync_directory(directory: Path) -> None:
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
