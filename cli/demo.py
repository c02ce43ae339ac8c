"""`nianbao demo`: start the sample web, crawl a site through it, print what was found, then serve the UI on it."""

from __future__ import annotations

import argparse
import secrets
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="start the sample web, crawl 平罗县 through it, print what was found, serve the UI")
    p.add_argument("--site", default="pingluo")
    p.add_argument("--no-serve", action="store_true", help="stop after the crawl summary (scripts, tests)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("-v", "--verbose", action="store_true", help="on a terminal, show Scrapy's whole log too")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cli.crawl import print_log_path, terminal_run
    from cli.run import run_crawl
    from cli.summary import print_crawl_summary
    from sampleweb.server import SampleWebServer

    with SampleWebServer() as web:
        print(f"sample web listening on {web.proxy_url}; crawling site={args.site} through it", flush=True)
        with terminal_run(args.verbose) as (progress, log):
            result = run_crawl(args.site, proxy=web.proxy_url, on_tick=progress if log else None, log=log)
        print_crawl_summary(result)
        print_log_path(log)
        if result.status != "finished":
            return 1
        if not args.no_serve:
            _serve(args, web.proxy_url)
    return 0


def _serve(args: argparse.Namespace, proxy_url: str) -> None:
    """The UI on the demo's data; on-demand crawls go through the sample web, which stays up meanwhile."""
    from dataclasses import replace

    from cli.serve import serve
    from kernel.config import Config

    config = replace(Config.load(), proxy=proxy_url)
    if not config.ui_password:
        config = replace(config, ui_password=secrets.token_urlsafe(9))
        print(f"operator password for this demo: {config.ui_password} (NIANBAO_UI_PASSWORD sets one)", flush=True)
    serve(config, args.host, args.port)
