"""Parse-pool runners for tests (module level so spawned workers can import them): a job's URL says what the fake
parse does — "die" kills its worker process, "slow" takes 60 s, anything else parses at once."""

from __future__ import annotations

import os
import time

from lifecycle.parse_pool import ParseJob, ParseJobResult


def pool_parse(job: ParseJob) -> ParseJobResult:
    if job.url.endswith("/die"):
        os._exit(9)
    if job.url.endswith("/slow"):
        time.sleep(60)
    return ParseJobResult(job, ok=True, is_report=False, source_kind="text", text=f"{os.getpid()} {job.url}")
