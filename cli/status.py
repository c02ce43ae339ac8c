"""`nianbao status`: per site what is running, the last and the next run, and which sites are failing."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("status", help="running crawls, last and next run per site, failing sites")
    p.set_defaults(run=run)


def status_rows(now: datetime) -> list[dict[str, str]]:
    """One row per registry site (and per site with runs but no registry row)."""
    from kernel.config import Config
    from scheduling.cron import next_run
    from spiders.registry import load_registry
    from storage.crawls import FAILING, last_runs, running
    from storage.db import open_catalogue

    sessions = open_catalogue(Config.load().database_url)
    sites = load_registry()
    busy = {c.site_id: c for c in running(sessions)}
    last = last_runs(sessions)
    rows = []
    for site_id in sorted(set(sites) | set(last) | set(busy)):
        run, now_running = last.get(site_id), busy.get(site_id)
        nxt = next_run(sites[site_id], now) if site_id in sites else None
        rows.append({
            "site": site_id,
            "running": f"crawl {now_running.id} pid {now_running.pid}" if now_running else "-",
            "last_run": _time(run.started_at) if run else "-",
            "last_status": f"{run.status} ({run.trigger})" if run else "-",
            "next_run": _time(nxt) if nxt else "-",
            "failing": "yes" if run and run.status in FAILING else "no",
        })
    return rows


def _time(value: datetime) -> str:
    return value.astimezone().isoformat(timespec="seconds")


def run(args: argparse.Namespace) -> int:
    from cli.summary import table

    rows = status_rows(datetime.now(UTC))
    if sys.stdout.isatty():
        print(table(list(rows[0]) if rows else ["site"], [list(r.values()) for r in rows]))
        failing = [r["site"] for r in rows if r["failing"] == "yes"]
        print(f"failing: {', '.join(failing) or 'none'}")
    else:
        for row in rows:
            print("status " + " ".join(f"{k}={v.replace(' ', '_')}" for k, v in row.items()))
    return 0
