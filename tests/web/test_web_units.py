"""The UI's pure parts: crawl-target checks, signed sessions, template table layout, SVG escaping, exports."""

from __future__ import annotations

import pytest

from spiders.registry import Site
from web.auth import Signer, load_session
from web.charts import bar_chart, year_series_chart
from web.export import export_response
from web.tables import marks_for, table3_rows, table4_cells
from web.targets import CrawlTargetRefused, check_crawl_target

REGISTRY = {"pingluo": Site(id="pingluo", name="平罗县", home_url="http://www.pingluo.gov.cn/")}


def resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return lambda host: table[host]


@pytest.mark.parametrize("target, addresses", [
    ("http://loop.example/", ["127.0.0.1"]),
    ("http://private.example/", ["8.8.8.8", "192.168.1.10"]),  # one private address is enough to refuse
    ("http://metadata.example/", ["169.254.169.254"]),
    ("http://v6.example/", ["::1"]),
    ("http://mapped.example/", ["::ffff:10.0.0.1"]),
    ("http://cgnat.example/", ["100.64.0.1"]),
])
def test_non_public_hosts_are_refused(target: str, addresses: list[str]) -> None:
    host = target.split("/")[2]
    with pytest.raises(CrawlTargetRefused, match="not a public address"):
        check_crawl_target(target, REGISTRY, resolve=resolver({host: addresses}))


def test_registry_sites_public_hosts_and_allowlist_are_accepted() -> None:
    assert check_crawl_target("pingluo", REGISTRY).site == REGISTRY["pingluo"]
    by_host = check_crawl_target("http://www.pingluo.gov.cn/any", REGISTRY, resolve=resolver({}))
    assert by_host.ref == "pingluo"
    public = check_crawl_target("https://www.gov.cn/", REGISTRY, resolve=resolver({"www.gov.cn": ["1.2.3.4"]}))
    assert public.ref == "https://www.gov.cn/" and public.site is None
    lan = resolver({"lan.example": ["10.0.0.5"]})
    assert check_crawl_target("http://lan.example/", REGISTRY, ["10.0.0.0/8"], resolve=lan).ref
    assert check_crawl_target("http://lan.example/", REGISTRY, ["LAN.example"], resolve=resolver({})).ref
    for bad in ("ftp://x.example/", "javascript:alert(1)", "not a site"):
        with pytest.raises(CrawlTargetRefused):
            check_crawl_target(bad, REGISTRY, resolve=resolver({}))


def test_sessions_are_signed() -> None:
    signer = Signer("k")
    token = signer.sign({"csrf": "abc", "op": True, "exp": 2e9})
    assert load_session(signer, token, now=1e9).operator
    forged = token.replace(token.split(".")[0], Signer("k").sign({"csrf": "abc", "op": True, "exp": 3e9})[:10])
    assert not load_session(signer, forged, now=1e9).operator
    assert not load_session(Signer("other"), token, now=1e9).operator
    assert not load_session(signer, token, now=3e9).operator  # expired


def cell(value: float | None, raw: str = "", blank: bool = False) -> dict[str, object]:
    return {"value": value, "raw": raw if raw or blank else str(value), "blank": blank, "uncertain": False,
            "unit": None, "source": {"page": 1, "row": 2, "col": 3}}


def test_table3_rows_follow_the_template_and_show_blank_apart_from_zero() -> None:
    row = {k: cell(0) for k in ("natural_person", "org_commercial", "org_research", "org_social_welfare",
                                "org_legal_service", "org_other", "total")}
    record = {"table3": {"new_received": {**row, "total": cell(None, blank=True)}, "results": {
        "granted": row, "withheld": {"state_secret": row, "law_prohibited": row}, "other": row,
        "total": row}, "carried_forward": row},
        "validation": [{"rule": "T3-COL", "severity": "official", "cells": ["table3.results.total.total"]}]}
    rows = table3_rows(record, marks_for(record))
    assert [label.text for label in rows[0].labels] == ["一、本年新收政府信息公开申请数量"]
    assert rows[0].labels[0].colspan == 3
    results = rows[2].labels[0]
    assert results.text == "三、本年度办理结果" and results.rowspan == 20  # as in the gov2019 template
    withheld = rows[4].labels
    assert [lab.text for lab in withheld] == ["（三）不予公开", "1.属于国家秘密"] and withheld[0].rowspan == 8
    blank, zero = rows[0].cells[-1], rows[0].cells[0]
    assert (blank.text, "blank" in blank.classes) == ("", True)
    assert (zero.text, zero.classes) == ("0", "")
    assert "page 1" in zero.title
    total = next(r for r in rows if r.labels and r.labels[0].text == "（七）总计")
    assert "warn" in total.cells[-1].classes and "T3-COL" in total.cells[-1].title
    assert "absent" in rows[1].cells[0].classes  # carried_over is not in the record
    assert table4_cells({"table4": None}, marks_for({})) == []


def test_svg_charts_escape_site_text() -> None:
    evil = "<script>alert(1)</script>"
    for svg in (bar_chart(evil, [(evil, 3.0), ("空", None)]),
                year_series_chart(evil, [2020, 2021], {evil: {2020: 1.0, 2021: None}})):
        assert "<script" not in svg and "&lt;script&gt;" in svg and svg.startswith("<svg")


def test_csv_export_is_excel_friendly() -> None:
    response = export_response("csv", "报告 x", [{"a": 1, "b": [1, 2]}, {"a": None, "c": "中"}])
    assert response.body.decode().startswith("\ufeffa,b,c\n1,\"[1, 2]\",\n,,中")
    assert response.headers["content-disposition"] == 'attachment; filename="___x.csv"'
