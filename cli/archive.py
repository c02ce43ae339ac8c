"""`nianbao archive index|verify|pywb|export-wacz`: keep the WARC archive indexed, checked, replayable, exportable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("archive", help="index, verify, replay (pywb) or export (WACZ) the WARC archive")
    commands = p.add_subparsers(required=True, metavar="ACTION")
    index = commands.add_parser("index", help="(re)write the CDXJ index beside every finished WARC file")
    index.add_argument("--missing-only", action="store_true", help="only files that have no index yet")
    index.add_argument("--merged", action="store_true",
                       help="also write merged/index.cdxj: one sorted index over every file (what a distributed "
                            "crawl's finalizer writes)")
    index.set_defaults(run=run_index)
    verify = commands.add_parser("verify", help="check record digests, CDXJ lines and catalogue offsets")
    verify.set_defaults(run=run_verify)
    pywb = commands.add_parser("pywb", help="write a pywb config.yaml whose collection replays the archive")
    pywb.add_argument("--dir", type=Path, help="where config.yaml goes (default: $NIANBAO_HOME/pywb)")
    pywb.set_defaults(run=run_pywb)
    wacz = commands.add_parser("export-wacz", help="write a WACZ of the archive, a site or a crawl")
    wacz.add_argument("--site", help="site id: only WARC files holding this site's captures")
    wacz.add_argument("--crawl", type=int, help="crawl id: only WARC files holding this crawl's captures")
    wacz.add_argument("-o", "--output", type=Path, help="default: $NIANBAO_HOME/<site|crawl|archive>.wacz")
    wacz.set_defaults(run=run_export_wacz)


def run_index(args: argparse.Namespace) -> int:
    from archive.cdxj import index_directory, merge_indexes
    from archive.repair import repair_open_files
    from kernel.config import Config

    warc_dir = Config.load().warc_dir
    repair_open_files(warc_dir)
    written = index_directory(warc_dir, only_missing=args.missing_only)
    print(f"indexed {len(written)} WARC file(s) in {warc_dir}")
    if args.merged:
        print(f"merged index: {merge_indexes(warc_dir)}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from archive.verify import verify_archive
    from kernel.config import Config
    from storage.catalog import Catalog
    from storage.db import open_catalogue

    config = Config.load()
    catalog = Catalog(open_catalogue(config.database_url))
    problems = verify_archive(config.warc_dir, catalog.iter_captures())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {config.warc_dir}", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def run_pywb(args: argparse.Namespace) -> int:
    from archive.cdxj import index_directory
    from archive.pywb import COLLECTION, write_pywb_config
    from kernel.config import Config

    config = Config.load()
    index_directory(config.warc_dir, only_missing=True)
    path = write_pywb_config(args.dir or config.home / "pywb", config.warc_dir)
    print(f"wrote {path}: collection {COLLECTION!r} over {config.warc_dir}")
    print(f"replay: cd {path.parent} && wayback --bind 127.0.0.1 -p 8080   (pywb from .venv-pywb)")
    return 0


def run_export_wacz(args: argparse.Namespace) -> int:
    from archive.cdxj import finished_warcs
    from archive.dedup import Dedup
    from archive.wacz import Page, export_wacz
    from kernel.config import Config
    from kernel.errors import ArchiveError
    from storage.catalog import Catalog
    from storage.db import open_catalogue
    from storage.reports import as_utc

    config = Config.load()
    catalog = Catalog(open_catalogue(config.database_url))
    if args.site or args.crawl:
        names = Dedup(catalog).warc_files(catalog.iter_captures(crawl_id=args.crawl, site_id=args.site))
    else:
        names = {path.name for path in finished_warcs(config.warc_dir)}
    missing = sorted(n for n in names if not (config.warc_dir / n).exists())
    if missing:
        raise ArchiveError(f"WARC file(s) not finished or missing in {config.warc_dir}: {', '.join(missing)}")
    pages = [Page(p.url, p.title, as_utc(p.captured_at)) for p in catalog.pages(crawl_id=args.crawl, site_id=args.site)]
    label = f"crawl-{args.crawl}" if args.crawl else (args.site or "archive")
    output = args.output or config.home / f"{label}.wacz"
    export_wacz([config.warc_dir / n for n in sorted(names)], pages, output, title=f"nianbao {label}")
    print(f"wrote {output}: {len(names)} WARC file(s), {len(pages)} page(s)")
    return 0
