"""`nianbao crawl <site>`: on-demand fetch of one site into the archive."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("crawl", help="crawl one site (registry id or home URL) into the archive")
    p.add_argument("site", help="registry id (see spiders/sites.toml) or a home URL")
    p.add_argument("--proxy", default="", help="HTTP proxy for every request (default: $http_proxy)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from crawler.run import run_crawl
    from crawler.summary import print_crawl_summary

    result = run_crawl(args.site, proxy=args.proxy)
    print_crawl_summary(result)
    return 0 if result.status == "finished" else 1
