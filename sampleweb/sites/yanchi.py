"""盐池县人民政府 (www.yanchi.gov.cn), a TRS site with ``list_N.html`` pages, the 6-argument pager and unit
sub-columns; its column folder is a redirect shell, its 2021 report (seed 004) comes as PDF and OFD."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sampleweb.document import compose
from sampleweb.gov_links import NINGXIA
from sampleweb.kit import County, derived, jiedu, notice, tujie
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.sites.seed_tables import yanchi_2021_tables
from sampleweb.trs import Link, Portal
from sampleweb.trs_plan import plan_trs_site
from sampleweb.trs_site import ArticleEntry, ReportEntry, StaticPage, SubColumn, TrsSite

HOSTNAME = "www.yanchi.gov.cn"
COUNTY = County("盐池县", "盐池县人民政府", "http://www.yanchi.gov.cn", city="吴忠市")
OFFICE = "盐池县人民政府办公室"
HUAMACHI, DASHUIKENG, GAOSHAWO = "盐池县花马池镇人民政府", "盐池县大水坑镇人民政府", "盐池县高沙窝镇人民政府"
EDU, HEALTH = "盐池县教育体育局", "盐池县卫生健康局"
COLUMN_NAME = "政府信息公开年报"

SEED_2021 = ReportEntry(OFFICE, 2021, "2022-01-20", "pdf+ofd",
                        partial(compose, "yanchi_office_2021.txt", {}, yanchi_2021_tables(), OFFICE, 2021),
                        seed="004_a0eb56bf1a87750f.txt")
OFFICE_2023 = derived(COUNTY, OFFICE, 2023, "2024-01-22", "pdf", attach_style="outside")
MAIN = (
    derived(COUNTY, OFFICE, 2019, "2020-01-20", "html_inline"),
    derived(COUNTY, OFFICE, 2020, "2021-01-19", "doc", attach_style="rel_appendix"),
    SEED_2021,
    jiedu(SEED_2021, "2022-01-21"),
    derived(COUNTY, OFFICE, 2022, "2023-01-18", "html+pdf", attach_style="appendix"),
    OFFICE_2023,
    tujie(OFFICE_2023, "2024-01-25"),
    derived(COUNTY, OFFICE, 2024, "2025-01-20", "html_inline"),
    derived(COUNTY, OFFICE, 2025, "2026-01-19", "pdf", attach_style="rel_appendix"),
    notice("盐池县", OFFICE, 2021, "2021-12-27", COLUMN_NAME),
    notice("盐池县", OFFICE, 2023, "2023-12-26", COLUMN_NAME),
)
TOWNS = (
    derived(COUNTY, HUAMACHI, 2021, "2022-01-24", "html_inline", "盐池县花马池镇2021年政府信息公开工作年度报告"),
    derived(COUNTY, HUAMACHI, 2022, "2023-01-29", "html_inline", "花马池镇2022年度政府信息公开工作年度报告"),
    derived(COUNTY, DASHUIKENG, 2022, "2023-01-30", "docx"),
    derived(COUNTY, GAOSHAWO, 2023, "2024-01-26", "html_inline"),
)
DEPARTMENTS = (
    derived(COUNTY, EDU, 2022, "2023-01-20", "html_inline"),
    derived(COUNTY, HEALTH, 2023, "2024-01-24", "pdf"),
    notice("盐池县", EDU, 2022, "2022-12-20", "部门年报"),
)
NEWS = (
    ArticleEntry("盐池县召开政务公开工作推进会", "2022-03-16",
                 ("3月16日，盐池县召开政务公开工作推进会，安排部署2022年政务公开重点任务。",)),
    ArticleEntry("盐池县开展政府信息公开年度报告编制培训", "2023-12-12",
                 ("12月12日，盐池县组织各乡镇、各部门开展政府信息公开工作年度报告编制培训。",)),
)
STATIC_PAGES = (
    StaticPage("/xxgk/zfxxgkzn/index.html", "盐池县人民政府信息公开指南", (
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "政府信息公开工作年度报告于每年1月31日前在“政府信息公开年报”栏目公布。")),
    StaticPage("/xxgk/fdzdgknr/index.html", "法定主动公开内容", ("机构职能、规范性文件、规划信息、财政预决算。",)),
)
PORTAL = Portal(
    name="盐池县人民政府",
    nav=(("首页", "/"), ("政务公开", "/xxgk/"), ("新闻中心", "/xwzx/"), ("魅力盐池", "/mlyc/"),
         ("政务服务", "/zwfw/"), ("政民互动", "/zmhd/")),
    menus=(
        ("新闻中心", (("盐池要闻", "/xwzx/ycyw/"), ("部门动态", "/xwzx/bmdt/"), ("乡镇动态", "/xwzx/xzdt/"),
                      ("通知公告", "/xwzx/tzgg/"), ("视频盐池", "/xwzx/spyc/"))),
        ("魅力盐池", (("盐池概况", "/mlyc/ycgk/"), ("红色盐池", "/mlyc/hsyc/"), ("滩羊之乡", "/mlyc/tyzx/"),
                      ("旅游景点", "/mlyc/lyjd/"))),
        ("政务服务", (("办事指南", "/zwfw/bszn/"), ("宁夏政务服务网", "https://zwfw.nx.gov.cn/"),
                      ("便民查询", "/zwfw/bmcx/"))),
        ("政民互动", (("县长信箱", "/zmhd/xzxx/"), ("意见征集", "/zmhd/yjzj/"), ("在线访谈", "/zmhd/zxft/"),
                      ("常见问题", "/zmhd/cjwt/"))),
    ),
    footer=("主办：盐池县人民政府办公室　承办：盐池县融媒体中心",
            "地址：宁夏吴忠市盐池县花马池镇　邮编：751500　联系电话：0953-6012345"),
    hostname=HOSTNAME, site_code="6403230001", icp="宁ICP备05003456号", police_record="64032302000102", abbr="宁",
    region_links=NINGXIA, stats_id="6403230001",
)
SITE = TrsSite(
    hostname=HOSTNAME, region_code="640323", portal=PORTAL,
    xxgk_menu=(Link("政府信息公开指南", "/xxgk/zfxxgkzn/"), Link("法定主动公开内容", "/xxgk/fdzdgknr/"),
               Link(COLUMN_NAME, "/xxgk/zfxxgknb/")),
    report_column="/xxgk/zfxxgknb/", column_name=COLUMN_NAME,
    entries=MAIN, news=NEWS, static_pages=STATIC_PAGES, per_page=5, first_id=3310000,
    org_codes={OFFICE: "001", HUAMACHI: "101", DASHUIKENG: "102", GAOSHAWO: "103", EDU: "021", HEALTH: "023"},
    list_name="list", pager="six", column_shell=True,
    sub_columns=(SubColumn("xzndbg", "乡镇年报", TOWNS), SubColumn("bmndbg", "部门年报", DEPARTMENTS)),
)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 盐池 site."""
    return plan_trs_site(SITE, cache_dir)


SPEC = SiteSpec("yanchi", HOSTNAME, "盐池县", "640323", "trs", plan)
