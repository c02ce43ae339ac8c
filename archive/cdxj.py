"""CDXJ indexes: one sorted ``<file>.warc.gz.cdxj`` beside each finished WARC file, made with cdxj-indexer.

The index is the replay index, so it leaves out server-not-modified revisits (a 304 answer to a
conditional re-fetch): pywb replays a 3xx revisit with its own head and no payload, so indexing them
would make the newest capture of every unchanged page replay as an empty 304. Those records stay in the
WARC files and the catalogue; replay resolves to the 200 capture they revalidated.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from archive.writer import WARC_SUFFIX, fsync_directory
from kernel.errors import ArchiveError

logger = logging.getLogger(__name__)

CDXJ_SUFFIX = ".cdxj"
# The merged index of a whole archive directory (merge_indexes): in a sub-directory, so that a tool that loads
# every *.cdxj of the archive directory (the pywb config) does not read each line twice.
MERGED_INDEX = Path("merged") / "index.cdxj"
# Named explicitly: py-wacz appends "warcinfo" to cdxj-indexer's class-level defaults when it is imported.
INDEXED_RECORDS = "response,revisit,resource"


def index_path(warc: Path) -> Path:
    """Where the CDXJ index of ``warc`` lives."""
    return warc.with_name(warc.name + CDXJ_SUFFIX)


def cdxj_lines(warc: Path) -> list[str]:
    """The sorted CDXJ lines (without newline) of one WARC file: response/revisit/resource, 304 revisits left out."""
    out = io.StringIO()
    try:
        with open(warc, "rb") as file:
            CDXJIndexer(output=None, inputs=[], records=INDEXED_RECORDS).process_one(file, out, str(warc))
    except (OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"cannot index file={warc}: {exc}") from exc
    return sorted({line for line in out.getvalue().splitlines() if not _is_not_modified(line)})


def _is_not_modified(line: str) -> bool:
    return '"mime": "warc/revisit", "status": "304"' in line


def write_index(warc: Path) -> Path:
    """(Re)write ``<warc>.cdxj`` atomically; return its path."""
    warc = Path(warc)
    target = index_path(warc)
    lines = cdxj_lines(warc)
    _write_lines(target, lines)
    logger.info("event=cdxj_written file=%s lines=%d", target.name, len(lines))
    return target


def _write_lines(target: Path, lines: list[str]) -> None:
    """Replace ``target`` with ``lines`` atomically (a temporary name per process: workers share directories)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in lines)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    fsync_directory(target.parent)


def finished_warcs(directory: Path) -> list[Path]:
    """The finished WARC files of ``directory`` (no ``.open`` ones), sorted by name."""
    return sorted(Path(directory).glob(f"*{WARC_SUFFIX}"))


def index_directory(directory: Path, *, only_missing: bool = False) -> list[Path]:
    """Write the index of every finished WARC in ``directory`` (or only those without one)."""
    written = []
    for warc in finished_warcs(directory):
        if only_missing and index_path(warc).exists():
            continue
        written.append(write_index(warc))
    return written


def merge_indexes(directory: Path) -> Path:
    """Write ``<directory>/merged/index.cdxj``: the indexes of every finished WARC file there, merged and sorted.

    Each line names its WARC file, so one index serves an archive that several writers (distributed workers)
    filled; the per-file indexes stay the source (missing ones are written first).
    """
    directory = Path(directory)
    lines: set[str] = set()
    for warc in finished_warcs(directory):
        cdxj = index_path(warc)
        if not cdxj.exists():
            write_index(warc)
        lines.update(line for line in cdxj.read_text(encoding="utf-8").splitlines() if line)
    target = directory / MERGED_INDEX
    target.parent.mkdir(exist_ok=True)
    _write_lines(target, sorted(lines))
    logger.info("event=cdxj_merged file=%s lines=%d", target, len(lines))
    return target
