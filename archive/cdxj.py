"""CDXJ indexes: one sorted ``<file>.warc.gz.cdxj`` beside each finished WARC file, made with cdxj-indexer.

The index is the replay index. A server-not-modified revisit (a 304 answering a conditional re-fetch) is written
without an HTTP head (archive/records.py), so replay resolves it to the capture it confirms; cdxj-indexer gives
such a line no status, and it gets the status of what it confirms — 200, the only status a re-crawl revalidates
(archive/recorder.py) — while its mime stays ``warc/revisit``, which is what makes pywb look the original up (by
WARC-Refers-To-Target-URI/-Date and digest) and what wabac.js (ReplayWeb.page) replaces with the original's. So a
page confirmed unchanged by five later crawls has six captures in the index, each replaying the same content.

Revisits written before that kept the 304's head, and pywb and wabac.js replay them as an empty 304: their lines
are left out (the records stay in the WARC files and the catalogue).
"""

from __future__ import annotations

import io
import json
import logging
import os
from dataclasses import dataclass
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
REVISIT_MIME = "warc/revisit"
# The status a server-not-modified revisit replays with: re-crawls revalidate only 200 captures.
CONFIRMED_STATUS = "200"


def index_path(warc: Path) -> Path:
    """Where the CDXJ index of ``warc`` lives."""
    return warc.with_name(warc.name + CDXJ_SUFFIX)


def cdxj_lines(warc: Path) -> list[str]:
    """The sorted CDXJ lines (without newline) of one WARC file: response/revisit/resource records, head-less
    revisits with status 200, revisits with a 304 head left out (module docstring)."""
    out = io.StringIO()
    try:
        with open(warc, "rb") as file:
            CDXJIndexer(output=None, inputs=[], records=INDEXED_RECORDS).process_one(file, out, str(warc))
    except (OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"cannot index file={warc}: {exc}") from exc
    lines = (_replay_line(line) for line in out.getvalue().splitlines())
    return sorted({line for line in lines if line is not None})


def _replay_line(line: str) -> str | None:
    """``line`` as replay needs it: None for a revisit with a 304 head, a status for a head-less revisit."""
    key, timestamp, fields_text = line.split(" ", 2)
    fields = json.loads(fields_text)
    if fields.get("mime") != REVISIT_MIME:
        return line
    if fields.get("status") == "304":
        return None
    if "status" in fields:
        return line
    # cdxj-indexer's field order (url, mime, status, digest, ...), the status added after the mime.
    ordered: dict[str, str] = {}
    for name, value in fields.items():
        ordered[name] = value
        if name == "mime":
            ordered["status"] = CONFIRMED_STATUS
    return f"{key} {timestamp} {json.dumps(ordered)}"


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


@dataclass(frozen=True)
class IndexedCapture:
    """One capture of a URL as replay sees it: a line of the CDXJ index."""

    timestamp: str
    status: str
    mime: str
    filename: str
    offset: int


def captures_of(directory: Path, url: str) -> list[IndexedCapture]:
    """Every capture of ``url`` in the indexes of ``directory``'s finished WARC files (written when missing),
    oldest first: the timeline pywb's calendar and timemap show."""
    found = []
    for warc in finished_warcs(directory):
        cdxj = index_path(warc)
        if not cdxj.exists():
            write_index(warc)
        for line in cdxj.read_text(encoding="utf-8").splitlines():
            _, timestamp, fields_text = line.split(" ", 2)
            fields = json.loads(fields_text)
            if fields.get("url") == url:
                found.append(IndexedCapture(timestamp, fields.get("status", "-"), fields.get("mime", "-"),
                                            fields["filename"], int(fields["offset"])))
    return sorted(found, key=lambda c: (c.timestamp, c.filename, c.offset))
