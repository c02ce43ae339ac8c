"""The generated benchmark web (sampleweb/generated.py): each site serves, through the proxy, the report pages,
report PDFs and news its generator promises, reachable by following static links from the home page; its registry
rows load as nianbao sites; the server counts its responses."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from sampleweb.generated import GeneratedWebServer, generated_specs, generated_truth, registry_toml
from spiders.registry import load_registry

SITES = 3
HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
REPORT = re.compile(r"^/xxgk/zfxxgknb/\d{6}/t\d{8}_\d+\.html$")
NEWS = re.compile(r"^/xwzx/\d{6}/t\d{8}_\d+\.html$")


def _walk(opener: urllib.request.OpenerDirector, host: str) -> dict[str, bytes]:
    """Every same-host URL path reachable from the home page by static links, with the body (200s only)."""
    bodies: dict[str, bytes] = {}
    queue, seen = [f"http://{host}/"], {f"http://{host}/"}
    while queue:
        url = queue.pop()
        try:
            with opener.open(url, timeout=10) as response:
                body = response.read()
        except urllib.error.HTTPError:
            continue
        bodies[urlsplit(url).path] = body
        if body.startswith(b"%PDF"):
            continue
        for href in HREF.findall(body.decode("utf-8", "replace")):
            target = urljoin(url, href).split("?", 1)[0]
            if urlsplit(target).hostname == host and target not in seen:
                seen.add(target)
                queue.append(target)
    return bodies


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedWebServer]:
    with GeneratedWebServer(generated_specs(SITES), cache_dir=tmp_path_factory.mktemp("cache")) as server:
        yield server


@pytest.mark.parametrize("i", range(SITES))
def test_each_site_serves_what_its_generator_promises(web: GeneratedWebServer, i: int) -> None:
    truth = generated_truth(i)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    bodies = _walk(opener, truth.hostname)
    reports = [path for path in bodies if REPORT.match(path)]
    pdfs = [path for path, body in bodies.items() if path.startswith("/xxgk/zfxxgknb/") and body.startswith(b"%PDF")]
    assert 5 <= truth.report_pages <= 15
    assert len(reports) == truth.report_pages
    assert len(pdfs) == truth.pdfs
    assert truth.report_pages <= truth.pdfs <= 2 * truth.report_pages
    for path in reports:  # every report page links 1–2 of the PDFs, beside it
        linked = {urljoin(path, href) for href in HREF.findall(bodies[path].decode())} & set(pdfs)
        assert 1 <= len(linked) <= 2, path
    assert len([path for path in bodies if NEWS.match(path)]) == truth.news


def test_sites_differ_in_shape() -> None:
    assert len({generated_truth(i).report_pages for i in range(20)}) >= 5


def test_registry_rows_load_as_trs_sites(tmp_path: Path) -> None:
    specs = generated_specs(SITES)
    registry = tmp_path / "sites.toml"
    registry.write_text(registry_toml(specs), encoding="utf-8")
    sites = load_registry(registry)
    assert sorted(sites) == sorted(spec.site_id for spec in specs)
    assert {site.home_url for site in sites.values()} == {spec.home_url for spec in specs}
    assert {site.family for site in sites.values()} == {"trs"}


def test_responses_are_counted_with_latency_on(tmp_path: Path) -> None:
    with GeneratedWebServer(generated_specs(1), latency_ms=20, cache_dir=tmp_path) as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
        for path in ("/robots.txt", "/no-such-page.html"):
            try:
                opener.open(f"http://www.bench0000.gov.cn{path}", timeout=10).close()
            except urllib.error.HTTPError as error:
                assert error.code == 404
        assert web.served == 2
