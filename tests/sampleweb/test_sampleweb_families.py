"""Every family site serves its truth: URLs, types and charsets, AJAX/JSON lists, pagers, traps, stable bytes."""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import urljoin

import lxml.html
import pytest

from sampleweb.resources import DEFAULT_CACHE_DIR, build_site, site_endpoints
from sampleweb.server import SampleWebServer
from sampleweb.truth import (
    SITES,
    all_urls,
    expected_decoy_urls,
    expected_reports,
    list_page_urls,
    registry_row,
    trap_urls,
)

Fetch = Callable[..., tuple[int, str, bytes]]


@pytest.fixture(scope="module")
def fetch() -> Iterator[Fetch]:
    with SampleWebServer() as web:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))

        def get(url: str, data: bytes | None = None) -> tuple[int, str, bytes]:
            try:
                with opener.open(urllib.request.Request(url, data=data), timeout=60) as resp:
                    return resp.status, resp.headers["Content-Type"], resp.read()
            except urllib.error.HTTPError as err:
                return err.code, err.headers["Content-Type"], err.read()

        yield get


def column_urls(site_id: str) -> set[str]:
    """Report pages and decoys that sit in the report column(s)."""
    reports = {r.page_url for r in expected_reports(site_id)}
    return reports | {u for u in expected_decoy_urls(site_id) if re.search(r"/(art|info|t\d{8}_|xxgk/zfxxgknb/\d)", u)}


def test_six_families_with_registry_rows() -> None:
    assert len({registry_row(s)["family"] for s in SITES}) >= 5 and len(SITES) >= 6
    assert registry_row("helan") == {"name": "贺兰县", "region_code": "640122", "home_url": "http://www.nxhl.gov.cn/",
                                     "family": "hanweb"}
    seeds = {r.seed[:3] for s in SITES for r in expected_reports(s) if r.seed}
    assert seeds == {"000", "001", "002", "003", "004"}


@pytest.mark.parametrize("site_id", sorted(SITES))
def test_every_url_is_served_with_its_type_and_charset(fetch: Fetch, site_id: str) -> None:
    spec = SITES[site_id]
    types = {spec.url(path): r.content_type for path, r in build_site(spec).items()}
    for url in all_urls(site_id):
        status, content_type, body = fetch(url)
        assert status == 200, url
        if url in types:
            assert content_type == types[url], url
        charset = re.search(r"charset=([\w-]+)", content_type or "")
        if content_type.startswith("text/html") and charset:
            text = body.decode(charset.group(1))
            assert f"charset={charset.group(1)}" in text.lower() or 'charset="utf-8"' in text, url


def test_report_attachments_and_list_pages_are_in_all_urls() -> None:
    for site_id in SITES:
        urls = set(all_urls(site_id))
        for report in expected_reports(site_id):
            assert report.page_url in urls and set(report.attachment_urls) <= urls
        assert set(list_page_urls(site_id)) <= urls
        assert not set(trap_urls(site_id)) & urls


def test_gbk_site_is_gbk_on_the_wire(fetch: Fetch) -> None:
    for url in list_page_urls("zhengning") + [r.page_url for r in expected_reports("zhengning")]:
        _, content_type, body = fetch(url)
        assert content_type == "text/html; charset=gbk"
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        assert "年" in body.decode("gbk")


def test_zhengning_2024n_folder_holds_the_2025_report(fetch: Fetch) -> None:
    folder = "http://www.zhengning.gov.cn/zfxxgk/fdzdgknr/zfxxgknb/2024n/index.html"
    tree = lxml.html.fromstring(fetch(folder)[2].decode("gbk"))
    urls = {urljoin(folder, h) for h in tree.xpath("//ul[@class='list']//a/@href")}
    years = {r.report_year for r in expected_reports("zhengning") if r.page_url in urls}
    assert years == {2024, 2025}
    seed = next(r for r in expected_reports("zhengning") if r.seed.startswith("001"))
    assert seed.source_kind == "doc" and seed.report_year == 2020


def rows_of(records: list[str], base: str) -> list[str]:
    return [urljoin(base, lxml.html.fromstring(r).xpath("//a/@href")[0]) for r in records]


def test_hanweb_column_has_no_static_links_and_jpage_pages_hold_the_column(fetch: Fetch) -> None:
    column = "http://www.nxhl.gov.cn/col/col2471/index.html"
    page = fetch(column)[2].decode("utf-8")
    assert "/art/" not in page and "columnid:2471" in page and "unitid:'36926'" in page and "webid:52" in page
    found: list[str] = []
    for url in list_page_urls("helan"):
        status, content_type, body = fetch(url)
        assert status == 200 and content_type == "text/xml; charset=utf-8"
        records = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", body.decode("utf-8"), re.S)
        assert 0 < len(records) <= 15
        found += rows_of(records, url)
    assert len(found) == len(set(found)) and set(found) == column_urls("helan")
    posted = fetch(list_page_urls("helan")[0].split("&columnid")[0], b"columnid=2471&unitid=36926&webid=52")[2]
    assert posted.count(b"<record>") == 15
    assert fetch(list_page_urls("helan")[0].replace("2471", "9999"))[2].count(b"<record>") == 0


def test_hanweb_attachments_come_from_downfile(fetch: Fetch) -> None:
    for report in expected_reports("helan"):
        page = fetch(report.page_url)[2].decode("utf-8")
        for url in report.attachment_urls:
            assert "/module/download/downfile.jsp?classid=0&filename=" in url
            assert url.split("nxhl.gov.cn", 1)[1] in page
            assert fetch(url)[0] == 200
    assert fetch("http://www.nxhl.gov.cn/module/download/downfile.jsp?classid=0&filename=nope.pdf")[0] == 404


