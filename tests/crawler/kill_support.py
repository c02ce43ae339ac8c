"""What a kill trial checks after a SIGKILL: the killed process's descendants, orphan rows, and what the site was
asked again (tests/crawler/test_kill_trials.py)."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from sampleweb.server import SeenRequest
from storage.crawls import is_stale
from storage.db import open_catalogue
from storage.models import Capture, Crawl, Document, ParseOutcome, Payload

# Seconds the descendants of a killed process get to go (the kernel's parent-death signal is immediate; a browser
# driver notices its closed pipe, then kills the browser).
STRAY_GRACE = 20.0


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), fields[0]


def descendants(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid`` (children, theirs, … — also those in sessions of their own, as Chromium),
    with its command line."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[0], []).append(int(entry))
    found, todo = {}, list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found[child] = _cmdline(child)
        todo.extend(children.get(child, []))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting to be reaped."""
    stat = _stat(pid)
    return stat is not None and stat[1] not in ("Z", "X")


def strays(pids: dict[int, str], grace: float = STRAY_GRACE) -> dict[int, str]:
    """Those of ``pids`` still running after ``grace`` seconds (a liveness bound, not a timing measurement)."""
    deadline = time.monotonic() + grace
    while True:
        left = {pid: cmd for pid, cmd in pids.items() if alive(pid) and _cmdline(pid) == cmd}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def parse_workers(pid: int) -> list[int]:
    """The parse pool's worker processes among the descendants of ``pid`` (spawned multiprocessing children)."""
    return [child for child, cmd in descendants(pid).items()
            if "multiprocessing.spawn" in cmd and "resource_tracker" not in cmd]


def warc_urls(warc_dir: Path) -> Counter[tuple[str, int]]:
    """(URL, HTTP status) of every response and revisit record in the WARC files of ``warc_dir``."""
    found: Counter[tuple[str, int]] = Counter()
    for path in sorted(warc_dir.glob("*.warc.gz*")):
        with path.open("rb") as file:
            for record in ArchiveIterator(file):
                if record.rec_type in ("response", "revisit") and record.http_headers is not None:
                    found[(str(record.rec_headers.get_header("WARC-Target-URI")),
                           int(record.http_headers.get_statuscode()))] += 1
    return found


@dataclass(frozen=True)
class Fetch:
    """A request the sample web got: its URL and whether it was conditional (a revalidation)."""

    method: str
    url: str
    conditional: bool


def fetches(seen: list[SeenRequest]) -> list[Fetch]:
    return [Fetch(r.method, r.target if r.target.startswith("http") else f"http://{r.host}{r.target}",
                  "If-None-Match" in r.headers or "If-Modified-Since" in r.headers) for r in seen]


def orphan_rows(db_url: str, *, parses_expected: bool = True) -> list[str]:
    """Rows that nothing will ever complete or that point at nothing: runs `running` with no live process, payloads
    no capture holds, parse outcomes of payloads never captured, documents without their capture, and (when the
    crawls parsed) documents of a finished run whose payload was never parsed."""
    problems = []
    with open_catalogue(db_url)() as s:
        for crawl in s.scalars(select(Crawl).where(Crawl.status == "running")):
            if is_stale(crawl, crawl.host or ""):
                problems.append(f"crawl {crawl.id} running, its process {crawl.pid} gone")
        captured = select(Capture.payload_sha256).where(Capture.payload_sha256.is_not(None))
        lonely = s.scalar(select(func.count()).select_from(Payload).where(Payload.sha256.not_in(captured)))
        if lonely:
            problems.append(f"{lonely} payloads without a capture")
        unowned = s.scalar(select(func.count()).select_from(ParseOutcome)
                           .where(ParseOutcome.payload_sha256.not_in(captured)))
        if unowned:
            problems.append(f"{unowned} parse outcomes of payloads never captured")
        bare = s.scalar(select(func.count()).select_from(Document).where(Document.latest_capture_id.is_(None)))
        if bare:
            problems.append(f"{bare} documents without a capture")
        if parses_expected:
            problems += _unparsed(s)
    return problems


def _unparsed(s: Session) -> list[str]:
    finished = select(Crawl.id).where(Crawl.status == "finished")
    query = (select(Document.url).join(Capture, Capture.id == Document.latest_capture_id)
             .where(Document.last_crawl_id.in_(finished), Capture.payload_sha256.is_not(None),
                    Capture.payload_sha256.not_in(select(ParseOutcome.payload_sha256))))
    return [f"document {url} of a finished run never parsed" for url in s.scalars(query)]


@dataclass
class KillResult:
    """One trial's outcome, for the summary `make test-hardening` prints (tests/crawler/conftest.py)."""

    trial: str
    kind: str
    stray: int
    lost: int
    doubled: int
    again: int
    problems: list[str] = field(default_factory=list)


# The trials run in this session, in order.
KILL_RESULTS: list[KillResult] = []


def kill_summary(results: list[KillResult]) -> str:
    """One line: trials per kind, and the totals the issue asks for (crashes are trials with any problem)."""
    kinds = Counter(r.kind for r in results)
    return (f"kill trials: {len(results)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); "
            f"failed {sum(bool(r.problems) for r in results)}, lost {sum(r.lost for r in results)}, "
            f"doubled {sum(r.doubled for r in results)}, asked again {sum(r.again for r in results)}, "
            f"stray processes {sum(r.stray for r in results)}")


def capture_count(db_url: str) -> int:
    """How many captures the catalogue holds now (0 before the crawl has created its tables): the moment to kill or
    restart something under a running crawl."""
    try:
        with open_catalogue(db_url)() as s:
            return int(s.scalar(select(func.count()).select_from(Capture)) or 0)
    except Exception:  # noqa: BLE001 — the crawl may not have created the tables yet
        return 0
