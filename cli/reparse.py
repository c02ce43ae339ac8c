"""`nianbao reparse [--all|--site ID]`: parse stored payloads again from the WARCs, without fetching.

Only payloads the current parser version has not parsed are parsed; a report gains a version only where its
record changed. With an unchanged parser nothing is parsed and nothing is added.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from kernel.config import Config


def register(sub: Any) -> None:
    p = sub.add_parser("reparse", help="re-run the parser over stored payloads (no fetching)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every site in the catalogue")
    which.add_argument("--site", help="one site id")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.errors import NianbaoError
    from lifecycle.parse_stage import parse_payloads
    from lifecycle.reparse import reparse_site
    from parsing.report import PARSER_VERSION
    from storage.db import open_catalogue
    from storage.reparse import site_rows

    config = Config.load()
    sessions = open_catalogue(config.database_url)
    sites = site_rows(sessions, None if args.all else args.site)
    if not sites:
        raise NianbaoError(f"no site {args.site!r} in the catalogue" if args.site else "the catalogue has no sites")
    for site in sites:
        result = reparse_site(sessions, site, PARSER_VERSION, lambda todo: parse_payloads(config, todo, PARSER_VERSION),
                              datetime.now(UTC))
        print(f"site={result.site} parser={PARSER_VERSION} parsed={result.parsed} "
              f"new_versions={len(result.new_version_ids)}")
    return 0
