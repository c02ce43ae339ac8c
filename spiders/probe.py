"""A quick synchronous walk of one site with the discovery rules (no archive): for `nianbao sites add` and
`nianbao sites check`. Reports are counted from list titles; JS-only lists are rendered with chromium."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spiders import discovery as rules
from spiders.classify import REPORT, classify_title
from spiders.links import Link, anchors, page_title, redirect_target
from spiders.modules import module_choices, module_pages, module_report_title
from spiders.navigation import column_links, nav_children, section_links, subcolumns
from spiders.pagination import pager_links
from spiders.scope import SiteScope
from spiders.script_lists import draws_list_by_script

Fetch = Callable[[str], str]
_CHARSET = re.compile(rb"charset=[\"']?([\w-]+)", re.I)


@dataclass
class Probe:
    """What a quick walk found: reachable home, detected family, columns (URL → rule), report titles."""

    home_url: str
    reachable: bool = False
    error: str = ""
    title: str = ""
    family: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    reports: set[str] = field(default_factory=set)
    fetches: int = 0


def http_fetcher(proxy: str = "", timeout: float = 20) -> Fetch:
    """GET through `proxy` (or none), decoded by the declared charset (GBK pages included)."""
    handlers: list[Any] = [urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {})]
    opener = urllib.request.build_opener(*handlers)

    def fetch(url: str) -> str:
        request = urllib.request.Request(url, headers={"User-Agent": "nianbao-probe/0.1"})
        with opener.open(request, timeout=timeout) as resp:
            body = resp.read()
            declared = resp.headers.get_content_charset() or ""
        m = _CHARSET.search(body[:2048])
        charset = declared or (m.group(1).decode() if m else "utf-8")
        charset = "gb18030" if charset.lower() in ("gbk", "gb2312") else charset
        return str(body.decode(charset, errors="replace"))

    return fetch


def detect_family(pages: list[str]) -> str:
    """The CMS family whose markers the pages show most (empty when none)."""
    counts = {family: sum(len(marker.findall(text)) for text in pages) for family, marker in rules.FAMILY_MARKERS}
    best = max(counts, key=lambda f: counts[f])
    return best if counts[best] else ""


def probe_site(home_url: str, fetch: Fetch, render: Fetch | None = None, max_fetches: int = 40) -> Probe:
    """Home → section(s) → column(s) → first list pages; counts report titles (no article is opened)."""
    probe = Probe(home_url)
    scope = SiteScope([home_url.split("/")[2].removeprefix("www.")])
    seen: set[str] = set()
    texts: list[str] = []

    def get(url: str, renderer: Fetch = fetch) -> str | None:
        if probe.fetches >= max_fetches or url in seen:
            return None
        seen.add(url)
        probe.fetches += 1
        try:
            text = renderer(url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            if url == home_url:
                probe.error = str(exc)
            return None
        texts.append(text)
        shell = redirect_target(url, text)
        return get(shell, renderer) if shell else text

    home = get(home_url)
    if home is None:
        return probe
    probe.reachable, probe.title = True, page_title(home)
    _walk_navigation(probe, home_url, home, scope, get)
    for column in list(probe.columns):
        _walk_column(probe, column, scope, get, render)
    probe.family = detect_family(texts)
    return probe


def _walk_navigation(probe: Probe, url: str, text: str, scope: SiteScope, get: Callable[..., str | None]) -> None:
    frontier = [(url, text, 0)]
    while frontier:
        page, body, depth = frontier.pop(0)
        links = scope.keep(anchors(page, body))
        found = column_links(links)
        probe.columns.update({link.url: link.rule for link in found})
        for link in found:  # the column's sub-columns nested under it in the menu
            probe.columns.update({sub.url: sub.rule for sub in scope.keep(nav_children(page, body, link.url))})
        if depth == 0 or (depth < 3 and not found):
            for link in section_links(links):
                sub = get(link.url)
                if sub is not None:
                    frontier.append((link.url, sub, depth + 1))


def _walk_column(probe: Probe, column: str, scope: SiteScope, get: Callable[..., str | None],
                 render: Fetch | None) -> None:
    queue = [column]
    while queue:
        url = queue.pop(0)
        text = get(url)
        if text is None:
            continue
        choices = module_choices(url, text, 2100)
        if choices is not None:  # the annual-report module: its unit × year pages are the reports
            for link in scope.keep(module_pages(choices)):
                page = get(link.url)
                if page is not None and module_report_title(link.url, page, choices):
                    probe.reports.add(link.url)
            continue
        links = scope.keep(anchors(url, text))
        titles = [link for link in links if classify_title(link.text).role == REPORT]
        more = scope.keep(subcolumns(url, text, links, column) + pager_links(url, text, links, 2100))
        if not titles and not more and render is not None and draws_list_by_script(text):
            rendered = get(url + "#rendered", lambda u: render(u.removesuffix("#rendered")))
            links = scope.keep(anchors(url, rendered or ""))
            titles = [link for link in links if classify_title(link.text).role == REPORT]
        probe.reports.update(link.url for link in titles)
        queue.extend(link.url for link in more if link.url not in queue)


def chromium_renderer(proxy: str, launch_options: dict[str, Any]) -> Fetch:
    """Render a page with Debian's chromium (Playwright's sync API); the proxy applies to the browser too."""

    def render(url: str) -> str:
        from playwright.sync_api import sync_playwright

        options = dict(launch_options)
        if proxy:
            options["proxy"] = {"server": proxy}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**options)
            try:
                page = browser.new_page()
                page.goto(url, wait_until="networkidle", timeout=30_000)
                return str(page.content())
            finally:
                browser.close()

    return render


def site_name(title: str, fallback: str) -> str:
    """The county's name from its home title: 某县人民政府 → 某县, 某某市某区人民政府 → 某区."""
    m = rules.SITE_NAME.search(title)
    if not m:
        return fallback
    name = m.group(1)
    inner = re.split(r"(?<=[省市])", name)
    return inner[-1] if len(inner[-1]) >= 2 and name[-1] in "县区旗" else name


__all__ = ["Link", "Probe", "chromium_renderer", "detect_family", "http_fetcher", "probe_site", "site_name"]
