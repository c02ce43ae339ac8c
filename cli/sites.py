"""`nianbao sites list|add|check`: the site registry (spiders/registry.py: the shipped spiders/sites.toml with
$NIANBAO_HOME/sites.toml on top, or NIANBAO_REGISTRY alone). `add` writes to NIANBAO_REGISTRY or
$NIANBAO_HOME/sites.toml, never into the installed package.

`check` walks every row quickly (home reachable, annual-report column found, reports listed) and records a
failure as an alert in NIANBAO_HOME/alerts/<site>.jsonl, beside the drift alerts of crawls (storage/drift.py).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("sites", help="list, add and check the sites of the registry")
    cmds = p.add_subparsers(required=True, metavar="ACTION")
    cmds.add_parser("list", help="one line per registry site, with its alert count").set_defaults(run=run_list)
    add = cmds.add_parser("add", help="detect a site's family and column from its home URL and add its row")
    add.add_argument("home_url")
    add.add_argument("--id", help="registry id (default: from the host name)")
    add.add_argument("--name", help="site name (default: from the home page title)")
    add.add_argument("--region-code", default="", help="行政区划代码")
    add.add_argument("--parent", default="", help="parent site id")
    add.add_argument("--proxy", default="", help="HTTP proxy (default: NIANBAO_PROXY, then http_proxy)")
    add.set_defaults(run=run_add)
    check = cmds.add_parser("check", help="validate every row: home reachable, column found, reports > 0")
    check.add_argument("--proxy", default="", help="HTTP proxy (default: NIANBAO_PROXY, then http_proxy)")
    check.add_argument("--site", action="append", help="check only this site (repeatable)")
    check.set_defaults(run=run_check)


def _proxy(args: argparse.Namespace) -> str:
    import urllib.request

    from kernel.config import Config

    return str(args.proxy or Config.load().proxy or urllib.request.getproxies().get("http", ""))


def _renderer(proxy: str) -> Any:
    from scrapy.utils.project import get_project_settings

    from spiders.probe import chromium_renderer

    settings = get_project_settings()
    if not settings.getbool("NIANBAO_BROWSER"):
        return None
    return chromium_renderer(proxy, settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))


def run_list(args: argparse.Namespace) -> int:
    from cli.summary import table
    from kernel.config import Config
    from spiders.registry import load_registry
    from storage.drift import DriftStore

    store = DriftStore(Config.load().home)
    rows = [(s.id, s.name, s.region_code, s.family, s.home_url, s.parent or "", len(store.alerts(s.id)))
            for s in load_registry().values()]
    print(table(["id", "name", "region", "family", "home_url", "parent", "alerts"], rows))
    print(f"{len(rows)} site(s)")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from spiders.probe import http_fetcher, probe_site, site_name
    from spiders.registry import Site, add_site, resolve_site

    proxy = _proxy(args)
    adhoc = resolve_site(args.home_url, registry={})
    probe = probe_site(adhoc.home_url, http_fetcher(proxy), _renderer(proxy))
    if not probe.reachable:
        print(f"sites add: {adhoc.home_url} not reachable: {probe.error}")
        return 1
    if not probe.columns:
        print(f"sites add: no annual-report column found on {adhoc.home_url}; add its URL as `columns` by hand")
        return 1
    site = Site(id=args.id or adhoc.id, name=args.name or site_name(probe.title, adhoc.name),
                home_url=adhoc.home_url, region_code=args.region_code or None, family=probe.family or None,
                parent=args.parent or None)
    path = add_site(site)
    print(f"added site={site.id} name={site.name} family={site.family or '-'} reports_listed={len(probe.reports)} "
          f"registry={path}")
    for url, rule in probe.columns.items():
        print(f"  column url={url} rule={rule}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from cli.summary import table
    from kernel.config import Config
    from spiders.probe import http_fetcher, probe_site
    from spiders.registry import load_registry
    from storage.drift import Alert, DriftStore

    proxy = _proxy(args)
    store = DriftStore(Config.load().home)
    fetch, render = http_fetcher(proxy), _renderer(proxy)
    rows, failed = [], 0
    for site in load_registry().values():
        if args.site and site.id not in args.site:
            continue
        probe = probe_site(site.home_url, fetch, render)
        problem = _problem(probe)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if problem:
            failed += 1
            store.append([Alert(site.id, now, problem[0], problem[1], source="check")])
        family = probe.family + ("" if not site.family or probe.family == site.family else f" (registry {site.family})")
        rows.append((site.id, "ok" if not problem else problem[0], "yes" if probe.reachable else "no",
                     len(probe.columns), len(probe.reports), family, len(store.alerts(site.id))))
    print(table(["site", "check", "home", "columns", "reports", "family", "alerts"], rows))
    print(f"{len(rows)} site(s) checked, {failed} failed; alerts: {store.home / 'alerts'}/<site>.jsonl")
    for row in rows:
        for alert in store.alerts(row[0])[-3:]:
            print(f"alert site={alert.site} at={alert.at} kind={alert.kind} source={alert.source} "
                  f"crawl={alert.crawl_id or '-'} detail={alert.detail}")
    return 1 if failed else 0


def _problem(probe: Any) -> tuple[str, str] | None:
    if not probe.reachable:
        return "unreachable", f"home {probe.home_url} not reachable: {probe.error}"
    if not probe.columns:
        return "no-column", "no annual-report column found from the home page"
    if not probe.reports:
        return "no-reports", "columns found but no report listed: " + ", ".join(probe.columns)
    return None
