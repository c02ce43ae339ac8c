"""The parse worker processes: one pool that runs parse jobs, at most `workers` at a time, with their limits.

Parsing is CPU-heavy, so it runs in worker processes outside Scrapy's reactor; each job reads its payload back from
the WARC (the archive is the one path for data) and returns a ParseJobResult. Jobs wait in a queue of small job
descriptors (a location in the archive, never a payload) and go to the workers as they free up: submitting never
blocks, and at most `workers` jobs are in the processes at once — so a job's clock starts when a worker takes it.
New workers are started and warmed (their imports done) before they get jobs: a process start that takes seconds on
a loaded machine never counts against a document's time limit.

A supervisor thread owns the executor and enforces the limits: a job still running after ``timeout`` seconds gets a
failed outcome and the workers are replaced (killing the stuck one); a memory limit (``RLIMIT_AS`` in each worker)
fails an allocation over it with a MemoryError outcome (the limit is what a document may add to a started
worker); a job whose worker died (killed, segfault) is tried once
more, alone, since the death may have been another job's fault. Every worker exits when its parent process is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.reader import read_record
from kernel.errors import NianbaoError
from lifecycle.lineage import die_with_parent

logger = logging.getLogger(__name__)
DEFAULT_MEMORY_LIMIT_MB = 2048
MAX_ATTEMPTS = 2
PARENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class ParseJob:
    """One payload to parse, located in the archive."""

    payload_sha256: str
    warc_dir: str
    warc_file: str
    warc_offset: int
    url: str
    media_type: str | None
    # The unit names the site shows, with their region codes (storage/units.py): identity evidence for the parser.
    known_units: tuple[tuple[str, str | None], ...] = ()
    # A report page's content images, in page order, as (WARC file, offset) of their records: a page with no table
    # is parsed from them joined (图片版, parsing/image_pages.py).
    images: tuple[tuple[str, int], ...] = ()


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
Deliver = Callable[[ParseJobResult], None]


def run_job(job: ParseJob) -> ParseJobResult:
    """Read the payload back from the WARC and parse it (runs in a worker process)."""
    from parsing.image_pages import parse_report_page
    from parsing.report import parse_document

    try:
        payload = read_record(Path(job.warc_dir), job.warc_file, job.warc_offset).payload
        if job.images:
            images = [read_record(Path(job.warc_dir), name, offset).payload for name, offset in job.images]
            result = parse_report_page(payload, images, url=job.url, media_type=job.media_type,
                                       known_units=dict(job.known_units))
        else:
            result = parse_document(payload, media_type=job.media_type, url=job.url, filename=job.url,
                                    known_units=dict(job.known_units))
    except NianbaoError as exc:
        return ParseJobResult(job, ok=False, reason=f"{type(exc).__name__}: {exc}")
    except MemoryError:
        raise  # reported by _guarded with the limit
    except Exception as exc:  # noqa: BLE001 — a parser bug must become a stored outcome, not a crash
        logger.exception("parse crashed url=%s", job.url)
        return ParseJobResult(job, ok=False, reason=f"parser crashed: {type(exc).__name__}: {exc}")
    return ParseJobResult(job, ok=True, is_report=result.is_report, source_kind=result.source_kind,
                          text=result.text, record=result.record, warnings=tuple(result.warnings))


_document_limit_mb = 0  # in a worker: the memory a document may take (set by _start_worker)


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)  # the parent is gone (even SIGKILLed): no orphaned worker


def _start_worker(limit_bytes: int | None, parent: int) -> None:
    """Pool initializer: die with the parent (the kernel kills the worker the moment its parent dies, even by
    SIGKILL; a watching thread where that is not available), load the document stack, then cap the address space
    at what the worker has now plus ``limit_bytes``, so a runaway parse fails, not the host. (The libraries alone
    map ~600 MB — OpenCV, ONNX Runtime, pdfium: a limit set before importing them would kill the worker at start.)"""
    if not die_with_parent(parent):
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    import parsing  # noqa: F401 — the whole document stack, before the limit

    global _document_limit_mb
    if limit_bytes:
        _document_limit_mb = limit_bytes // 2**20
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + limit_bytes, mapped + limit_bytes))


def _warm() -> int:
    """A no-op job: it returns once the worker has started and imported what a parse needs."""
    return os.getpid()


def _guarded(runner: Runner, job: ParseJob) -> ParseJobResult:
    try:
        return runner(job)
    except MemoryError:
        return ParseJobResult(job, ok=False, reason=f"memory: parse exceeded the {_document_limit_mb} MB limit")


@dataclass
class _Entry:
    job: ParseJob
    deliver: Deliver
    attempt: int = 1
    started: float = 0.0


class ParsePool:
    """Runs parse jobs in at most `workers` processes and hands each result to the `deliver` it came with (called
    in the pool's supervisor thread: keep it short). ``runner`` is the module-level function a worker calls per job
    (``run_job``; tests pass hooks)."""

    def __init__(self, workers: int, timeout: float, memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
                 runner: Runner = run_job) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_limit = memory_limit_mb * 2**20 if memory_limit_mb else None
        self.runner = runner
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._queue: deque[_Entry] = deque()
        self._running: dict[Future[ParseJobResult], _Entry] = {}
        self._closed = False
        self._executor: ProcessPoolExecutor | None = None
        self._warming: list[Future[int]] = []
        self._thread = threading.Thread(target=self._supervise, daemon=True, name="parse-pool")
        self._thread.start()

    def submit(self, job: ParseJob, deliver: Deliver) -> None:
        """Queue a job; never blocks."""
        with self._lock:
            self._queue.append(_Entry(job, deliver))
        self._wake.set()

    def processes(self) -> list[int]:
        """The pids of the live worker processes."""
        executor = self._executor
        found = list((getattr(executor, "_processes", None) or {}).values()) if executor else []
        return [p.pid for p in found if p.pid is not None and p.is_alive()]

    def close(self) -> None:
        """Stop the supervisor and kill the workers; queued jobs are dropped (their documents stay unparsed)."""
        with self._lock:
            self._closed = True
        self._wake.set()
        self._thread.join()
        self._kill_executor()

    def _supervise(self) -> None:
        while True:
            self._wake.wait(0.2)
            self._wake.clear()
            with self._lock:
                if self._closed:
                    return
                self._step()

    def _step(self) -> None:
        broken = self._collect_finished()
        overdue = [f for f, e in self._running.items() if time.monotonic() - e.started > self.timeout]
        for future in overdue:
            entry = self._running.pop(future)
            logger.warning("parse status=failed reason=timeout url=%s", entry.job.url)
            entry.deliver(ParseJobResult(entry.job, ok=False, reason=f"timeout: parse took over {self.timeout:g} s"))
        if broken or overdue:
            self._replace_executor()
        self._feed()

    def _collect_finished(self) -> bool:
        """Deliver the finished jobs' results; whether the workers broke (a worker died)."""
        broken = False
        for future in [f for f in self._running if f.done()]:
            entry = self._running.pop(future)
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool):
                broken = True
                self._retry_or_fail(entry, exc)
            elif exc is not None:
                entry.deliver(ParseJobResult(entry.job, ok=False,
                                             reason=f"worker failed: {type(exc).__name__}: {exc}"))
            else:
                entry.deliver(future.result())
        return broken

    def _retry_or_fail(self, entry: _Entry, exc: BaseException) -> None:
        if entry.attempt < MAX_ATTEMPTS:
            entry.attempt += 1
            self._queue.appendleft(entry)
            return
        entry.deliver(ParseJobResult(entry.job, ok=False, reason=f"worker died: {type(exc).__name__}: {exc}"))

    def _feed(self) -> None:
        """Hand queued jobs to free workers once they are warm; a retried job runs alone (it may be the one that
        kills workers)."""
        if self._queue and not self._warm_workers():
            return
        while self._queue and len(self._running) < self.workers:
            if any(e.attempt > 1 for e in self._running.values()):
                return
            if self._queue[0].attempt > 1 and self._running:
                return
            entry = self._queue.popleft()
            entry.started = time.monotonic()
            try:
                future = self._pool().submit(_guarded, self.runner, entry.job)
            except BrokenProcessPool:  # a worker died while idle (killed): the executor refuses jobs from then on
                logger.warning("parse pool broken while idle: new workers")
                self._replace_executor()
                future = self._pool().submit(_guarded, self.runner, entry.job)
            future.add_done_callback(lambda _f: self._wake.set())
            self._running[future] = entry

    def _warm_workers(self) -> bool:
        """Whether the workers are up: starts them (one warm-up job each) when there are none."""
        if self._executor is None:
            executor = self._pool()
            self._warming = [executor.submit(_warm) for _ in range(self.workers)]
            for future in self._warming:
                future.add_done_callback(lambda _f: self._wake.set())
        if not all(f.done() for f in self._warming):
            return False
        if any(f.exception() is not None for f in self._warming):  # a worker died starting: start them again
            logger.warning("parse workers died while starting: new workers")
            self._kill_executor()
            return False
        return True

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            ctx = multiprocessing.get_context("spawn")  # never fork a process running a Twisted reactor
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                                 initializer=_start_worker, initargs=(self.memory_limit, os.getpid()))
            self._warming = []
        return self._executor

    def _replace_executor(self) -> None:
        """Kill the workers (a stuck one with them); the jobs they had not finished go back to the queue's head."""
        self._kill_executor()
        interrupted = sorted(self._running.values(), key=lambda e: e.started, reverse=True)
        self._running.clear()
        for entry in interrupted:
            self._queue.appendleft(entry)

    def _kill_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join(5)
