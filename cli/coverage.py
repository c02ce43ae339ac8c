"""`nianbao coverage`: for each known unit × year, found / missing / withdrawn, late, changed after publication."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from cli.reports import AS_OF_HELP


def register(sub: Any) -> None:
    p = sub.add_parser("coverage", help="which reports of which units and years are found, missing or late")
    p.add_argument("--site")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p.add_argument("--as-of", metavar="WHEN", help=AS_OF_HELP)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cli.summary import table
    from kernel.config import Config
    from storage.asof import resolve_as_of
    from storage.coverage import coverage
    from storage.db import open_catalogue

    sessions = open_catalogue(Config.load().database_url)
    rows = coverage(sessions, site=args.site, as_of=resolve_as_of(sessions, args.as_of))
    if args.format == "json":
        for row in rows:
            print(json.dumps(asdict(row), ensure_ascii=False, default=str))
        return 0
    print(table(["site", "unit", "level", "year", "state", "published", "deadline", "late", "changed"],
                [(r.site, r.unit_name, r.unit_level, r.report_year, r.state, r.published_at, r.deadline,
                  _yes(r.late), _yes(r.changed_after_publication)) for r in rows]))
    states = [r.state for r in rows]
    print(f"{len(rows)} unit-year(s): found={states.count('found')} missing={states.count('missing')} "
          f"withdrawn={states.count('withdrawn')} late={sum(1 for r in rows if r.late)}")
    return 0


def _yes(flag: bool | None) -> str:
    return "?" if flag is None else ("yes" if flag else "")
