"""`nianbao worker`: a distributed-mode worker (Redis queue, PostgreSQL catalogue, shared archive directory)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("worker", help="work on the crawls `nianbao crawl --distributed` enqueued (Redis + PostgreSQL)")
    p.add_argument("--burst", action="store_true", help="exit once no active crawl is left to join")
    p.add_argument("--poll", type=float, default=2.0, help="seconds between two looks for new crawls (default 2)")
    p.add_argument("--proxy", default="", help="HTTP proxy for every request (default: $http_proxy)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from distributed.worker import run_worker

    return run_worker(burst=args.burst, poll=args.poll, proxy=args.proxy)
