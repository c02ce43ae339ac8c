"""正宁县人民政府 (www.zhengning.gov.cn), a Gansu 集约化 site in GBK: year sub-columns, the 2020 report (seed 001)
only as a DOC attachment with its cover memo, and a ``2024n`` folder that also holds the 2025 report."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sampleweb.document import compose
from sampleweb.jiyue import JiyueSite, plan_jiyue_site
from sampleweb.kit import County, derived, notice, tujie
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.sites.seed_tables import zhengning_2020_tables
from sampleweb.trs_site import ReportEntry

HOSTNAME = "www.zhengning.gov.cn"
COUNTY = County("正宁县", "正宁县人民政府", "http://www.zhengning.gov.cn", upper="省", city="庆阳市",
                province="甘肃省")
OFFICE, SHANHE = "正宁县人民政府办公室", "正宁县山河镇人民政府"
COLUMN_NAME = "政府信息公开年报"

SEED_2020 = ReportEntry(OFFICE, 2020, "2021-01-12", "doc",
                        partial(compose, "zhengning_2020.txt", {}, zhengning_2020_tables(), OFFICE, 2020),
                        seed="001_ef11941af22d82b9.txt", title="正宁县2020年政府信息公开工作年度报告")
OFFICE_2022 = derived(COUNTY, OFFICE, 2022, "2023-01-16", "pdf", "正宁县2022年政府信息公开工作年度报告")
FOLDERS = (
    ("2020n", (SEED_2020,)),
    ("2021n", (derived(COUNTY, OFFICE, 2021, "2022-01-14", "html_inline", "正宁县2021年政府信息公开工作年度报告"),
               notice("正宁县", OFFICE, 2021, "2021-12-20", COLUMN_NAME))),
    ("nb_2022n", (OFFICE_2022, tujie(OFFICE_2022, "2023-01-18"))),
    ("2023n", (derived(COUNTY, OFFICE, 2023, "2024-01-15", "html_inline", "正宁县2023年政府信息公开工作年度报告"),
               derived(COUNTY, SHANHE, 2023, "2024-01-22", "html_inline"))),
    ("2024n", (derived(COUNTY, OFFICE, 2024, "2025-01-14", "pdf", "正宁县2024年政府信息公开工作年度报告"),
               derived(COUNTY, OFFICE, 2025, "2026-01-13", "html_inline", "正宁县2025年政府信息公开工作年度报告"))),
)
SITE = JiyueSite(HOSTNAME, "正宁县人民政府", "/zfxxgk/fdzdgknr/zfxxgknb/", COLUMN_NAME, FOLDERS)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 正宁 site."""
    return plan_jiyue_site(SITE, cache_dir)


SPEC = SiteSpec("zhengning", HOSTNAME, "正宁县", "621025", "jiyue", plan)
