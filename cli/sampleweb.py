"""`nianbao sampleweb`: serve the sample county web on loopback."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("sampleweb", help="serve the sample county web on loopback (use it as http_proxy)")
    p.add_argument("--port", type=int, default=8089)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sampleweb.server import main as sampleweb_main

    return sampleweb_main(["--port", str(args.port)])
