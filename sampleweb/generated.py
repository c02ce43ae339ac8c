"""A generated web of N TRS-style county sites for the throughput benchmark (bench/throughput.py).

Site ``i`` (``bench0000`` …) is made of the sample web's own TRS family parts (trs_plan, kit.derived reports with
real PDFs rendered by render_pdf): a report column of 5–15 report pages, one real report PDF per report (the TRS
planner offers one PDF per report: ``pdf``, or ``html+pdf`` with the report inline too), a 政府信息公开 section,
static pages and a 新闻中心 of news filler. Every list fits on one page, so a crawler that follows only static
links (wget, a bare spider) reaches every report as the nianbao spider does.

``GeneratedWebServer`` serves these sites (and the sample sites) on loopback as an HTTP proxy, optionally with a
fixed latency before every response.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from sampleweb import server
from sampleweb.kit import County, derived
from sampleweb.resources import build_site
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.trs import Link, Portal
from sampleweb.trs_plan import plan_trs_site
from sampleweb.trs_site import ArticleEntry, ReportEntry, StaticPage, TrsSite

_UNITS = ("人民政府办公室", "教育局", "卫生健康局", "财政局", "自然资源局", "城关镇人民政府", "新华乡人民政府",
          "民政局")
_YEARS = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
COLUMN = "/xxgk/zfxxgknb/"
COLUMN_NAME = "政府信息公开年报"


@dataclass(frozen=True)
class GeneratedTruth:
    """What site ``site_id`` promises: its report pages, its report PDFs and its news articles."""

    site_id: str
    hostname: str
    report_pages: int
    pdfs: int
    news: int


def _shape(i: int) -> tuple[int, int]:
    """(report pages, news articles) of site ``i``: 5–15 reports, 10–30 news items, varied but stable."""
    return 5 + (i * 7) % 11, 10 + (i * 13) % 21


def _county(i: int) -> County:
    return County(f"基准{i:04d}县", f"基准{i:04d}县人民政府", f"http://{hostname(i)}", city="基准市")


def hostname(i: int) -> str:
    return f"www.bench{i:04d}.gov.cn"


def _reports(i: int, count: int) -> tuple[ReportEntry, ...]:
    county = _county(i)
    entries = []
    for k in range(count):
        unit = f"基准{i:04d}县{_UNITS[k % len(_UNITS)]}"
        year = _YEARS[(k // len(_UNITS) + k) % len(_YEARS)]
        kind = "html+pdf" if k % 3 == 2 else "pdf"
        entries.append(derived(county, unit, year, f"{year + 1}-01-{10 + k:02d}", kind))
    return tuple(entries)


def _news(i: int, count: int) -> tuple[ArticleEntry, ...]:
    name = f"基准{i:04d}县"
    return tuple(ArticleEntry(f"{name}召开第{k + 1}次政务工作会议", f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}",
                              (f"{name}召开政务工作会议，安排部署第{k + 1}项重点任务。",
                               "会议强调，要持续深化政务公开，提升服务质量和实效。"))
                 for k in range(count))


def _site(i: int) -> TrsSite:
    reports, news = _shape(i)
    name = f"基准{i:04d}县人民政府"
    portal = Portal(name=name, nav=(("首页", "/"), ("政务公开", "/xxgk/"), ("新闻中心", "/xwzx/")),
                    footer=(f"主办：{name}办公室", "地址：基准市　邮编：750000"), hostname=hostname(i),
                    site_code=f"99{i:08d}", icp="宁ICP备00000000号", abbr="宁")
    static = (StaticPage("/xxgk/zfxxgkzn/index.html", f"{name}信息公开指南",
                         ("政府信息公开工作年度报告于每年1月31日前在“政府信息公开年报”栏目公布。",)),)
    return TrsSite(hostname=hostname(i), region_code=region_code(i), portal=portal,
                   xxgk_menu=(Link("政府信息公开指南", "/xxgk/zfxxgkzn/"), Link(COLUMN_NAME, COLUMN)),
                   report_column=COLUMN, column_name=COLUMN_NAME, entries=_reports(i, reports),
                   news=_news(i, news), static_pages=static, per_page=40, first_id=5000000 + 1000 * i)


def region_code(i: int) -> str:
    return f"{990000 + i}"


def site_id(i: int) -> str:
    return f"bench{i:04d}"


def generated_spec(i: int) -> SiteSpec:
    """The SiteSpec of generated site ``i`` (family trs)."""
    site = _site(i)

    def plan(cache_dir: Path) -> SitePlan:
        return plan_trs_site(site, cache_dir)

    return SiteSpec(site_id(i), hostname(i), f"基准{i:04d}县", region_code(i), "trs", plan)


def generated_specs(n: int) -> list[SiteSpec]:
    """Sites 0 … n-1."""
    return [generated_spec(i) for i in range(n)]


def generated_truth(i: int) -> GeneratedTruth:
    """What site ``i`` promises, from its generator's parameters (tests compare it with what the site serves)."""
    reports, news = _shape(i)
    return GeneratedTruth(site_id(i), hostname(i), reports, reports, news)


def registry_toml(specs: list[SiteSpec]) -> str:
    """A registry (NIANBAO_REGISTRY) with one row per generated site, so `nianbao crawl --all` crawls them."""
    rows = [f'[{s.site_id}]\nname = "{s.name}"\nregion_code = "{s.region_code}"\nhome_url = "{s.home_url}"\n'
            f'family = "{s.family}"\n' for s in specs]
    return "\n".join(rows)


class _CountingServer(server._Server):
    """The sample web's threaded server with a fixed latency and a count of the responses it sent."""

    latency_s = 0.0

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.served = 0
        self._count_lock = threading.Lock()

    def count(self) -> None:
        with self._count_lock:
            self.served += 1


class _LatencyHandler(server.SampleWebHandler):
    """The sample web's handler, waiting ``server.latency_s`` before each answer and counting the answers."""

    server: _CountingServer

    def _serve(self, send_body: bool, form: bytes = b"") -> None:
        self.server.count()  # before answering: once a client has its response, the count includes it
        if self.server.latency_s:
            time.sleep(self.server.latency_s)
        super()._serve(send_body, form)


class GeneratedWebServer(server.SampleWebServer):
    """The sample web's proxy server with the generated sites registered and an optional per-response latency."""

    def __init__(self, specs: list[SiteSpec], latency_ms: float = 0.0, port: int = 0,
                 cache_dir: Path | None = None) -> None:
        super().__init__(port=port, cache_dir=cache_dir)
        self.specs = specs
        self.latency_s = latency_ms / 1000
        server._BY_HOST.update({spec.hostname: spec for spec in specs})

    def _bind(self) -> _CountingServer:
        if self._httpd is None:
            httpd = _CountingServer(self._requested, _LatencyHandler)
            httpd.cache_dir, httpd.latency_s = self._cache_dir, self.latency_s
            self._httpd = httpd
        assert isinstance(self._httpd, _CountingServer)
        return self._httpd

    def __enter__(self) -> GeneratedWebServer:
        self.start()
        return self

    @property
    def served(self) -> int:
        """Responses sent since start (every contender's requests go through this one server)."""
        return self._bind().served

    def render_all(self) -> int:
        """Render every page and PDF of every generated site now (not on the clock); the number of resources."""
        return sum(len(build_site(spec, self._cache_dir)) for spec in self.specs)
