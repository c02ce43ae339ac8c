"""The `nianbao` command line: parse one file, failures that say what to do, Scrapy's own entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sampleweb.truth import expected_reports
from tests.conftest import REPO, fetch_via_proxy, run_nianbao


def test_parse_json_prints_the_report_object(sampleweb: Any, tmp_path: Path) -> None:
    office = next(r for r in expected_reports("pingluo")
                  if (r.unit_name, r.report_year, r.source_kind) == ("平罗县人民政府办公室", 2020, "pdf"))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(fetch_via_proxy(sampleweb, office.attachment_urls[0]))
    out = run_nianbao(["parse", str(pdf), "--json"], {})
    assert out.returncode == 0, out.stderr[-3000:]
    record = json.loads(out.stdout)
    assert (record["unit_name"], record["report_year"]) == ("平罗县人民政府办公室", 2020)
    assert record["source_kind"] == "pdf" and record["unit_level"] == "county_office"
    assert {"table2", "table3", "table4", "validation", "sections", "format_version"} <= set(record)


def test_parse_of_a_broken_file_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    out = run_nianbao(["parse", str(broken), "--json"], {})
    assert out.returncode == 2
    assert out.stderr.startswith("nianbao: ") and "PDF" in out.stderr


def test_unknown_site_is_refused_with_the_known_ids(tmp_path: Path) -> None:
    out = run_nianbao(["crawl", "nosuchsite"], {"NIANBAO_HOME": str(tmp_path)})
    assert out.returncode == 2
    assert "unknown site 'nosuchsite'" in out.stderr and "pingluo" in out.stderr


def test_unreachable_site_fails_the_crawl_and_says_what_to_check(tmp_path: Path) -> None:
    env = {"NIANBAO_HOME": str(tmp_path / "data")}
    out = run_nianbao(["crawl", "pingluo", "--proxy", "http://127.0.0.1:9"], env)
    assert out.returncode == 1
    assert "status=failed" in out.stdout and "check the URL and the proxy" in out.stdout


def test_scrapy_sees_the_spider_from_the_repository_root() -> None:
    out = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "list"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["annual_reports"]
