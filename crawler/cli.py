"""The `nianbao` command: crawl a site, list reports, parse a file, serve the sample web, run the demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crawler.errors import NianbaoError


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except NianbaoError as exc:
        print(f"nianbao: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    crawl = sub.add_parser("crawl", help="crawl one site (registry id or home URL) into the archive")
    crawl.add_argument("site", help="registry id (see spiders/sites.toml) or a home URL")
    crawl.add_argument("--proxy", default="", help="HTTP proxy for every request (default: $http_proxy)")
    crawl.set_defaults(run=_crawl)

    reports = sub.add_parser("reports", help="print the latest version of each stored report")
    reports.add_argument("--format", choices=["json", "table"], default="table")
    reports.add_argument("--site")
    reports.add_argument("--year", type=int)
    reports.add_argument("--unit", help="substring of the unit name")
    reports.set_defaults(run=_reports)

    parse = sub.add_parser("parse", help="parse one local document (PDF/DOCX/DOC/HTML/text)")
    parse.add_argument("file", type=Path)
    parse.add_argument("--json", action="store_true", help="print the report JSON object")
    parse.set_defaults(run=_parse)

    web = sub.add_parser("sampleweb", help="serve the sample county web on loopback (use it as http_proxy)")
    web.add_argument("--port", type=int, default=8089)
    web.set_defaults(run=_sampleweb)

    demo = sub.add_parser("demo", help="start the sample web, crawl 平罗县 through it, print what was found")
    demo.add_argument("--site", default="pingluo")
    demo.set_defaults(run=_demo)
    return p


def _crawl(args: argparse.Namespace) -> int:
    from crawler.run import run_crawl

    result = run_crawl(args.site, proxy=args.proxy)
    from crawler.summary import print_crawl_summary

    print_crawl_summary(result)
    return 0 if result.status == "finished" else 1


def _reports(args: argparse.Namespace) -> int:
    from crawler.config import Config
    from storage.db import open_catalogue
    from storage.reports import latest_reports

    objs = latest_reports(open_catalogue(Config.load().database_url), site=args.site, year=args.year,
                          unit=args.unit)
    if args.format == "json":
        for obj in objs:
            print(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    else:
        from crawler.summary import print_reports_table

        print_reports_table(objs)
    return 0


def _parse(args: argparse.Namespace) -> int:
    from parsing.report import parse_document

    result = parse_document(args.file.read_bytes(), filename=args.file.name, url=args.file.resolve().as_uri())
    if args.json:
        print(json.dumps(result.record, ensure_ascii=False, indent=2))
    else:
        rec: dict[str, Any] = result.record
        print(f"report={result.is_report} kind={result.source_kind} unit={rec.get('unit_name')} "
              f"year={rec.get('report_year')} format={rec.get('format_version')}")
    return 0


def _sampleweb(args: argparse.Namespace) -> int:
    from sampleweb.server import main as sampleweb_main

    return sampleweb_main(["--port", str(args.port)])


def _demo(args: argparse.Namespace) -> int:
    from crawler.run import run_crawl
    from crawler.summary import print_crawl_summary
    from sampleweb.server import SampleWebServer

    with SampleWebServer() as web:
        print(f"sample web listening on {web.proxy_url}; crawling site={args.site} through it", flush=True)
        result = run_crawl(args.site, proxy=web.proxy_url)
    print_crawl_summary(result)
    return 0 if result.status == "finished" else 1


if __name__ == "__main__":
    raise SystemExit(main())
