"""The hand-off from the crawl to the parsing stage: a process pool that parses archived payloads.

Parsing is CPU-heavy, so it runs in worker processes outside Scrapy's reactor; each job reads its
payload back from the WARC (the archive is the one path for data) and returns a ParseJobResult.
Every document has a time limit (a job still running after ``timeout`` seconds gets a failed outcome
and the pool is replaced, killing the stuck worker) and a memory limit (``RLIMIT_AS`` set in each
worker; an allocation over it fails that job with a MemoryError outcome). Other jobs still complete.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from archive.dedup import Dedup
from archive.reader import read_record
from kernel.config import Config
from kernel.errors import NianbaoError
from storage.reparse import StoredPayload
from storage.reports import Outcome

logger = logging.getLogger(__name__)
DEFAULT_MEMORY_LIMIT_MB = 2048
# A job whose worker died (killed, segfault) is tried again once: the pool death may be another job's fault.
MAX_ATTEMPTS = 2


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
    warnings: tuple[str, ...] = ()


Runner = Callable[[ParseJob], ParseJobResult]


def run_job(job: ParseJob) -> ParseJobResult:
    """Read the payload back from the WARC and parse it (runs in a worker process)."""
    from parsing.report import parse_document

    try:
        payload = read_record(Path(job.warc_dir), job.warc_file, job.warc_offset).payload
        result = parse_document(payload, media_type=job.media_type, url=job.url, filename=job.url)
    except NianbaoError as exc:
        return ParseJobResult(job, ok=False, reason=f"{type(exc).__name__}: {exc}")
    except MemoryError:
        raise  # reported by _guarded with the limit
    except Exception as exc:  # noqa: BLE001 — a parser bug must become a stored outcome, not a crash
        logger.exception("parse crashed url=%s", job.url)
        return ParseJobResult(job, ok=False, reason=f"parser crashed: {type(exc).__name__}: {exc}")
    return ParseJobResult(job, ok=True, is_report=result.is_report, source_kind=result.source_kind,
                          text=result.text, record=result.record, warnings=tuple(result.warnings))


def _limit_memory(limit_bytes: int | None) -> None:
    """Pool initializer: cap the worker's address space so a runaway parse fails instead of the host."""
    if limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def _guarded(runner: Runner, job: ParseJob) -> ParseJobResult:
    try:
        return runner(job)
    except MemoryError:
        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        return ParseJobResult(job, ok=False, reason=f"memory: parse exceeded the {soft // 2**20} MB limit")


class ParseStage:
    """Runs parse jobs in a process pool and delivers each result to `on_result` in the caller's thread.

    ``runner`` is the module-level function a worker calls per job (``run_job``; tests pass hooks).
    """

    def __init__(self, workers: int, timeout: float, memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
                 runner: Runner = run_job) -> None:
        self.timeout = timeout
        self.workers = max(1, workers)
        self.memory_limit = memory_limit_mb * 2**20 if memory_limit_mb else None
        self.runner = runner
        self.pool = self._new_pool()
        self.pending: list[tuple[ParseJob, Future[ParseJobResult]]] = []
        self.attempts: dict[int, int] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("spawn")  # never fork a process running a Twisted reactor
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_limit_memory,
                                   initargs=(self.memory_limit,))

    def submit(self, job: ParseJob) -> Future[ParseJobResult]:
        future = self.pool.submit(_guarded, self.runner, job)
        self.pending.append((job, future))
        self.attempts[id(future)] = 1
        return future

    def drain(self, on_result: Callable[[ParseJobResult], None]) -> int:
        """Wait for every submitted job (each at most `timeout` s) and hand each result over."""
        done = 0
        while self.pending:
            job, future = self.pending.pop(0)
            attempt = self.attempts.pop(id(future), 1)
            try:
                result = future.result(timeout=self.timeout)
            except FutureTimeout:
                logger.warning("parse status=failed reason=timeout url=%s", job.url)
                result = ParseJobResult(job, ok=False, reason=f"timeout: parse took over {self.timeout:g} s")
                self._replace_pool()
            except BrokenProcessPool as exc:
                self._replace_pool()
                if attempt < MAX_ATTEMPTS:
                    self._resubmit_first(job, attempt)
                    continue
                result = ParseJobResult(job, ok=False, reason=f"worker died: {type(exc).__name__}: {exc}")
            except Exception as exc:  # noqa: BLE001 — a dead worker process is an outcome too
                result = ParseJobResult(job, ok=False, reason=f"worker failed: {type(exc).__name__}: {exc}")
            on_result(result)
            done += 1
        return done

    def _resubmit_first(self, job: ParseJob, attempt: int) -> None:
        future = self.pool.submit(_guarded, self.runner, job)
        self.pending.insert(0, (job, future))
        self.attempts[id(future)] = attempt + 1

    def _replace_pool(self) -> None:
        """Kill the pool (a stuck worker with it) and resubmit every job it had not finished."""
        self._kill_pool()
        self.pool = self._new_pool()
        waiting, self.pending = self.pending, []
        for job, future in waiting:
            if future.done() and not future.cancelled() and future.exception() is None:
                self.pending.append((job, future))
                continue
            attempt = self.attempts.pop(id(future), 1)
            new = self.pool.submit(_guarded, self.runner, job)
            self.pending.append((job, new))
            self.attempts[id(new)] = attempt

    def _kill_pool(self) -> None:
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join(5)

    def close(self) -> None:
        """Stop the pool; a worker still stuck on a timed-out document is killed."""
        self._kill_pool()


def outcome_of(result: ParseJobResult, parser_version: str) -> Outcome:
    """A job's result as the Outcome storage keeps."""
    return Outcome(payload_sha256=result.job.payload_sha256, parser_version=parser_version, ok=result.ok,
                   reason=result.reason, is_report=result.is_report, source_kind=result.source_kind,
                   text=result.text, record=result.record, warnings=result.warnings)


def at_originals(dedup: Dedup, todo: list[StoredPayload]) -> list[StoredPayload]:
    """The payloads located at the record that holds each in full: its original `response` record (dedup). A
    payload no crawl archived in full cannot be read back, and is left out."""
    located = []
    for p in todo:
        original = dedup.original(p.payload_sha256)
        if original is not None:
            located.append(replace(p, warc_file=original.warc_file, warc_offset=original.warc_offset,
                                   record_type="response"))
    return located


def parse_payloads(config: Config, todo: list[StoredPayload], parser_version: str) -> Iterator[Outcome]:
    """Parse payloads read back from the archive (each at the record `todo` names) in the parse stage's process
    pool, as storage Outcomes."""
    stage = ParseStage(config.parse_workers, config.parse_timeout, config.parse_memory_mb)
    results: list[ParseJobResult] = []
    try:
        for p in todo:
            stage.submit(ParseJob(payload_sha256=p.payload_sha256, warc_dir=str(config.warc_dir),
                                  warc_file=p.warc_file, warc_offset=p.warc_offset, url=p.url,
                                  media_type=p.media_type))
        stage.drain(results.append)
    finally:
        stage.close()
    for r in results:
        yield outcome_of(r, parser_version)
