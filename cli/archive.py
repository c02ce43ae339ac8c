"""`nianbao archive index|verify|captures|pywb|export-wacz`: keep the WARC archive indexed, checked, replayable,
exportable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import archive_wacz


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
    captures = commands.add_parser("captures", help="every capture of a URL in the replay index, oldest first "
                                                    "(what pywb's calendar and ReplayWeb.page's timeline show)")
    captures.add_argument("url")
    captures.set_defaults(run=run_captures)
    archive_wacz.register(commands)

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


def run_captures(args: argparse.Namespace) -> int:
    from archive.cdxj import captures_of
    from kernel.config import Config

    found = captures_of(Config.load().warc_dir, args.url)
    for capture in found:
        # A warc/revisit line replays as the capture it refers to (a 304 confirmation or an identical payload).
        print(f"{capture.timestamp} {capture.status} {capture.mime} {capture.filename}@{capture.offset}")
    print(f"{len(found)} capture(s) of {args.url}", file=sys.stderr)
    return 0 if found else 1


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
