"""The `nianbao` command: crawl sites, list reports, parse files, serve the sample web, run the demo."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from cli import COMMANDS
from kernel.errors import NianbaoError


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except NianbaoError as exc:
        print(f"nianbao: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"cli.{name}").register(sub)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
