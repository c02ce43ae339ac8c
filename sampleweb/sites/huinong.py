"""惠农区人民政府 (www.huinong.gov.cn, made up on the VSB family): numeric list pages, a 500 and a slow page."""

from __future__ import annotations

from pathlib import Path

from sampleweb.family import Entry
from sampleweb.kit import County, derived, jiedu, notice
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.vsb import VsbSite, plan_vsb_site

HOSTNAME = "www.huinong.gov.cn"
COUNTY = County("惠农区", "石嘴山市惠农区人民政府", "http://www.huinong.gov.cn")
OFFICE = "石嘴山市惠农区人民政府办公室"
STREETS = ("惠农区北街街道办事处", "惠农区红果子镇人民政府", "惠农区园艺镇人民政府")
COLUMN_NAME = "政府信息公开年度报告"

OFFICE_2021 = derived(COUNTY, OFFICE, 2021, "2022-01-21", "pdf")
ENTRIES: tuple[Entry, ...] = (
    *(derived(COUNTY, OFFICE, year, f"{year + 1}-01-{18 + year % 5}", "html_inline")
      for year in (2019, 2020, 2022, 2023, 2024, 2025)),
    OFFICE_2021,
    jiedu(OFFICE_2021, "2022-01-26"),
    *(derived(COUNTY, unit, year, f"{year + 1}-01-2{i + 4}", "html_inline" if i else "docx")
      for i, unit in enumerate(STREETS) for year in (2022, 2023)),
    notice("惠农区", OFFICE, 2022, "2022-12-22", COLUMN_NAME),
    notice("惠农区", OFFICE, 2024, "2024-12-20", COLUMN_NAME),
)
SITE = VsbSite(HOSTNAME, "石嘴山市惠农区人民政府", 1012, COLUMN_NAME, ENTRIES)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 惠农 site."""
    return plan_vsb_site(SITE, cache_dir)


SPEC = SiteSpec("huinong", HOSTNAME, "惠农区", "640205", "vsb", plan)