def test_js_only_column_and_json_pages(fetch: Fetch) -> None:
    column = fetch("http://www.lingwu.gov.cn/xxgk/zfxxgknb/")[2].decode("utf-8")
    assert "fetch(" in column and ".shtml" not in column
    found: list[str] = []
    for url in list_page_urls("lingwu"):
        status, content_type, body = fetch(url)
        assert status == 200 and content_type == "application/json; charset=utf-8"
        found += [urljoin(url, row["url"]) for row in json.loads(body)["data"]["rows"]]
    assert len(found) == len(set(found)) and set(found) == column_urls("lingwu")


def test_vsb_pages_count_down_and_link_next_and_last(fetch: Fetch) -> None:
    pages = list_page_urls("huinong")
    assert pages[0].endswith("/xxgk/ndbg.htm") and pages[-1].endswith("/xxgk/ndbg/1.htm")
    url, seen, found = pages[0], [], []
    while url:
        tree = lxml.html.fromstring(fetch(url)[2].decode("utf-8"))
        assert f"共{len(pages)}页" in tree.text_content()
        seen.append(url)
        found += [urljoin(url, h) for h in tree.xpath("//ul[@class='list']//a/@href")]
        nxt = tree.xpath("//div[@class='pb_sys_common']/a[text()='下一页']/@href")
        url = urljoin(url, nxt[0]) if nxt else ""
    assert seen == pages and set(found) == column_urls("huinong")


def test_trs_list_n_pager_shell_and_sub_columns(fetch: Fetch) -> None:
    shell = fetch("http://www.yanchi.gov.cn/xxgk/zfxxgknb/")[2].decode("utf-8")
    assert 'http-equiv="refresh" content="0; url=list.html"' in shell
    first = fetch(list_page_urls("yanchi")[0])[2].decode("utf-8")
    assert "createPageHTML('page_div', 3, 1, 'list', 'html', 11);" in first
    assert './xzndbg/' in first and './bmndbg/' in first
    units = {r.unit_name for r in expected_reports("yanchi") if "/xzndbg/" in r.page_url}
    assert units and all("镇" in u for u in units)


def test_trs_attachment_styles(fetch: Fetch) -> None:
    by_year = {r.report_year: r for r in expected_reports("yanchi") if r.unit_name == "盐池县人民政府办公室"}
    js = fetch(by_year[2020].page_url)[2].decode("utf-8")
    name = by_year[2020].attachment_urls[0].rsplit("/", 1)[1]
    assert f"var rel_appendix = '<a href=\"./{name}\">" in js
    assert not lxml.html.fromstring(js).xpath(f"//a[contains(@href, '{name}')]")
    assert 'appendix="true"' in fetch(by_year[2022].page_url)[2].decode("utf-8")
    outside = lxml.html.fromstring(fetch(by_year[2023].page_url)[2])
    assert outside.xpath("//div[@class='xgfj']//a")
    assert not outside.xpath("//div[@class='article']//div[@class='fujian']")
    assert [u.rsplit(".", 1)[1] for u in by_year[2021].attachment_urls] == ["pdf", "ofd"]
    assert by_year[2021].variant_urls and by_year[2021].seed.startswith("004")


def test_ofd_is_a_zip_of_xml(fetch: Fetch) -> None:
    import io
    import zipfile
    ofd = next(u for r in expected_reports("yanchi") for u in r.attachment_urls if u.endswith(".ofd"))
    status, content_type, body = fetch(ofd)
    assert (status, content_type) == (200, "application/ofd")
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        assert "OFD.xml" in zf.namelist()
        text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if "Content.xml" in n)
    assert "盐池县人民政府办公室" in text and "统计数据从" in text


def test_traps_misbehave(fetch: Fetch) -> None:
    traps = trap_urls("huinong")
    for url, kind in traps.items():
        start = time.monotonic()
        status = fetch(url)[0]
        if kind == "slow":
            assert status == 200 and time.monotonic() - start >= 1.9
        else:
            assert status == 500
    assert sorted(traps.values()) == ["slow", "status-500"]


def test_variants_and_notices_are_decoys() -> None:
    for site_id in SITES:
        decoys = set(expected_decoy_urls(site_id))
        assert not decoys & {r.page_url for r in expected_reports(site_id)}
        assert {v for r in expected_reports(site_id) for v in r.variant_urls} <= decoys


def test_endpoint_answers_are_deterministic() -> None:
    for site_id in ("helan", "lingwu"):
        spec = SITES[site_id]
        first = {p: e.respond({"columnid": "2471", "unitid": "36926", "webid": "52", "columnId": "101563"}).body
                 for p, e in site_endpoints(spec).items() if "download" not in p}
        again = {p: e.respond({"columnid": "2471", "unitid": "36926", "webid": "52", "columnId": "101563"}).body
                 for p, e in site_endpoints(spec).items() if "download" not in p}
        assert first == again


@pytest.mark.parametrize("site_id", ["yanchi", "helan", "zhengning", "huinong", "lingwu"])
def test_builds_are_byte_identical(site_id: str) -> None:
    spec = SITES[site_id]
    one = {p.path: hashlib.sha256(p.render()).hexdigest() for p in spec.plan(DEFAULT_CACHE_DIR).pages}
    two = {p.path: hashlib.sha256(p.render()).hexdigest() for p in spec.plan(DEFAULT_CACHE_DIR).pages}
    assert one == two
