"""A report published only as scanned page images (图片版), crawled end to end: a loopback county site whose report
page shows a generated scan (sampleweb.scans) as JPEGs; `nianbao crawl` archives the page and its images, parses
the page from its images once they are in (crawler/pipelines.py), and stores the report with its table cells —
checked against the scan's truth — and the images archived once each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from parsing.tree import get_path
from sampleweb.scans import CLEAN, Scan, make_scan
from tests.conftest import REPO
from tests.crawler.test_bad_http import SITE_URL, RawSite  # RawSite answers for that host

KNOBS = replace(CLEAN, dpi=200, rotation=0.8, noise=4.0, jpeg_quality=75, seal=True)


def _html(body: str) -> bytes:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>平罗县人民政府</title></head>'
            f"<body>{body}</body></html>").encode()


def _site(scan: Scan) -> dict[str, tuple[list[tuple[str, str]], bytes]]:
    html = [("Content-Type", "text/html; charset=utf-8")]
    title = f"{scan.unit_name}{scan.report_year}年政府信息公开工作年度报告"
    images = [f"/uploadfiles/{scan.report_year + 1}/scan{i + 1}.jpg" for i in range(len(scan.sheets))]
    pictures = "".join(f'<p style="text-align:center"><img src="{src}" alt="{i + 1}"></p>'
                       for i, src in enumerate(images))
    served = {
        "/": (html, _html('<a href="/xxgk/ndbg/index.html">政府信息公开工作年度报告</a>')),
        "/xxgk/ndbg/index.html": (html, _html(f'<ul><li><a href="/xxgk/ndbg/202401/t20240115_1.html">{title}</a>'
                                               "</li></ul>")),
        "/xxgk/ndbg/202401/t20240115_1.html": (html, _html(f'<div id="zoom"><h1>{title}</h1>{pictures}</div>')),
    }
    for path, sheet in zip(images, scan.sheets, strict=True):
        served[path] = [("Content-Type", "image/jpeg")], sheet
    return served


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scan, RawSite, dict[str, Any]]:
    scan = make_scan("crawled-image-page", KNOBS)
    home = tmp_path_factory.mktemp("image-crawl") / "home"
    web = RawSite(_site(scan))
    env = {**os.environ, "NIANBAO_HOME": str(home), "NIANBAO_BROWSER": "0", "PYTHONPATH": str(REPO),
           "http_proxy": web.proxy}
    try:
        done = subprocess.run([sys.executable, "-m", "cli", "crawl", SITE_URL + "/"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        web.close()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    listed = subprocess.run([sys.executable, "-m", "cli", "reports", "--format", "json"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    (record,) = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    return scan, web, record


def test_the_report_is_read_from_its_images(crawled: tuple[Scan, RawSite, dict[str, Any]]) -> None:
    scan, _, record = crawled
    assert (record["unit_name"], record["report_year"]) == (scan.unit_name, scan.report_year)
    cells = {path: get_path(record, path) for path in scan.cells}
    exact = [p for p, cell in cells.items() if cell is not None and cell["value"] == scan.cells[p]]
    unflagged = [p for p, cell in cells.items() if p not in exact and not (cell and cell["uncertain"])]
    assert len(exact) / len(scan.cells) >= 0.97 and not unflagged, unflagged


def test_each_image_is_downloaded_once(crawled: tuple[Scan, RawSite, dict[str, Any]]) -> None:
    _, web, _ = crawled
    asked = Counter(web.asked)
    images = [path for path in asked if path.endswith(".jpg")]
    assert len(images) == len(crawled[0].sheets) and all(asked[p] == 1 for p in images), asked
