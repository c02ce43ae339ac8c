"""`nianbao schedule`: crawl the registry's sites on their cron schedules, in the foreground, until SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("schedule", help="run the registry's sites on their schedules until SIGTERM (a service)")
    p.add_argument("--proxy", default="", help="HTTP proxy for every crawl (default: $http_proxy)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.config import Config
    from scheduling.service import ScheduleService
    from spiders.registry import load_registry

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    service = ScheduleService(Config.load(), load_registry(), proxy=args.proxy)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("schedule signal=%s stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    service.start()
    while not stop.wait(1.0):
        pass
    service.stop()
    return 0
