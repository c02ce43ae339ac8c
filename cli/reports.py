"""`nianbao reports`: the current (or `--as-of` a moment) version of each stored report, as JSON, CSV or a table."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

# Shared with `nianbao coverage`; the forms are storage.asof's.
AS_OF_HELP = ("as things stood then: YYYY-MM-DD (end of that day, UTC), an ISO 8601 date-time with zone "
              "(2026-01-05T10:00:00+08:00, …Z), a Wayback timestamp (20260105100000, UTC) or a crawl "
              "(crawl:123 or 123: the end of that crawl)")


def register(sub: Any) -> None:
    p = sub.add_parser("reports", help="print the latest version of each stored report")
    p.add_argument("--format", choices=["json", "csv", "table"], default="table",
                   help="json: one §9 object per line; csv: one row per report with the headline numbers")
    p.add_argument("--site")
    p.add_argument("--year", type=int)
    p.add_argument("--unit", help="substring of the unit name")
    p.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cli.summary import print_reports_table
    from kernel.config import Config
    from storage.asof import resolve_as_of
    from storage.db import open_catalogue
    from storage.queries import CSV_COLUMNS, csv_row, latest_reports

    sessions = open_catalogue(Config.load().database_url)
    objs = latest_reports(sessions, site=args.site, year=args.year, unit=args.unit,
                          as_of=resolve_as_of(sessions, args.as_of))
    if args.format == "json":
        for obj in objs:
            print(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(obj) for obj in objs)
    else:
        print_reports_table(objs)
    return 0
