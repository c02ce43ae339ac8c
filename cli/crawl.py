"""`nianbao crawl <site>` / `nianbao crawl --all`: on-demand fetch of one site, or of every registry site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.run import RunLog
    from cli.summary import ProgressDisplay


def register(sub: Any) -> None:
    p = sub.add_parser("crawl", help="crawl one site (registry id or home URL) or --all registry sites")
    p.add_argument("site", nargs="?", help="registry id (see spiders/sites.toml) or a home URL")
    p.add_argument("--all", action="store_true", help="crawl every registry site side by side, with progress")
    p.add_argument("--proxy", default="", help="HTTP proxy for every request (default: $http_proxy)")
    p.add_argument("--resume", action="store_true",
                   help="go on with the site's last run if it was cut short (killed or stopped): what it already "
                        "archived is not fetched again")
    p.add_argument("--no-wait", action="store_true",
                   help="do not wait for the parses: documents stay unparsed, and the reports (and withdrawals) "
                        "appear after `nianbao reparse --pending`")
    p.add_argument("--distributed", action="store_true",
                   help="open the crawl(s) and hand them to `nianbao worker` processes through Redis; returns at once")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="on a terminal, show Scrapy's whole log too (by default: the progress display and warnings; "
                        "the full log is in $NIANBAO_HOME/logs/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cli.run import run_crawl
    from cli.summary import print_crawl_summary

    if args.all == bool(args.site):
        print("nianbao crawl: give a site (registry id or home URL) or --all", file=sys.stderr)
        return 2
    if args.distributed:
        return run_distributed(args)
    if args.all:
        return run_all(args.proxy, args.resume, args.no_wait, args.verbose)
    with terminal_run(args.verbose) as (progress, log):
        result = run_crawl(args.site, proxy=args.proxy, resume=args.resume, on_tick=progress, no_wait=args.no_wait,
                           log=log)
    print_crawl_summary(result)
    print_log_path(log)
    return 0 if result.status == "finished" else 1


def run_all(proxy: str, resume: bool = False, no_wait: bool = False, verbose: bool = False) -> int:
    from cli.run import run_crawls
    from cli.summary import print_sites_summary
    from spiders.registry import load_registry

    with terminal_run(verbose) as (progress, log):
        results = run_crawls(list(load_registry()), proxy=proxy, on_tick=progress, resume=resume, no_wait=no_wait,
                             log=log)
    print_sites_summary(results, key_value=not sys.stdout.isatty())
    print_log_path(log)
    return 0 if all(r.status == "finished" for r in results) else 1


@contextmanager
def terminal_run(verbose: bool) -> Iterator[tuple[ProgressDisplay, RunLog | None]]:
    """The progress display, and on a terminal the run's log set-up (RunLog: the full log to a file, warnings —
    or with `verbose` the whole log — above the display). Off a terminal, logging stays Scrapy's (stderr) and the
    display `progress key=value` lines."""
    from cli.run import RunLog
    from cli.summary import ProgressDisplay

    tty = sys.stdout.isatty()
    with ProgressDisplay(sys.stdout, tty) as progress:
        log = RunLog(progress.log_handler(), verbose) if tty else None
        try:
            yield progress, log
        finally:
            if log is not None:
                log.close()


def print_log_path(log: RunLog | None) -> None:
    if log is not None and log.path is not None:
        print(f"full log: {log.path}")


def run_distributed(args: argparse.Namespace) -> int:
    from distributed.enqueue import enqueue_site
    from distributed.keys import redis_client, require_postgresql
    from kernel.config import Config
    from spiders.registry import load_registry
    from storage.crawls import RunConflict

    if args.resume or args.no_wait:
        print(f"nianbao crawl: {'--resume' if args.resume else '--no-wait'} and --distributed do not go together",
              file=sys.stderr)
        return 2
    config = Config.load()
    require_postgresql(config)
    server = redis_client(config)
    status = 0
    for site_ref in list(load_registry()) if args.all else [args.site]:
        try:
            print(f"enqueued site={site_ref} crawl={enqueue_site(config, server, site_ref)}")
        except RunConflict:
            print(f"skipped site={site_ref} reason=a run of the site is going on (`nianbao status`)")
            status = 1
    if args.proxy:
        print("note: --proxy is a worker setting here; give it to `nianbao worker`", file=sys.stderr)
    return status
