"""The parse stage's limits: a document over its time or memory limit gets a failed outcome; others finish."""

from __future__ import annotations

import time

from lifecycle.parse_stage import ParseJob, ParseJobResult, ParseStage
from tests.parsing.stage_hooks import misbehaving_parse


def job(name: str) -> ParseJob:
    return ParseJob(payload_sha256=name, warc_dir="", warc_file="", warc_offset=0, url=f"http://x/{name}",
                    media_type=None)


def run(names: list[str], timeout: float) -> dict[str, ParseJobResult]:
    stage = ParseStage(workers=2, timeout=timeout, memory_limit_mb=512, runner=misbehaving_parse)
    results: dict[str, ParseJobResult] = {}
    try:
        for name in names:
            stage.submit(job(name))
        stage.drain(lambda r: results.__setitem__(r.job.payload_sha256, r))
    finally:
        stage.close()
    return results


def test_job_over_time_limit_fails_and_the_others_complete() -> None:
    started = time.monotonic()
    results = run(["a", "sleep", "b", "c"], timeout=5)
    assert time.monotonic() - started < 40
    assert not results["sleep"].ok and (results["sleep"].reason or "").startswith("timeout: parse took over 5 s")
    assert all(results[n].ok and results[n].text == f"http://x/{n}" for n in ("a", "b", "c"))


def test_job_over_memory_limit_fails_and_the_others_complete() -> None:
    results = run(["a", "hog", "b"], timeout=30)
    assert not results["hog"].ok and (results["hog"].reason or "").startswith("memory: parse exceeded the 512 MB")
    assert results["a"].ok and results["b"].ok
