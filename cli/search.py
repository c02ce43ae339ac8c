"""`nianbao search PHRASE`: reports whose text contains a phrase (Chinese works: trigram indexes)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="full-text search over the stored reports' texts")
    p.add_argument("phrase", help="text to find, e.g. 优化营商环境")
    p.add_argument("--site")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cli.summary import table
    from kernel.config import Config
    from storage.db import open_catalogue
    from storage.search import search_reports

    hits = search_reports(open_catalogue(Config.load().database_url), args.phrase, site=args.site,
                          limit=args.limit)
    print(table(["site", "year", "unit", "status", "snippet"],
                [(h.site, h.report_year, h.unit_name, h.status, h.snippet) for h in hits]))
    print(f"{len(hits)} report(s)")
    return 0 if hits else 1
