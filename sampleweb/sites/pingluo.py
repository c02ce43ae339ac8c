"""平罗县人民政府 (www.pingluo.gov.cn), a TRS WCM site: its reports, decoys, news and static pages as data."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from sampleweb.document import ReportDoc, compose
from sampleweb.gov_links import NINGXIA
from sampleweb.gov_tables import ReportTables
from sampleweb.kit import County
from sampleweb.kit import derived_doc as county_doc
from sampleweb.site import SitePlan, SiteSpec
from sampleweb.sites.pingluo_seeds import baofeng_2020_tables, office_2020_tables
from sampleweb.trs import Link, Portal
from sampleweb.trs_plan import plan_trs_site
from sampleweb.trs_site import ArticleEntry, ReportEntry, StaticPage, TrsSite

HOSTNAME = "www.pingluo.gov.cn"
OFFICE, EDU, HEALTH = "平罗县人民政府办公室", "平罗县教育局", "平罗县卫生健康局"
BAOFENG, YAOFU = "平罗县宝丰镇人民政府", "平罗县姚伏镇人民政府"
SHORT = {OFFICE: "县政府办公室", EDU: "我局", HEALTH: "我局", BAOFENG: "我镇", YAOFU: "我镇"}
ORG_CODES = {OFFICE: "001", EDU: "012", HEALTH: "015", BAOFENG: "101", YAOFU: "104"}


COUNTY = County("平罗县", "平罗县人民政府", "http://www.pingluo.gov.cn")


def derived_doc(unit: str, year: int) -> ReportDoc:
    """A report made from the generic template of the year's format, with consistent made-up numbers."""
    return county_doc(COUNTY, unit, SHORT[unit], year)


def seed_doc(text: str, tables: Callable[[], ReportTables], unit: str) -> ReportDoc:
    """A report whose prose and tables come from a seed (year 2020)."""
    return compose(text, {}, tables(), unit, 2020)


def _report(unit: str, year: int, date: str, kind: str, title: str = "", images: tuple[str, ...] = ()) -> ReportEntry:
    return ReportEntry(unit, year, date, kind, partial(derived_doc, unit, year), title=title, images=images)


REPORTS = (
    _report(OFFICE, 2019, "2020-01-17", "html_inline"),
    _report(EDU, 2019, "2020-01-21", "html_inline"),
    _report(BAOFENG, 2019, "2020-01-22", "html_inline", "平罗县宝丰镇2019年政府信息公开工作年度报告"),
    ReportEntry(OFFICE, 2020, "2021-01-20", "pdf",
                partial(seed_doc, "pingluo_office_2020.txt", office_2020_tables, OFFICE),
                seed="000_e497ca72f28c193c.txt"),
    ReportEntry(BAOFENG, 2020, "2021-01-22", "docx",
                partial(seed_doc, "pingluo_baofeng_2020.txt", baofeng_2020_tables, BAOFENG),
                seed="003_df2de3352bcf5852.txt", title="平罗县宝丰镇2020年政府信息公开工作年度报告"),
    _report(EDU, 2020, "2021-01-25", "html_inline"),
    _report(YAOFU, 2020, "2021-01-26", "doc", images=("scan1", "scan2")),  # the town shows its scanned pages too
    _report(OFFICE, 2021, "2022-01-19", "html+pdf"),
    _report(EDU, 2021, "2022-01-21", "html_inline"),
    _report(YAOFU, 2021, "2022-01-24", "html_inline", "平罗县姚伏镇2021年政府信息公开工作年度报告"),
    _report(HEALTH, 2021, "2022-01-25", "pdf"),
    _report(OFFICE, 2022, "2023-01-18", "pdf"),
    _report(BAOFENG, 2022, "2023-01-20", "docx", "平罗县宝丰镇2022年政府信息公开工作年度报告"),
    _report(OFFICE, 2023, "2024-01-19", "html_inline"),
    _report(EDU, 2023, "2024-01-23", "html_inline"),
)

_NOTICE = (
    "各乡镇人民政府，县政府各部门：",
    "根据《中华人民共和国政府信息公开条例》规定，现就做好{y}年度政府信息公开工作年度报告编制发布工作通知如下："
    "一、各单位要严格按照国务院办公厅政府信息与政务公开办公室印发的年度报告格式编制本单位年度报告；"
    "二、年度报告须于{n}年1月31日前在县政府门户网站“政府信息公开年报”栏目发布；"
    "三、报告中的数据要与政务公开工作台账保持一致。",
    "平罗县人民政府办公室",
)
DECOYS = (
    ArticleEntry("关于做好2020年度政府信息公开工作年度报告编制发布工作的通知", "2020-12-28",
                 tuple(p.format(y=2020, n=2021) for p in _NOTICE), publisher=OFFICE),
    ArticleEntry("图解：平罗县2020年政府信息公开工作年度报告", "2021-01-28",
                 ("一图读懂平罗县人民政府办公室2020年政府信息公开工作年度报告。",), publisher=OFFICE,
                 images=("tujie1", "tujie2"), variant_of=f"{OFFICE}2020年政府信息公开工作年度报告"),
    ArticleEntry("关于做好2021年度政府信息公开工作年度报告编制发布工作的通知", "2021-12-30",
                 tuple(p.format(y=2021, n=2022) for p in _NOTICE), publisher=OFFICE),
    ArticleEntry("一图读懂平罗县人民政府办公室2022年政府信息公开工作年度报告", "2023-01-30",
                 ("图解平罗县人民政府办公室2022年政府信息公开工作年度报告。",), publisher=OFFICE, images=("tujie",),
                 variant_of=f"{OFFICE}2022年政府信息公开工作年度报告"),
)

