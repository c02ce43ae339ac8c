"""The hand-off from the crawl to the parsing stage: a process pool that parses archived payloads.

Parsing is CPU-heavy, so it runs in worker processes outside Scrapy's reactor; each job reads its
payload back from the WARC (the archive is the one path for data) and returns a ParseJobResult.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.reader import read_record
from crawler.errors import NianbaoError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseJob:
    """One payload to parse, located in the archive."""

    payload_sha256: str
    warc_dir: str
    warc_file: str
    warc_offset: int
    url: str
    media_type: str | None


@dataclass(frozen=True)
class ParseJobResult:
    """The outcome of one job: a parse result, or a failure reason."""

    job: ParseJob
    ok: bool
    reason: str | None = None
    is_report: bool = False
    source_kind: str | None = None
    text: str | None = None
    record: dict[str, Any] | None = None


def run_job(job: ParseJob) -> ParseJobResult:
    """Read the payload back from the WARC and parse it (runs in a worker process)."""
    from parsing.report import parse_document

    try:
        payload = read_record(Path(job.warc_dir), job.warc_file, job.warc_offset).payload
        result = parse_document(payload, media_type=job.media_type, url=job.url, filename=job.url)
    except NianbaoError as exc:
        return ParseJobResult(job, ok=False, reason=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 — a parser bug must become a stored outcome, not a crash
        logger.exception("parse crashed url=%s", job.url)
        return ParseJobResult(job, ok=False, reason=f"parser crashed: {type(exc).__name__}: {exc}")
    return ParseJobResult(job, ok=True, is_report=result.is_report, source_kind=result.source_kind,
                          text=result.text, record=result.record)


class ParseStage:
    """Runs parse jobs in a process pool and delivers each result to `on_result` in the caller's thread."""

    def __init__(self, workers: int, timeout: float) -> None:
        self.timeout = timeout
        ctx = multiprocessing.get_context("spawn")  # never fork a process running a Twisted reactor
        self.pool = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx)
        self.pending: list[tuple[ParseJob, Future[ParseJobResult]]] = []

    def submit(self, job: ParseJob) -> Future[ParseJobResult]:
        future = self.pool.submit(run_job, job)
        self.pending.append((job, future))
        return future

    def drain(self, on_result: Callable[[ParseJobResult], None]) -> int:
        """Wait for every submitted job (each at most `timeout` s) and hand each result over."""
        done = 0
        for job, future in self.pending:
            try:
                result = future.result(timeout=self.timeout)
            except FutureTimeout:
                future.cancel()
                result = ParseJobResult(job, ok=False, reason=f"timeout: parse took over {self.timeout:g} s")
            except Exception as exc:  # noqa: BLE001 — a dead worker process is an outcome too
                result = ParseJobResult(job, ok=False, reason=f"worker failed: {type(exc).__name__}: {exc}")
            on_result(result)
            done += 1
        self.pending.clear()
        return done

    def close(self) -> None:
        """Stop the pool; a worker still stuck on a timed-out document is terminated."""
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
