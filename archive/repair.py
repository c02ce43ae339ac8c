"""Crash repair: finish the ``*.warc.gz.open`` files no live writer holds, keeping every whole record."""

from __future__ import annotations

import fcntl
import logging
import os
import time
import zlib
from pathlib import Path
from typing import BinaryIO

from archive.writer import OPEN_SUFFIX, WARC_SUFFIX, fsync_directory
from kernel.errors import ArchiveError

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
# Seconds after which an unlocked hidden ``.…open.new`` file is a crash leftover, not a writer about to lock it.
HIDDEN_STALE_AFTER = 60.0


def repair_open_files(directory: Path) -> list[Path]:
    """Finish ``*.warc.gz.open`` files left by a crash: keep whole gzip members, rename to ``.warc.gz``.

    A torn last member (or trailing garbage) is truncated away; a file without one complete member is
    deleted. Files whose writer is alive (it holds their ``flock``) are left alone, so this is safe to
    run while other processes write into ``directory``. Returns the finished files.
    """
    directory = Path(directory)
    _remove_stale_hidden(directory)
    repaired = []
    for open_path in sorted(directory.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        try:
            file = open(open_path, "r+b")
        except FileNotFoundError:
            continue  # finished by its writer meanwhile
        with file:
            if not _try_lock(file):
                logger.info("event=warc_repair_skipped_live file=%s", open_path.name)
                continue
            final = _repair_locked(open_path, file)
        if final is not None:
            repaired.append(final)
    fsync_directory(directory)
    return repaired


def _repair_locked(open_path: Path, file: BinaryIO) -> Path | None:
    if not open_path.exists():
        return None  # renamed by its writer between our open() and flock()
    final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
    if final.exists():
        raise ArchiveError(f"cannot repair file={open_path}: {final.name} already exists")
    keep = complete_members_size(open_path)
    size = os.fstat(file.fileno()).st_size
    if keep == 0:
        open_path.unlink()
        logger.warning("event=warc_repair_deleted file=%s size=%d", open_path.name, size)
        return None
    file.truncate(keep)
    file.flush()
    os.fsync(file.fileno())
    os.rename(open_path, final)
    logger.warning("event=warc_repaired file=%s kept=%d dropped=%d", final.name, keep, size - keep)
    return final


def _try_lock(file: BinaryIO) -> bool:
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _remove_stale_hidden(directory: Path) -> None:
    """A crash between creating a file and naming it leaves an empty hidden ``.…open.new``; drop the unlocked
    ones older than HIDDEN_STALE_AFTER. A younger one may be a live writer's between its create and its lock
    (another crawl or worker sharing the directory): removing it would fail that writer's file."""
    for hidden in directory.glob(f".*{WARC_SUFFIX}{OPEN_SUFFIX}.new"):
        try:
            if time.time() - hidden.stat().st_mtime < HIDDEN_STALE_AFTER:
                continue
            with open(hidden, "rb") as file:
                if _try_lock(file):
                    hidden.unlink()
        except FileNotFoundError:
            continue


def complete_members_size(path: Path) -> int:
    """Byte length of the longest prefix of ``path`` made of complete, CRC-checked gzip members."""
    good = offset = 0
    data = b""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as file:
        while True:
            if not data:
                data = file.read(_CHUNK)
                if not data:
                    return good
            try:
                decompressor.decompress(data, _CHUNK)
            except zlib.error:
                return good
            rest = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            offset += len(data) - len(rest)
            data = rest
            if decompressor.eof:
                good = offset
                decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
