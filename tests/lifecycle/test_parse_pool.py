"""The process's one parse pool: crawls share its workers, each waits for its own jobs only, a dead worker's job is
tried once more and then fails alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lifecycle.parse_pool import ParseJob, ParseJobResult, ParsePool
from lifecycle.parse_stage import ParseStage
from tests.lifecycle.pool_hooks import pool_parse


def job(name: str) -> ParseJob:
    return ParseJob(payload_sha256=name, warc_dir="", warc_file="", warc_offset=0, url=f"http://x/{name}",
                    media_type=None)


@pytest.fixture
def pool() -> Iterator[ParsePool]:
    pool = ParsePool(workers=2, timeout=120, memory_limit_mb=None, runner=pool_parse)
    try:
        yield pool
    finally:
        pool.close()


def drained(stage: ParseStage) -> dict[str, ParseJobResult]:
    results: dict[str, ParseJobResult] = {}
    stage.drain(lambda r: results.__setitem__(r.job.payload_sha256, r))
    return results


def test_a_crawl_waits_for_its_own_parses_only(pool: ParsePool) -> None:
    slow_crawl, quick_crawl = ParseStage.on(pool), ParseStage.on(pool)
    slow_crawl.submit(job("slow"))
    for name in ("a", "b", "c"):
        quick_crawl.submit(job(name))
    results = drained(quick_crawl)
    assert sorted(results) == ["a", "b", "c"] and all(r.ok for r in results.values())
    assert slow_crawl.pending == 1 and not slow_crawl.take_ready()  # still parsing: not waited for
    quick_crawl.close()  # a shared pool outlives the stages on it
    assert pool.processes()


def test_workers_are_reused_across_crawls_and_never_more_than_the_pool_size(pool: ParsePool) -> None:
    stages = [ParseStage.on(pool) for _ in range(4)]
    for i, stage in enumerate(stages):
        for n in range(5):
            stage.submit(job(f"{i}-{n}"))
    pids: set[str] = set()
    for stage in stages:
        for result in drained(stage).values():
            assert result.ok and result.text is not None
            pids.add(result.text.split()[0])
        assert len(pool.processes()) <= 2
    assert 1 <= len(pids) <= 2  # 20 documents of 4 crawls, on the same two worker processes


def test_a_job_that_kills_its_worker_fails_after_one_retry_and_the_others_complete(pool: ParsePool) -> None:
    stage = ParseStage.on(pool)
    for name in ("a", "die", "b", "c", "d"):
        stage.submit(job(name))
    results = drained(stage)
    assert not results["die"].ok and (results["die"].reason or "").startswith("worker died")
    assert all(results[n].ok for n in ("a", "b", "c", "d"))
