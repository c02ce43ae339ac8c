"""Discovery against every sample site: exactly the expected reports (pages, attachments, unit, year), no decoy.

Parametrised over sampleweb.truth.SITES at collection time, so a sample site that lands is tested at once.
The sample web is crawled once (`nianbao crawl --all` over a registry of the sample sites, through the sample
web as proxy) and each site is read back with `nianbao reports`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sampleweb.server import SampleWebServer
from sampleweb.truth import SITES, expected_decoy_urls, expected_reports, registry_row
from spiders.registry import Site, load_registry, site_row_toml
from tests.conftest import run_nianbao

SITE_IDS = sorted(SITES)
# Reports whose unit the parser still gets wrong (discovery finds them; tracked for the parsing side).
def _registry(path: Path) -> Path:
    """A registry of exactly the sample sites, from their truth rows (new sample sites join by themselves)."""
    site_rows = []
    for site_id in SITE_IDS:
        row = registry_row(site_id)
        site_rows.append(site_row_toml(Site(id=site_id, **row)))
    path.write_text("\n".join(site_rows), "utf-8")
    return path


@pytest.fixture(scope="module")
def crawl_all(sampleweb: SampleWebServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `nianbao crawl --all` over the sample sites; its output, summary lines and env."""
    tmp = tmp_path_factory.mktemp("crawl-all")
    env = {"NIANBAO_HOME": str(tmp / "data"), "NIANBAO_REGISTRY": str(_registry(tmp / "sites.toml"))}
    out = run_nianbao(["crawl", "--all", "--proxy", sampleweb.proxy_url], env, timeout=900)
    summary = {}
    for line in out.stdout.splitlines():
        if line.startswith("summary "):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            summary[fields["site"]] = fields
    return {"out": out, "summary": summary, "env": env}


@pytest.fixture(scope="module")
def crawled(crawl_all: dict[str, Any]) -> Any:
    """crawled(site_id) → {source_url: report object} after the one crawl --all."""
    cache: dict[str, dict[str, dict[str, Any]]] = {}

    def get(site_id: str) -> dict[str, dict[str, Any]]:
        if site_id not in cache:
            out = run_nianbao(["reports", "--format", "json", "--site", site_id], crawl_all["env"])
            assert out.returncode == 0, out.stderr[-3000:]
            reports = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
            cache[site_id] = {r["source_url"]: r for r in reports}
        return cache[site_id]

    return get


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_crawl_all_reports_progress_and_a_final_summary_per_site(site_id: str, crawl_all: dict[str, Any]) -> None:
    out = crawl_all["out"]
    summary = crawl_all["summary"].get(site_id)
    assert summary is not None, out.stdout[-3000:] + out.stderr[-3000:]
    assert summary["status"] == "finished" and summary["errors"] == "0" and summary["alerts"] == "-", summary
    assert int(summary["reports"]) == len(expected_reports(site_id))
    progress = [line for line in out.stdout.splitlines() if line.startswith(f"progress site={site_id} ")]
    assert progress and "state=done" in progress[-1]
    for key in ("fetched=", "pages=", "attachments=", "bytes=", "errors="):
        assert key in progress[-1]
    # Drift baseline: which rule found each column and list page, and how many reports (storage/drift.py).
    state = json.loads((Path(crawl_all["env"]["NIANBAO_HOME"]) / "discovery" / f"{site_id}.json").read_text("utf-8"))
    assert state["last_good"]["columns"] and all(state["last_good"]["columns"].values())
    assert state["last_good"]["list_rules"] and state["last_good"]["reports"] == len(expected_reports(site_id))


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_registry_row_matches_sample_site(site_id: str) -> None:
    site = load_registry().get(site_id)
    assert site is not None, f"spiders/sites.toml has no row for sample site {site_id}"
    row = registry_row(site_id)
    assert {k: getattr(site, k) for k in row} == row


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_discovery_finds_exactly_the_report_pages_and_attachments(site_id: str, crawled: Any) -> None:
    found = crawled(site_id)
    expected = {r.page_url: r for r in expected_reports(site_id)}
    assert sorted(found) == sorted(expected), "report pages differ (recall or precision)"
    assert not set(found) & set(expected_decoy_urls(site_id)), "a decoy was taken for a report"
    variants = {v for r in expected.values() for v in r.variant_urls}
    assert not set(found) & variants, "a 解读/图解 variant was taken for a report"
    for url, truth in expected.items():
        assert sorted(found[url]["attachment_urls"]) == sorted(truth.attachment_urls), url
        assert found[url]["region_code"] == registry_row(site_id)["region_code"]


@pytest.mark.parametrize("site_id", SITE_IDS)
def test_each_report_has_the_right_unit_and_statistics_year(site_id: str, crawled: Any) -> None:
    found = crawled(site_id)
    wrong = [(url, (found[url]["unit_name"], found[url]["report_year"]), (r.unit_name, r.report_year))
             for r in expected_reports(site_id) if (url := r.page_url) in found
             and (found[url]["unit_name"], found[url]["report_year"]) != (r.unit_name, r.report_year)]
    assert wrong == []
