"""`nianbao db upgrade | current | history | downgrade`: the catalogue's schema migrations, run by an operator.

A PostgreSQL catalogue is never upgraded implicitly once it has a schema (other commands refuse one that is
behind and name `nianbao db upgrade`); SQLite catalogues still upgrade themselves when opened.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="the catalogue's schema migrations (NIANBAO_DATABASE_URL)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    up = actions.add_parser("upgrade", help="bring the catalogue to the newest schema (or to REV)")
    up.add_argument("revision", nargs="?", default="head", metavar="REV")
    actions.add_parser("current", help="the catalogue's revision and the one this nianbao needs")
    actions.add_parser("history", help="every migration, oldest first")
    down = actions.add_parser("downgrade", help="take the catalogue back to REV (default: one step back)")
    down.add_argument("revision", nargs="?", default="-1", metavar="REV")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.config import Config
    from storage import db

    url = Config.load().database_url
    before = db.current_revision(url) if args.action != "history" else None
    if args.action == "upgrade":
        db.upgrade(url, args.revision)
    elif args.action == "downgrade":
        db.downgrade(url, args.revision)
    elif args.action == "history":
        current = db.current_revision(url)
        for revision, doc in db.revisions():
            marks = "".join([" (head)" if revision == db.head_revision() else "",
                             " (current)" if revision == current else ""])
            print(f"{revision}{marks} {doc}")
        return 0
    after = db.current_revision(url)
    state = "current" if after == db.head_revision() else ("empty" if after is None else "behind")
    changed = f" from={before or 'none'}" if args.action != "current" else ""
    print(f"db {args.action}{changed} revision={after or 'none'} head={db.head_revision()} state={state}")
    return 0
