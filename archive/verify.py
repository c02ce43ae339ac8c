"""Archive verification: every record's digests, every CDXJ line and every catalogued (file, offset, length).

Each WARC file is read gzip member by gzip member, so one damaged member is reported with its offset
and reading resumes at the next member instead of stopping at the damage.
"""

from __future__ import annotations

import json
import mmap
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archive.cdxj import finished_warcs, index_path
from archive.records import warc_digest_from_hex
from archive.writer import OPEN_SUFFIX

_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"
_INDEXED_TYPES = ("response", "revisit")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the archive, located by file and (when known) offset."""

    file: str
    offset: int | None
    problem: str

    def __str__(self) -> str:
        where = "-" if self.offset is None else str(self.offset)
        return f"file={self.file} offset={where} problem={self.problem}"


@dataclass(frozen=True)
class MemberRecord:
    """What verification learned about the record in one gzip member."""

    offset: int
    length: int
    record_type: str
    record_id: str
    url: str | None
    payload_digest: str | None
    http_status: int | None


@dataclass
class FileReport:
    """The records of one WARC file (by member offset) and the problems found in it."""

    name: str
    records: dict[int, MemberRecord] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class CaptureRef(Protocol):
    """A catalogued capture: where its record should be and what it should hold."""

    @property
    def id(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def record_type(self) -> str: ...
    @property
    def warc_file(self) -> str: ...
    @property
    def warc_offset(self) -> int: ...
    @property
    def warc_length(self) -> int: ...
    @property
    def warc_record_id(self) -> str: ...
    @property
    def payload_sha256(self) -> str | None: ...


def verify_archive(directory: Path, captures: Iterable[CaptureRef]) -> list[Problem]:
    """Every problem of the WARC files in ``directory``, their CDXJ indexes, and the given captures."""
    directory = Path(directory)
    reports = {path.name: verify_warc(path) for path in finished_warcs(directory)}
    for path in sorted(directory.glob(f"*{OPEN_SUFFIX}")):
        reports[path.name[: -len(OPEN_SUFFIX)]] = verify_warc(path)
    problems = [p for report in reports.values() for p in report.problems]
    for path in finished_warcs(directory):
        problems += verify_index(path, reports[path.name])
    problems += verify_captures(captures, reports)
    return problems


def verify_warc(path: Path) -> FileReport:
    """Read every gzip member of ``path``; check it holds one WARC record whose digests match."""
    report = FileReport(path.name)
    for offset, length, data, error in iter_members(path):
        if data is None:
            report.problems.append(Problem(path.name, offset, f"unreadable gzip member: {error}"))
            continue
        record, problem = _check_record(data, offset, length)
        if problem:
            report.problems.append(Problem(path.name, offset, problem))
        if record is not None:
            report.records[offset] = record
    return report


def iter_members(path: Path) -> Iterator[tuple[int, int, bytes | None, str]]:
    """(offset, length, decompressed bytes or None, error) of each gzip member, resyncing after damage."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            pos = 0
            while pos < size:
                try:
                    end, data = _inflate_member(mm, pos, size)
                except zlib.error as exc:
                    yield pos, 0, None, str(exc)
                    pos = mm.find(_GZIP_MAGIC, pos + 1)
                    if pos < 0:
                        return
                    continue
                yield pos, end - pos, data, ""
                pos = end


def _inflate_member(mm: mmap.mmap, pos: int, size: int) -> tuple[int, bytes]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out, cur = [], pos
    while not inflater.eof:
        if cur >= size:
            raise zlib.error("member ends before its gzip trailer (truncated)")
        chunk = mm[cur : cur + _CHUNK]
        out.append(inflater.decompress(chunk))
        cur += len(chunk) - len(inflater.unused_data)
    return cur, b"".join(out)