NEWS = (
    ArticleEntry("平罗县召开2021年政务公开工作推进会", "2021-03-12",
                 ("3月12日，平罗县召开2021年政务公开工作推进会，总结2020年政务公开工作，安排部署全年重点任务。",)),
    ArticleEntry("平罗县举办“政府开放日”活动", "2021-11-18",
                 ("11月18日，平罗县举办“政府开放日”活动，邀请群众代表走进政务服务中心。",)),
    ArticleEntry("平罗县开展政务公开业务培训", "2022-06-09",
                 ("6月9日，平罗县组织全县各部门、各乡镇政务公开专干开展业务培训，解读政府信息公开工作年度报告格式。",)),
    ArticleEntry("平罗县2023年政府网站建设工作综述", "2023-12-26",
                 ("2023年，平罗县持续推进政府网站集约化建设，全年发布各类政务信息8000余条。",)),
)

STATIC_PAGES = (
    StaticPage("/xxgk/zfxxgkzn/index.html", "平罗县人民政府信息公开指南", (
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、主动公开：公开范围、公开形式、公开时限。二、依申请公开：受理机构、申请方式、办理流程。",
        "三、政府信息公开工作年度报告：每年1月31日前在本网站“政府信息公开年报”栏目公布上一年度的年度报告。")),
    StaticPage("/xxgk/zfxxgkzd/index.html", "政府信息公开制度", ("平罗县政府信息公开保密审查制度、主动公开制度。",)),
    StaticPage("/xxgk/fdzdgknr/index.html", "法定主动公开内容", ("机构职能、规范性文件、规划信息、财政预决算。",)),
    StaticPage("/xxgk/ysqgk/index.html", "依申请公开", ("申请人可通过在线申请、信函申请或当面申请提出。",)),
    StaticPage("/zwfw/index.html", "政务服务", ("平罗县政务服务中心办事指南。",)),
    StaticPage("/hdjl/index.html", "互动交流", ("县长信箱、书记信箱、在线访谈。",)),
)

PORTAL = Portal(
    name="平罗县人民政府",
    nav=(("首页", "/"), ("走进平罗", "/zjpl/"), ("新闻中心", "/xwzx/"), ("政府信息公开", "/xxgk/"),
         ("政务服务", "/zwfw/"), ("互动交流", "/hdjl/"), ("专题专栏", "/ztzl/")),
    menus=(
        ("走进平罗", (("平罗概况", "/zjpl/plgk/"), ("历史沿革", "/zjpl/lsyg/"), ("自然地理", "/zjpl/zrdl/"),
                      ("行政区划", "/zjpl/xzqh/"), ("文化旅游", "/zjpl/whly/"), ("投资平罗", "/zjpl/tzpl/"))),
        ("新闻中心", (("平罗要闻", "/xwzx/plyw/"), ("部门动态", "/xwzx/bmdt/"), ("乡镇动态", "/xwzx/xzdt/"),
                      ("通知公告", "/xwzx/tzgg/"), ("图片新闻", "/xwzx/tpxw/"), ("媒体聚焦", "/xwzx/mtjj/"))),
        ("政务服务", (("办事指南", "/zwfw/bszn/"), ("便民服务", "/zwfw/bmfw/"),
                      ("宁夏政务服务网", "https://zwfw.nx.gov.cn/"), ("好差评", "/zwfw/hcp/"))),
        ("互动交流", (("县长信箱", "/hdjl/xzxx/"), ("在线访谈", "/hdjl/zxft/"), ("征集调查", "/hdjl/zjdc/"),
                      ("常见问题", "/hdjl/cjwt/"), ("12345热线", "/hdjl/rx/"))),
        ("专题专栏", (("优化营商环境", "/ztzl/yhyshj/"), ("乡村振兴", "/ztzl/xczx/"),
                      ("民族团结进步创建", "/ztzl/mztj/"), ("安全生产", "/ztzl/aqsc/"),
                      ("法治政府建设", "/ztzl/fzzf/"))),
    ),
    footer=("主办：平罗县人民政府办公室　承办：平罗县融媒体中心",
            "地址：宁夏石嘴山市平罗县鼓楼东街　邮编：753400　联系电话：0952-6012345"),
    hostname=HOSTNAME, site_code="6402210001", icp="宁ICP备05001234号", police_record="64022102000101", abbr="宁",
    region_links=NINGXIA, stats_id="6402210001",
)

SITE = TrsSite(
    hostname=HOSTNAME, region_code="640221", portal=PORTAL,
    xxgk_menu=(Link("政府信息公开指南", "/xxgk/zfxxgkzn/"), Link("政府信息公开制度", "/xxgk/zfxxgkzd/"),
               Link("法定主动公开内容", "/xxgk/fdzdgknr/"), Link("政府信息公开年报", "/xxgk/zfxxgknb/"),
               Link("依申请公开", "/xxgk/ysqgk/")),
    report_column="/xxgk/zfxxgknb/", column_name="政府信息公开年报",
    entries=REPORTS + DECOYS, news=NEWS, static_pages=STATIC_PAGES, org_codes=ORG_CODES,
)


def plan(cache_dir: Path) -> SitePlan:
    """Every resource of the 平罗 site."""
    return plan_trs_site(SITE, cache_dir)


SPEC = SiteSpec("pingluo", HOSTNAME, "平罗县", "640221", "trs", plan)
