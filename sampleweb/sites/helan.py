"""贺兰县人民政府 (www.nxhl.gov.cn), a Hanweb JCMS site: the report column's list exists only as jpage XML."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sampleweb.document import compose
from sampleweb.family import Entry
from sampleweb.hanweb import HanwebSite, plan_hanweb_site
from sampleweb.kit import County, derived, notice, tujie
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.sites.seed_tables import helan_2020_tables
from sampleweb.trs_site import ReportEntry

HOSTNAME = "www.nxhl.gov.cn"
COUNTY = County("贺兰县", "贺兰县人民政府", "http://www.nxhl.gov.cn", city="银川市")
GOV, OFFICE = "贺兰县人民政府", "贺兰县人民政府办公室"
TOWNS = ("贺兰县习岗镇人民政府", "贺兰县金贵镇人民政府", "贺兰县立岗镇人民政府", "贺兰县洪广镇人民政府")
EDU, HEALTH = "贺兰县教育局", "贺兰县卫生健康局"
COLUMN_NAME = "政府信息公开年报"

SEED_2020 = ReportEntry(GOV, 2020, "2021-01-27", "pdf",
                        partial(compose, "helan_2020.txt", {}, helan_2020_tables(), GOV, 2020),
                        seed="002_a9a2dcbd1bff277a.txt", title="贺兰县2020年政府信息公开工作年度报告")
ENTRIES: tuple[Entry, ...] = (
    derived(COUNTY, OFFICE, 2019, "2020-01-21", "html_inline"),
    SEED_2020,
    tujie(SEED_2020, "2021-01-29"),
    derived(COUNTY, OFFICE, 2021, "2022-01-18", "pdf"),
    derived(COUNTY, OFFICE, 2022, "2023-01-17", "html_inline"),
    derived(COUNTY, OFFICE, 2023, "2024-01-23", "pdf"),
    derived(COUNTY, OFFICE, 2024, "2025-01-21", "html_inline"),
    derived(COUNTY, OFFICE, 2025, "2026-01-20", "docx"),
    *(derived(COUNTY, town, year, f"{year + 1}-01-{24 + i}", "html_inline")
      for i, town in enumerate(TOWNS) for year in (2021, 2022)),
    derived(COUNTY, EDU, 2022, "2023-01-19", "html_inline"),
    derived(COUNTY, HEALTH, 2023, "2024-01-25", "html_inline"),
    notice("贺兰县", OFFICE, 2020, "2020-12-24", COLUMN_NAME),
    notice("贺兰县", OFFICE, 2022, "2022-12-23", COLUMN_NAME),
)
SITE = HanwebSite(hostname=HOSTNAME, name="贺兰县人民政府", column_id=2471, unit_id=36926, web_id=52,
                  column_name=COLUMN_NAME, entries=ENTRIES)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 贺兰 site."""
    return plan_hanweb_site(SITE, cache_dir)


SPEC = SiteSpec("helan", HOSTNAME, "贺兰县", "640122", "hanweb", plan)
