"""Year and unit sub-columns are found wherever they are linked from: the column's first list page, only the
column navigation (the section's menu tree, nested under the column), or only list page 2 — inside the column's
folder or elsewhere on the site, named by year ("2023年", "2023年度", "2023", "2023年年报"), by unit group
("县直部门", "乡镇（街道）") or by a unit's own name ("教育局").

Generated sites (sampleweb/year_columns.py), every seed of SEEDS walked through the spider's callbacks offline
(tests/spiders/offline_walk.py), results reported per knob value; SUBCOLUMN_SEEDS crawled end to end
(tests/spiders/generated_crawl.py).
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict
from pathlib import Path

import pytest

from sampleweb.year_columns import PLACEMENTS, year_columns_site, year_columns_spec
from tests.spiders.generated_crawl import SUBCOLUMN_SEEDS, GeneratedCrawl
from tests.spiders.offline_walk import walk

SEEDS = range(int(os.environ.get("NIANBAO_TEST_SUBCOLUMN_SITES", "24")))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("subcolumns-cache")


def test_every_report_and_nothing_else_per_knob(cache: Path) -> None:
    misses: dict[str, list[int]] = defaultdict(list)
    tried: dict[str, int] = defaultdict(int)
    for seed in SEEDS:
        spec = year_columns_spec(seed)
        truth = {r.page_url for r in spec.plan(cache).reports}
        found = walk(spec, cache)
        reports = {url for url, item in found.items.items() if item.role == "report"}
        assert not found.rendered, f"seed {seed}: a static site was rendered"
        for knob, value in dataclasses.asdict(year_columns_site(seed).knobs).items():
            tried[f"{knob}={value}"] += 1
            if reports != truth:
                misses[f"{knob}={value}"].append(seed)
    assert {knob for knob in tried if knob.startswith("placement=")} == {f"placement={p}" for p in PLACEMENTS}
    assert dict(misses) == {}, f"seeds with a miss or an extra report, per knob value: {dict(misses)}"


@pytest.mark.parametrize("seed", SUBCOLUMN_SEEDS)
def test_a_crawl_stores_every_sub_column_report(seed: int, generated_crawl: GeneratedCrawl, cache: Path) -> None:
    spec = year_columns_spec(seed)
    truth = {r.page_url: r for r in spec.plan(cache).reports}
    found = generated_crawl.reports[spec.site_id]
    assert sorted(found) == sorted(truth), year_columns_site(seed).knobs
    wrong = {url: (r["unit_name"], r["report_year"]) for url, r in found.items()
             if (r["unit_name"], r["report_year"]) != (truth[url].unit_name, truth[url].report_year)}
    assert wrong == {}
    assert generated_crawl.asked_twice(spec.hostname) == [], "a page was fetched twice"
