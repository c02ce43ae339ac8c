"""The hand-off from the crawl to the parsing stage: a crawl's parse jobs, on the process's one parse pool.

Every crawl of a process submits to one ParsePool (lifecycle/parse_pool.py: the worker processes, the per-document
time and memory limits, the retry after a dead worker), created on first use and closed by whoever runs the
process's crawls (`close_shared_pool`, cli/run.py; at exit otherwise). A ParseStage is one crawl's share of it: it
counts that crawl's jobs, collects their results as they come, and its end waits for its own jobs only — other
crawls' parses keep going. A stage made without a pool (a re-parse, tests) has a pool of its own.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from archive.dedup import Dedup
from kernel.config import Config
from lifecycle.parse_pool import (
    DEFAULT_MEMORY_LIMIT_MB,
    MAX_ATTEMPTS,
    ParseJob,
    ParseJobResult,
    ParsePool,
    Runner,
    run_job,
)
from storage.reparse import StoredPayload
from storage.reports import Outcome

__all__ = ["DEFAULT_MEMORY_LIMIT_MB", "MAX_ATTEMPTS", "ParseJob", "ParseJobResult", "ParsePool", "ParseStage",
           "Runner", "at_originals", "close_shared_pool", "outcome_of", "parse_payloads", "run_job", "shared_pool"]

_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def shared_pool(config: Config) -> ParsePool:
    """The process's parse pool (NIANBAO_PARSE_WORKERS processes), created on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ParsePool(config.parse_workers, config.parse_timeout, config.parse_memory_mb)
        return _shared


def close_shared_pool() -> None:
    """Close the process's parse pool, if there is one (its workers are killed; queued jobs stay unparsed)."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()


atexit.register(close_shared_pool)


class ParseStage:
    """One crawl's parse jobs: submitted to a pool, their results collected as they come, in any thread.

    Made with `workers`, `timeout`, … it has a pool of its own, closed by `close()`; `ParseStage.on(pool)` shares
    one (closing the stage then leaves the pool running).
    """

    def __init__(self, workers: int = 1, timeout: float = 120.0,
                 memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB, runner: Runner = run_job, *,
                 pool: ParsePool | None = None) -> None:
        self.owns_pool = pool is None
        # The crawl's site's known units (crawler/units.py keeps them current), given to every job submitted.
        self.known_units: tuple[tuple[str, str | None], ...] = ()
        self.pool = pool if pool is not None else ParsePool(workers, timeout, memory_limit_mb, runner)
        self._done = threading.Condition()
        self._ready: list[ParseJobResult] = []
        self._outstanding = 0

    @classmethod
    def on(cls, pool: ParsePool) -> ParseStage:
        return cls(pool=pool)

    @property
    def pending(self) -> int:
        """Jobs submitted whose result has not come back yet."""
        with self._done:
            return self._outstanding

    def submit(self, job: ParseJob) -> None:
        if self.known_units and not job.known_units:
            job = replace(job, known_units=self.known_units)
        with self._done:
            self._outstanding += 1
        self.pool.submit(job, self._deliver)

    def _deliver(self, result: ParseJobResult) -> None:
        with self._done:
            self._ready.append(result)
            self._outstanding -= 1
            self._done.notify_all()

    def take_ready(self) -> list[ParseJobResult]:
        """The results come back since the last call (never waits)."""
        with self._done:
            ready, self._ready = self._ready, []
        return ready

    def wait(self) -> None:
        """Block until every submitted job has its result (the pool's time limit bounds each job)."""
        with self._done:
            self._done.wait_for(lambda: self._outstanding == 0)

    def drain(self, on_result: Callable[[ParseJobResult], None]) -> int:
        """Wait for every submitted job and hand each result over, in the caller's thread, as it comes."""
        done = 0
        while True:
            with self._done:
                self._done.wait_for(lambda: bool(self._ready) or self._outstanding == 0)
                ready, self._ready = self._ready, []
                finished = self._outstanding == 0
            for result in ready:
                on_result(result)
                done += 1
            if finished and not ready:
                return done

    def close(self) -> None:
        """Done with the stage: a pool of its own is closed (a stuck worker killed); a shared one keeps running."""
        if self.owns_pool:
            self.pool.close()


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


def parse_payloads(config: Config, todo: list[StoredPayload], parser_version: str,
                   pool: ParsePool | None = None) -> Iterator[Outcome]:
    """Parse payloads read back from the archive (each at the record `todo` names) in `pool` (else a pool of its
    own), as storage Outcomes."""
    stage = (ParseStage(config.parse_workers, config.parse_timeout, config.parse_memory_mb) if pool is None
             else ParseStage.on(pool))
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
