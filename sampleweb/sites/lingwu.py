"""灵武市人民政府 (www.lingwu.gov.cn), a Kaipu-style site whose report list exists only after JavaScript runs."""

from __future__ import annotations

from pathlib import Path

from sampleweb.family import Entry
from sampleweb.jslist import JsListSite, plan_jslist_site
from sampleweb.kit import County, derived, notice, tujie
from sampleweb.site import SitePlan, SiteSpec

HOSTNAME = "www.lingwu.gov.cn"
COUNTY = County("灵武市", "灵武市人民政府", "http://www.lingwu.gov.cn", city="银川市")
OFFICE, NINGDONG = "灵武市人民政府办公室", "灵武市宁东镇人民政府"
COLUMN_NAME = "政府信息公开年报"

OFFICE_2022 = derived(COUNTY, OFFICE, 2022, "2023-01-19", "pdf")
ENTRIES: tuple[Entry, ...] = (
    derived(COUNTY, OFFICE, 2020, "2021-01-22", "html_inline"),
    derived(COUNTY, OFFICE, 2021, "2022-01-20", "html_inline"),
    OFFICE_2022,
    tujie(OFFICE_2022, "2023-01-20", "一图读懂："),
    derived(COUNTY, OFFICE, 2023, "2024-01-18", "html_inline"),
    derived(COUNTY, OFFICE, 2024, "2025-01-17", "html+pdf"),
    derived(COUNTY, NINGDONG, 2023, "2024-01-26", "html_inline"),
    derived(COUNTY, NINGDONG, 2024, "2025-01-24", "html_inline"),
    notice("灵武市", OFFICE, 2023, "2023-12-21", COLUMN_NAME),
)
SITE = JsListSite(HOSTNAME, "灵武市人民政府", 14, 101563, COLUMN_NAME, ENTRIES, per_page=6)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 灵武 site."""
    return plan_jslist_site(SITE, cache_dir)


SPEC = SiteSpec("lingwu", HOSTNAME, "灵武市", "640181", "kaipu", plan)
