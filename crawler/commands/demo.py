"""`nianbao demo`: start the sample web, crawl a site through it, print what was found."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="start the sample web, crawl 平罗县 through it, print what was found")
    p.add_argument("--site", default="pingluo")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from crawler.run import run_crawl
    from crawler.summary import print_crawl_summary
    from sampleweb.server import SampleWebServer

    with SampleWebServer() as web:
        print(f"sample web listening on {web.proxy_url}; crawling site={args.site} through it", flush=True)
        result = run_crawl(args.site, proxy=web.proxy_url)
    print_crawl_summary(result)
    return 0 if result.status == "finished" else 1
