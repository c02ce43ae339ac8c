"""Parse-stage runners for tests (module level so spawned workers can import them): a job's URL says
what the fake parse does — "sleep" hangs, "hog" allocates far past the memory limit, anything else parses."""

from __future__ import annotations

import time

from lifecycle.parse_stage import ParseJob, ParseJobResult


def misbehaving_parse(job: ParseJob) -> ParseJobResult:
    if job.url.endswith("/sleep"):
        time.sleep(60)
    if job.url.endswith("/hog"):
        hog = bytearray(4 * 2**30)  # 4 GB: over any limit the test sets
        hog[-1] = 1
    return ParseJobResult(job, ok=True, is_report=True, source_kind="text", text=job.url)
