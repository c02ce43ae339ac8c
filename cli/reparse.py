"""`nianbao reparse --all|--site ID|--pending [--site ID]`: parse stored payloads again from the WARCs, without
fetching.

Only payloads the current parser version has not parsed are parsed; a report gains a version only where its
record changed. With an unchanged parser nothing is parsed and nothing is added. `--pending` says what a run after
`crawl --no-wait` is for: the deferred parses are done, and the crawl's reports assembled (lifecycle/reparse.py).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from kernel.config import Config


def register(sub: Any) -> None:
    p = sub.add_parser("reparse", help="re-run the parser over stored payloads (no fetching)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every site in the catalogue")
    which.add_argument("--pending", action="store_true",
                       help="what `crawl --no-wait` left: parse every payload with no outcome for this parser "
                            "version and assemble the reports (every site, or --site)")
    p.add_argument("--site", help="one site id")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.errors import NianbaoError
    from lifecycle.parse_stage import close_shared_pool, parse_payloads, shared_pool
    from lifecycle.reparse import reparse_site
    from parsing.version import PARSER_VERSION
    from storage.db import open_catalogue
    from storage.reparse import site_rows

    if args.all == bool(args.site) and not args.pending:
        print("nianbao reparse: give --all, --site ID or --pending [--site ID]", file=sys.stderr)
        return 2
    config = Config.load()
    sessions = open_catalogue(config.database_url)
    sites = site_rows(sessions, args.site or None)
    if not sites:
        raise NianbaoError(f"no site {args.site!r} in the catalogue" if args.site else "the catalogue has no sites")
    pool = shared_pool(config)  # one pool for every site
    try:
        for site in sites:
            result = reparse_site(sessions, site, PARSER_VERSION,
                                  lambda todo: parse_payloads(config, todo, PARSER_VERSION, pool), datetime.now(UTC))
            print(f"site={result.site} parser={PARSER_VERSION} parsed={result.parsed} "
                  f"new_versions={len(result.new_version_ids)}")
    finally:
        close_shared_pool()
    return 0
