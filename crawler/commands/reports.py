"""`nianbao reports`: the latest version of each stored report, as JSON lines or a table."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("reports", help="print the latest version of each stored report")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p.add_argument("--site")
    p.add_argument("--year", type=int)
    p.add_argument("--unit", help="substring of the unit name")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import Config
    from crawler.summary import print_reports_table
    from storage.db import open_catalogue
    from storage.reports import latest_reports

    objs = latest_reports(open_catalogue(Config.load().database_url), site=args.site, year=args.year,
                          unit=args.unit)
    if args.format == "json":
        for obj in objs:
            print(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    else:
        print_reports_table(objs)
    return 0
