"""The browser is asked for only when the static rules find nothing and the page's scripts look like they draw a
list, with the crawl's proxy, and is served the response already fetched; what the rendered page fetched (its JSON
list) is then read as list pages, answered from what the browser got. A crawl of the JS-list sample site fetches
every URL once and counts its renders in the summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from sampleweb.server import SampleWebServer
from sampleweb.sites import SITES
from sampleweb.truth import expected_reports, registry_row
from spiders.annual_reports import AnnualReports
from spiders.registry import Site, site_row_toml
from tests.conftest import run_nianbao

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "spiders"
COLUMN = "http://www.lingwu.gov.cn/xxgk/zfxxgknb/"
API = "http://www.lingwu.gov.cn/jpaas-jpolicy-web-server/front/info/list?siteId=14&columnId=101563&pageNo=1&pageSize=6"


def _spider(browser: bool) -> AnnualReports:
    crawler = get_crawler(AnnualReports, {"NIANBAO_BROWSER": browser, "NIANBAO_PROXY": "http://127.0.0.1:8089"})
    spider = AnnualReports.from_crawler(crawler, site="lingwu")
    assert isinstance(spider, AnnualReports)
    return spider


def _column(meta: dict[str, object]) -> HtmlResponse:
    request = Request(COLUMN, meta=meta, cb_kwargs={"column": COLUMN})
    return HtmlResponse(COLUMN, body=(FIXTURES / "js_only_column.html").read_bytes(), encoding="utf-8",
                        request=request)


def test_an_empty_js_list_is_rendered_once_through_the_proxy() -> None:
    spider = _spider(browser=True)
    (render,) = list(spider.parse_list(_column({"proxy": "http://127.0.0.1:8089"}), column=COLUMN))
    assert render.url == COLUMN and render.dont_filter and render.callback == spider.parse_list
    assert render.meta["playwright"] is True and render.meta["nianbao_rule"] == "browser-render"
    assert render.meta["playwright_context_kwargs"] == {"proxy": {"server": "http://127.0.0.1:8089"}}
    # The browser is served the bytes in hand (crawler/browser.py), not a second download.
    assert render.meta["playwright_page_init_callback"] == "crawler.browser.serve_fetched"
    served = render.meta["nianbao_fetched_page"]
    assert served["url"] == COLUMN and served["body"] == (FIXTURES / "js_only_column.html").read_bytes()
    # Rendered and still empty: never rendered twice.
    assert list(spider.parse_list(_column(dict(render.meta)), column=COLUMN)) == []


def test_the_rendered_pages_data_requests_become_list_pages() -> None:
    spider = _spider(browser=True)
    spider.browser_fetches[COLUMN] = [API]
    out = list(spider.parse_list(_column({"nianbao_rendered": True}), column=COLUMN))
    assert [(r.url, r.meta["nianbao_rule"]) for r in out] == [(API, "browser-fetch")]


def test_no_browser_when_switched_off() -> None:
    assert list(_spider(browser=False).parse_list(_column({}), column=COLUMN)) == []


def test_a_page_with_nothing_found_and_no_script_drawing_a_list_is_not_rendered() -> None:
    spider = _spider(browser=True)
    body = b'<html><body><div class="nav"><a href="/">\xe9\xa6\x96\xe9\xa1\xb5</a></div><p>x</p></body></html>'
    request = Request(COLUMN, cb_kwargs={"column": COLUMN})
    page = HtmlResponse(COLUMN, body=body, encoding="utf-8", request=request)
    assert list(spider.parse_list(page, column=COLUMN)) == []


def test_a_crawl_of_a_js_list_site_fetches_each_url_once_and_counts_its_render(
        sampleweb: SampleWebServer, tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_text(site_row_toml(Site(id="lingwu", **registry_row("lingwu"))), "utf-8")
    env = {"NIANBAO_HOME": str(tmp_path / "data"), "NIANBAO_REGISTRY": str(registry), "NIANBAO_BROWSER": "1"}
    before = len(sampleweb.requests)
    out = run_nianbao(["crawl", "lingwu", "--proxy", sampleweb.proxy_url], env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert f"{len(expected_reports('lingwu'))} report(s)" in out.stdout, out.stdout[-3000:]
    assert " renders=1" in out.stdout, out.stdout[-3000:]
    seen = [r for r in sampleweb.requests[before:] if r.host == SITES["lingwu"].hostname]
    assert any("Proxy-Connection" in r.headers for r in seen), "the browser never ran: the test would prove nothing"
    targets = Counter(r.target for r in seen)
    assert [t for t, n in targets.items() if n > 1] == [], targets


def test_crawl_all_starts_one_browser_for_the_process_and_none_for_sites_that_need_none(
        sampleweb: SampleWebServer, tmp_path: Path) -> None:
    """scrapy-playwright alone starts a Playwright driver per crawl at its start (crawler/shared_browser.py): here
    two sites crawled at once start one browser in all, at lingwu's render; a static site alone starts none."""
    def crawl_all(sites: list[str], home: Path) -> str:
        registry = tmp_path / f"{home.name}.toml"
        registry.write_text("".join(site_row_toml(Site(id=s, **registry_row(s))) for s in sites), "utf-8")
        env = {"NIANBAO_HOME": str(home), "NIANBAO_REGISTRY": str(registry), "NIANBAO_BROWSER": "1",
               "NIANBAO_SITE_CONCURRENCY": "2"}
        out = run_nianbao(["crawl", "--all", "--proxy", sampleweb.proxy_url], env)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
        return out.stderr  # piped: the log is on stderr

    mixed = crawl_all(["lingwu", "yanchi"], tmp_path / "mixed")
    assert mixed.count("launching the process's browser") == 1, mixed[-3000:]
    assert mixed.count("the process's browser is closed") == 1
    static = crawl_all(["yanchi"], tmp_path / "static")
    assert "launching the process's browser" not in static and "crawl closed site=yanchi" in static


def test_a_render_that_times_out_is_retried_like_a_download() -> None:
    """Chromium's navigation timing out under load is retried (RETRY_TIMES), not the end of the site's reports:
    RetryMiddleware retries the exceptions RETRY_EXCEPTIONS names."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from scrapy.utils.misc import load_object

    import crawler.settings as ours

    retried = tuple(load_object(name) if isinstance(name, str) else name for name in ours.RETRY_EXCEPTIONS)
    assert isinstance(PlaywrightTimeout("Page.goto: Timeout 30000ms exceeded."), retried)
    assert OSError in retried  # Scrapy's own list is kept