def _check_record(data: bytes, offset: int, length: int) -> tuple[MemberRecord | None, str]:
    try:
        records = []
        for record in ArchiveIterator(BytesIO(data), check_digests=True):
            record.raw_stream.read()
            problems = record.digest_checker.problems if record.digest_checker.passed is False else []
            headers, http = record.rec_headers, record.http_headers
            status = int(http.get_statuscode()) if http is not None and record.rec_type in _INDEXED_TYPES else None
            records.append((MemberRecord(offset, length, record.rec_type, str(headers.get_header("WARC-Record-ID")),
                                         headers.get_header("WARC-Target-URI"),
                                         headers.get_header("WARC-Payload-Digest"), status), problems))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, EOFError) as exc:
        return None, f"not a WARC record: {exc}"
    if len(records) != 1:
        return (records[0][0] if records else None), f"gzip member holds {len(records)} records, not 1"
    record, problems = records[0]
    return record, "; ".join(str(p) for p in problems)


def verify_index(path: Path, report: FileReport) -> list[Problem]:
    """The CDXJ lines of ``path`` point at records with their URL and digest, and cover every record."""
    cdxj = index_path(path)
    if not cdxj.exists():
        return [Problem(cdxj.name, None, "CDXJ index missing (run `nianbao archive index`)")]
    problems, covered = [], set()
    for number, line in enumerate(cdxj.read_text(encoding="utf-8").splitlines(), start=1):
        entry, problem = _check_line(line, path.name, report)
        if problem:
            problems.append(Problem(cdxj.name, entry.get("offset") if entry else None, f"line {number}: {problem}"))
        elif entry:
            covered.add(entry["offset"])
    for offset, record in sorted(report.records.items()):
        indexed = record.record_type in _INDEXED_TYPES and not (record.record_type == "revisit"
                                                                and record.http_status == 304)
        if indexed and offset not in covered:
            problems.append(Problem(path.name, offset, f"{record.record_type} record not in {cdxj.name}"))
    return problems


def _check_line(line: str, filename: str, report: FileReport) -> tuple[dict[str, int] | None, str]:
    try:
        fields = json.loads(line.split(" ", 2)[2])
        offset, length = int(fields["offset"]), int(fields["length"])
    except (IndexError, KeyError, ValueError) as exc:
        return None, f"malformed CDXJ line: {exc}"
    entry = {"offset": offset}
    record = report.records.get(offset)
    if fields.get("filename") != filename:
        return entry, f"names file {fields.get('filename')}"
    if record is None or record.length != length:
        return entry, f"no record of length {length} at offset {offset}"
    if fields.get("url") != record.url or fields.get("digest", record.payload_digest) != record.payload_digest:
        return entry, "url or digest differs from the record"
    return entry, ""


def verify_captures(captures: Iterable[CaptureRef], reports: dict[str, FileReport]) -> list[Problem]:
    """Each capture's (file, offset, length) holds its record: id, URL and payload digest as catalogued."""
    problems = []
    for cap in captures:
        problem = _check_capture(cap, reports.get(cap.warc_file))
        if problem:
            problems.append(Problem(cap.warc_file, cap.warc_offset, f"capture {cap.id} url={cap.url}: {problem}"))
    return problems


def _check_capture(cap: CaptureRef, report: FileReport | None) -> str:
    if report is None:
        return "WARC file missing"
    record = report.records.get(cap.warc_offset)
    if record is None:
        return "no readable record at this offset"
    if record.length != cap.warc_length:
        return f"record length is {record.length}, catalogue says {cap.warc_length}"
    if record.record_id != cap.warc_record_id or record.url != cap.url:
        return f"record {record.record_id} for {record.url} is not the catalogued one"
    if record.record_type != cap.record_type:
        return f"record type is {record.record_type}, catalogue says {cap.record_type}"
    if cap.payload_sha256 and record.payload_digest != warc_digest_from_hex(cap.payload_sha256):
        return "payload digest differs from the catalogue"
    return ""
