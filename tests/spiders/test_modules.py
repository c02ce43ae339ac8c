"""Hanweb's xxgkAnnualReport.jsp module: every unit × year page it offers is fetched once and read as a report page
(or an empty one), never as a list, never rendered.

Generated module sites (sampleweb/hanweb_module.py) with independent knobs — units offered as a select (with or
without optgroups) or as links, years as a select or as links, the report's title shown or not, the section's link
to the module with area, with webid only or with area and year, unit codes as credit codes or numbers, reports
inline / PDF / both, empty unit × year pages — are walked through the spider's callbacks (every seed of SEEDS) and
crawled end to end (CRAWL_SEEDS, `nianbao crawl --all` through the generated web), results reported per knob.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.items import DocumentItem
from sampleweb.hanweb_module import _entry_href, empty_urls, expected, module_page, module_site, module_spec
from sampleweb.resources import build_site
from spiders.annual_reports import AnnualReports
from spiders.probe import probe_site
from tests.spiders.generated_crawl import MODULE_SEEDS, GeneratedCrawl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"
SEEDS = range(int(os.environ.get("NIANBAO_TEST_MODULE_SITES", "24")))



def _walk(seed: int) -> tuple[dict[str, DocumentItem], Counter[str], AnnualReports]:
    """The module site of `seed` walked through parse_module from the section's link: report items by URL, and how
    often each page was asked for (the dupefilter left out, so double asks show)."""
    site = module_site(seed)
    spider = AnnualReports(site=f"http://{site.hostname}/")
    asked: Counter[str] = Counter()
    queue, seen, items = [(f"http://{site.hostname}" + html.unescape(_entry_href(site)), True)], set(), {}
    while queue:
        url, entry = queue.pop()
        asked[url] += 1
        if url in seen:
            continue
        seen.add(url)
        body = module_page(site, dict(parse_qsl(urlsplit(url).query)))
        response = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))
        for out in spider.parse_module(response, entry=entry):
            if isinstance(out, DocumentItem):
                items[out.url] = out
            elif out.callback == spider.parse_module:
                queue.append((out.url, out.cb_kwargs.get("entry", False)))
            else:
                assert out.callback == spider.parse_attachment, out
    return items, asked, spider


def _knob_values(seed: int) -> set[str]:
    return {f"{k}={v}" for k, v in dataclasses.asdict(module_site(seed).knobs).items()}


def test_every_unit_year_report_and_nothing_else_on_every_seed() -> None:
    misses: dict[str, list[int]] = defaultdict(list)
    for seed in SEEDS:
        site = module_site(seed)
        items, _, _ = _walk(seed)
        truth = {r.page_url: r for r in expected(site)}
        assert set(items) & set(empty_urls(site)) == set(), seed
        if set(items) != set(truth):
            for knob in _knob_values(seed):
                misses[knob].append(seed)
        for url, item in items.items():
            assert item.report_year == truth[url].report_year and item.role == "report", url
            assert item.title and truth[url].unit_name in item.title, (url, item.title)
    assert dict(misses) == {}, f"seeds missed, per knob value: {dict(misses)}"


def test_the_knobs_cover_every_value() -> None:
    seen = set().union(*(_knob_values(seed) for seed in SEEDS))
    for knob, values in (("unit_form", ("select", "links")), ("year_form", ("select", "links")),
                         ("entry", ("area", "webid", "both")), ("title_shown", ("True", "False")),
                         ("optgroups", ("True", "False")), ("code_form", ("credit", "numeric"))):
        assert {f"{knob}={v}" for v in values} <= seen, knob


def test_a_page_that_embeds_the_module_asks_for_each_year_and_is_not_rendered() -> None:
    url = "http://www.nxhl.gov.cn/col/col2480/index.html"
    spider = AnnualReports(site=url)
    body = (FIXTURES / "hanweb_annual_report_module.html").read_bytes()
    out = list(spider.parse_list(HtmlResponse(url, body=body, encoding="utf-8", request=Request(url)), column=url))
    module = "http://www.nxhl.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=11640122MB1234567X&fbtime="
    assert {r.url for r in out} == {module + y for y in ("2024", "2023", "2022")}
    assert all(r.callback == spider.parse_module for r in out)
    assert not any(r.meta.get("playwright") for r in out)


def test_an_empty_unit_year_page_is_no_report() -> None:
    site = next(module_site(s) for s in SEEDS if empty_urls(module_site(s)))
    url = empty_urls(site)[0]
    spider = AnnualReports(site=f"http://{site.hostname}/")
    body = module_page(site, dict(parse_qsl(urlsplit(url).query)))
    out = list(spider.parse_module(HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))))
    assert not [o for o in out if isinstance(o, DocumentItem)]
    assert all(o.callback == spider.parse_module for o in out)  # only its own unit's other years
    assert {dict(parse_qsl(urlsplit(o.url).query))["area"] for o in out} == {dict(parse_qsl(urlsplit(url).query))[
        "area"]}


@pytest.mark.parametrize("seed", MODULE_SEEDS)
def test_a_crawl_stores_every_module_report_with_its_unit_and_year(seed: int, generated_crawl: GeneratedCrawl) -> None:
    site = module_site(seed)
    found = generated_crawl.reports[module_spec(seed).site_id]
    truth = {r.page_url: r for r in expected(site)}
    assert sorted(found) == sorted(truth), f"knobs {site.knobs}"
    wrong = {url: (r["unit_name"], r["report_year"]) for url, r in found.items()
             if (r["unit_name"], r["report_year"]) != (truth[url].unit_name, truth[url].report_year)}
    assert wrong == {}, f"knobs {site.knobs}"
    for url, r in found.items():
        assert sorted(r["attachment_urls"]) == sorted(truth[url].attachment_urls), url
    assert generated_crawl.asked_twice(site.hostname) == [], "a page was fetched twice"
    stored = {u.name: (u.level, u.code) for u in generated_crawl.units[module_spec(seed).site_id]}
    assert {u.name: (u.level, u.code) for u in site.units}.items() <= stored.items(), "the module's units"
    assert not any("Proxy-Connection" in q.headers for q in generated_crawl.requests if q.host == site.hostname), \
        "a module page was rendered by the browser"


def test_sites_check_counts_a_module_sites_reports(tmp_path: Path) -> None:
    """`nianbao sites check` (spiders/probe.py) finds the module as the column and its non-empty pages as reports."""
    seed = 4
    spec, site = module_spec(seed), module_site(seed)

    def fetch(url: str) -> str:
        parts = urlsplit(url)
        if parts.path.endswith(".jsp"):
            return module_page(site, dict(parse_qsl(parts.query))).decode("utf-8")
        path = parts.path + "index.html" if parts.path.endswith("/") else parts.path
        return build_site(spec, tmp_path)[path].body.decode("utf-8")

    probe = probe_site(spec.home_url, fetch, max_fetches=60)
    assert probe.reachable and any("xxgkAnnualReport.jsp" in url for url in probe.columns)
    assert probe.reports == {r.page_url for r in expected(site)}
