"""One `nianbao crawl --all` over the generated sites the spider tests check end to end (module sites of
sampleweb/hanweb_module.py, sub-column sites of sampleweb/year_columns.py), through the generated web: one process,
one parse pool, shared by test_modules.py and test_subcolumns.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sampleweb.generated import GeneratedWebServer, registry_toml
from sampleweb.hanweb_module import module_spec
from sampleweb.server import SeenRequest
from sampleweb.year_columns import year_columns_spec
from storage.db import open_catalogue
from storage.units import SiteUnit, site_units
from tests.conftest import run_nianbao

# Module sites: units as a select and as links, years as a select and as links, the module linked with area /
# webid / both. Sub-column sites: one per placement (first page, navigation, page 2), sub-columns outside the folder.
MODULE_SEEDS = (0, 1, 2)
SUBCOLUMN_SEEDS = (3, 7, 11)


@dataclass(frozen=True)
class GeneratedCrawl:
    """What the crawl stored (report objects by site id and source URL) and what the web was asked."""

    reports: dict[str, dict[str, dict[str, Any]]]
    requests: list[SeenRequest]
    units: dict[str, list[SiteUnit]]  # what storage/units.py holds for each site after the crawl

    def asked_twice(self, host: str) -> list[str]:
        targets = [r.target for r in self.requests if r.host == host]
        return sorted({t for t in targets if targets.count(t) > 1})


def crawl_generated(tmp: Path) -> GeneratedCrawl:
    """Crawl the sites of MODULE_SEEDS and SUBCOLUMN_SEEDS under `tmp` (NIANBAO_HOME, registry, sample cache)."""
    specs = [module_spec(s) for s in MODULE_SEEDS] + [year_columns_spec(s) for s in SUBCOLUMN_SEEDS]
    registry = tmp / "sites.toml"
    registry.write_text(registry_toml(specs), "utf-8")
    env = {"NIANBAO_HOME": str(tmp / "data"), "NIANBAO_REGISTRY": str(registry)}
    with GeneratedWebServer(specs, cache_dir=tmp / "cache") as web:
        out = run_nianbao(["crawl", "--all", "--proxy", web.proxy_url], env, timeout=600)
        requests = web.requests
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    reports = {}
    for spec in specs:
        listed = run_nianbao(["reports", "--format", "json", "--site", spec.site_id], env)
        assert listed.returncode == 0, listed.stderr[-2000:]
        reports[spec.site_id] = {(r := json.loads(line))["source_url"]: r for line in listed.stdout.splitlines()}
    sessions = open_catalogue(f"sqlite:///{tmp / 'data' / 'nianbao.db'}")
    return GeneratedCrawl(reports, requests, {spec.site_id: site_units(sessions, spec.site_id) for spec in specs})
