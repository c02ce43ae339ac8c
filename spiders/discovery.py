"""Discovery rules as data: how a disclosure section, an annual-report column, a list pager, a report
article and an attachment are recognised on a county site, whatever its CMS.

Code in spiders/links.py, spiders/pagination.py and spiders/classify.py applies these; nothing here (or
there) names a particular site. Per-site differences are registry rows (spiders/sites.toml overrides).
"""

from __future__ import annotations

import re

from archive.html_links import ATTACHMENT_EXT as ATTACHMENT_EXT

# --- navigation: disclosure section and annual-report column ------------------------------------------------
# Navigation text that leads to the disclosure section.
SECTION_TEXT = re.compile(r"^(政府信息公开|信息公开|政务公开|政府公开|政务信息公开)(目录|平台|专栏|专题|网)?$")
SECTION_SLUG = re.compile(
    r"^/(\w+/)?(xxgk|zwgk|zfxxgk|gk|xxgkml|zfxxgkml|zwxxgk|govinfo|openness)(/|/index\.s?html?|\.s?html?)?$", re.I)

# Names and URL slugs of the annual-report column.
COLUMN_TEXT = re.compile(
    r"(政府信息公开(工作)?年(度报告|报)|信息公开(工作)?年(度报告|报)|政务公开(工作)?年(度报告|报)|年报专栏|"
    r"^年度报告(专栏)?$|^年报$|公开年报|^(政府)?信息公开年度工作报告$)")
# A column name never carries a year; a report title does (column links are told apart by this).
YEAR_IN_TEXT = re.compile(r"(19|20)\d{2}\s*年")
COLUMN_SLUG = re.compile(
    r"/(zfxxgknb|xxgknb(_\d+)?|gknb|ndbg|xxgkndbg|tbnb|szfnb|xzndbg|zfxxgkndbg|zfxxgkgzndbg|gzndbg|nb)"
    r"(/|\.s?html?$|$)", re.I)
# Year sub-columns of a report column: text "2022年" / "2022年度" / "2022", slugs 2022n, nb_2022n, 2022.
YEAR_SUBCOLUMN_TEXT = re.compile(r"^((19|20)\d{2})\s*(年度?)?(年报|年度报告)?$")
YEAR_SUBCOLUMN_SLUG = re.compile(r"/(nb_?|y)?(19|20)\d{2}n?(/|/index\.s?html?|\.s?html?)?$", re.I)
# Unit sub-columns: who publishes (departments, towns, streets), or a unit's own name. A group's name (部门,
# 乡镇（街道）) makes a sub-column wherever it links to; a unit's own name only inside the column's folder, in the
# column's navigation, or in a block of such names on a list page (spiders/navigation.py).
UNIT_GROUP_TEXT = re.compile(
    r"^(县|区|市|旗)?(政府|本级|县直|区直|市直)?(部门|各部门|乡镇|街道|乡镇街道|镇街|乡镇（街道）|乡镇\(街道\)|政府部门|县政府|"
    r"区政府|市政府|政府办|单位)(政府信息公开)?(年报|年度报告|工作年度报告)?$")
UNIT_SUBCOLUMN_TEXT = re.compile(
    UNIT_GROUP_TEXT.pattern + r"|^(镇|乡)$|^.{1,10}(镇|乡|街道|局|委|办)(政府信息公开)?(年报|年度报告)?$")
# Menus and link blocks a sub-column link may sit in (its siblings are the column's other sub-columns).
NAV_CONTAINERS = ("ul", "ol", "dl", "div", "td", "p")

# --- list pages: article links ----------------------------------------------------------------------------
# Article links, by CMS: TRS ./YYYYMM/tYYYYMMDD_<id>.html, Hanweb /art/YYYY/M/D/art_<col>_<id>.html,
# 集约化 /art/YYYY/art_<32hex>.html, VSB /info/<tree>/<id>.htm, generic content_<id> and numeric ids.
ARTICLE_HREF = re.compile(
    r"(/t\d{8}_\d+\.s?html?$|/art/\d{4}/|/content_\d+|/\d{5,}\.s?html?$|/info/\d+/\d+\.s?html?$|"
    r"/(art|article|detail|content)[_/-]?[0-9a-f]{6,}\.s?html?$|/[0-9a-f]{32}\.s?html?$)", re.I)
# Anchor text that makes a link in a list worth opening even outside the column's folder.
ARTICLE_HINT_TEXT = re.compile(r"(年报|年度报告|公开工作|信息公开|政务公开|解读|图解|一图读懂)")

# --- pagination -------------------------------------------------------------------------------------------
# TRS pager, classic: createPageHTML(N, current, "index", "html") — current is 0-based, page k+1 = index_k.html.
TRS_PAGER_4 = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
# TRS pager, newer: createPageHTML('div', N, current, 'index', 'html', records) — current is 1-based,
# page k = index_{k-1}.html (so page 2 is index_1.html, as in the classic form).
TRS_PAGER_6 = re.compile(
    r"createPageHTML\(\s*[\"'][\w-]*[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*,"
    r"\s*\d+\s*\)")
NEXT_PAGE_TEXT = re.compile(r"^(下一页|下页|后一页|>|›|»|>>|下一頁)$")
LAST_PAGE_TEXT = re.compile(r"^(尾页|末页|最后一页|>>\||尾頁)$")
PAGER_TEXT = re.compile(
    r"^(下一页|下页|后一页|上一页|上页|前一页|首页|尾页|末页|最后一页|第?\d{1,4}页?|>|<|›|‹|»|«|>>|<<)$")
# 共N页 (also 共 N 页, 页次 1/N, 第1/N页).
PAGE_COUNT_TEXT = re.compile(r"(共\s*(\d{1,4})\s*页|页次[:：]?\s*\d+\s*/\s*(\d{1,4})|第\s*\d+\s*/\s*(\d{1,4})\s*页)")
# Pager URLs: the page number and how it is written. Group "n" is the number.
PAGER_HREF = (
    ("list-n", re.compile(r"/(?P<name>index|list|default)_(?P<n>\d{1,4})\.(?P<ext>s?html?)$")),
    ("page-n", re.compile(r"/(?P<name>page)_(?P<n>\d{1,4})\.(?P<ext>s?html?)$")),
    ("numeric-n", re.compile(r"/(?P<n>\d{1,4})\.(?P<ext>s?html?)$")),
)
PAGER_QUERY = re.compile(r"(^|&)(?P<key>page|cur_page|curpage|pageNo|pageno|pageIndex|pageindex|pn|p|currentPage)"
                         r"=(?P<n>\d{1,4})(&|$)")

# Hanweb JCMS jpage: the list is XML from dataproxy.jsp; ids are read from the page.
JPAGE_PROXY = re.compile(r"(/module/web/jpage/dataproxy\.jsp)")
JPAGE_PARAM = {
    "columnid": re.compile(r"columnid\s*[=:]\s*['\"]?(\d+)"),
    "unitid": re.compile(r"unitid\s*[=:]\s*['\"]?(\d+)"),
    "webid": re.compile(r"webid\s*[=:]\s*['\"]?(\d+)"),
}
JPAGE_TOTAL = re.compile(r"(totalRecord|totalrecord)\s*[:=>]\s*['\"]?(\d+)")
JPAGE_PER_PAGE = re.compile(r"(perPage|perpage)\s*[:=]\s*['\"]?(\d+)")
JPAGE_DEFAULT_PER_PAGE = 15
JPAGE_GROUP_SIZE = re.compile(r"groupSize\s*[:=]\s*['\"]?(\d+)")
JPAGE_DEFAULT_GROUP = 3  # pages per dataproxy request, as the jpage plugin asks for them unless told otherwise

# Kaipu jpaas: JSON lists from the publish server's unit builder; pageNo lives in paramJson.
JPAAS_URL = re.compile(r"[\"']?(/api-gateway/jpaas-publish-server/front/page/build/unit\?[^\"'\s<>]+)")
# JSON list answers (jpaas and other XHR lists): where the page count, the record total and the page size are.
JSON_PAGES_KEYS = ("pageCount", "totalPage", "totalPages", "pages")
JSON_TOTAL_KEYS = ("total", "totalCount", "totalRecord", "recordCount", "count")
JSON_PAGE_SIZE_KEYS = ("pageSize", "perPage", "size", "rows_per_page")

# Hanweb 信息公开 annual-report module (spiders/modules.py): one report page per unit (area=<unit code>) and
# statistics year (fbtime=YYYY), the units and years offered in the page's selects or as links; never a list.
ANNUAL_REPORT_MODULE = re.compile(r"[\"']?([^\"'\s<>]*xxgkAnnualReport\.jsp\?[^\"'\s<>]*)")
ANNUAL_REPORT_MODULE_PATH = re.compile(r"/xxgkAnnualReport\.jsp$", re.I)
MODULE_UNIT_PARAM, MODULE_YEAR_PARAM = "area", "fbtime"
MODULE_UNIT_FIELDS = frozenset({"area", "unit", "unitid", "dept", "deptid"})  # <select name=…> of the units
MODULE_YEAR_FIELDS = frozenset({"fbtime", "year", "nd", "nf"})  # <select name=…> of the years
MODULE_YEAR_VALUE = re.compile(r"^(19|20)\d{2}$")
MODULE_YEAR_TEXT = re.compile(r"^((19|20)\d{2})\s*年?度?$")  # a year link ("2023年"), not a unit link
# What an empty unit × year page says instead of a report.
MODULE_EMPTY_TEXT = re.compile(r"(暂无|尚未|未发布|没有).{0,6}(年报|年度报告|报告|信息|数据|记录)")
FIRST_REPORT_YEAR = 2008  # the regulations took effect on 2008-05-01: no report is older

# --- report recognition -----------------------------------------------------------------------------------
# A report title: a statistics year, then (…信息公开 / 政务公开 …) 年度报告 / 年报 / 工作报告.
REPORT_TITLE = re.compile(
    r"((19|20)\d{2})\s*年度?.{0,40}?(信息公开|政务公开|公开).{0,12}?(年度报告|年报|工作报告|年度工作报告)")
REPORT_TITLE_LOOSE = re.compile(r"((19|20)\d{2})\s*年度?.{0,40}?(年度报告|年报)")
# Notices about compiling reports, and news; never reports.
DECOY_TITLE = re.compile(
    r"(关于(认真)?(做好|开展|加强|报送|组织).{0,40}(编制|报送|发布|公开).{0,20}(通知|函)|工作的通知$|培训|推进会|"
    r"征集|政府工作报告$|决算|预算|统计年报|统计公报)")
# 解读 / 图解: recorded as variants of their report, not as reports.
VARIANT_TITLE = re.compile(r"(解读|图解|一图读懂|一图看懂|图说|动漫|视频|H5)")
# The statistics period line of a report body.
PERIOD_LINE = re.compile(r"统计期限[^0-9]{0,10}((19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")

# --- attachments ------------------------------------------------------------------------------------------
# ATTACHMENT_EXT (imported above): a URL path ending in a document's file extension; the archive's metadata
# records apply the same rule, so it lives in archive/html_links.py.
# Download endpoints whose real file name is a query parameter (Hanweb downfile.jsp?filename=…).
DOWNLOAD_ENDPOINT = re.compile(r"/(downfile|download|filedown|downloadfile|attachment)\w*\.(jsp|do|aspx?|php)$", re.I)
DOWNLOAD_NAME_PARAM = re.compile(r"(^|&)(filename|fileName|name|file)=([^&]+)")
# File URLs held in JS strings: var rel_appendix = '<a href="./P0….doc">…</a>'; var att = "/…/x.pdf".
JS_FILE_STRING = re.compile(r"[\"']([^\"'\s<>]+\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z))[\"']", re.I)

# --- content images (page requisites of report and variant pages) ------------------------------------------
# Raster images worth archiving with the page: TRS ./W0<date>….jpg beside the article, Hanweb /picture/0/…,
# JEECMS /u/cms/www/…, /uploadfiles/…; scanned 图片版 reports. Attributes read, lazy-loading ones included.
IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|bmp|webp|tiff?)$", re.I)
IMAGE_ATTRS = ("src", "data-src", "data-original", "original", "data-echo", "lazy-src")
# Site chrome, never fetched as content: images inside these elements, or inside an element whose class or id
# has one of these words (split at spaces, _ and -): header, footer, navigation, logo, share buttons, QR codes
# (ewm = 二维码), 党政机关 / 政府网站找错 / 公安备案 badges, 友情链接, toolbars.
CHROME_TAGS = frozenset({"header", "footer", "nav"})
CHROME_CONTAINER = re.compile(
    r"^(header|head|top|topbar|toolbar|footer|foot|bottom|copyright|nav|navbar|menu|subnav|logo|banner|search|"
    r"share|bdshare|fenxiang|ewm|erweima|qrcode|qr|wx|weixin|wb|weibo|badge|badges|conac|ideconac|jiucuo|gaba|"
    r"beian|yqlj|links|friendlink|wza|slh)$", re.I)
# Chrome by where it lives: a portal template's folders (TRS /images/, JEECMS /r/cms/, VSB /system/resource/ …),
# and by its file name (logo.png, wx_ewm.jpg, red.png, jiucuo.png, gaba.png, icon_*.gif …).
CHROME_IMAGE_PATH = re.compile(
    r"^/(images?|img|imgs|skin|skins|style|styles|css|js|template|templates|theme|themes|r/cms|system/resource|"
    r"_sitegray|module/(?!download)\w+)/", re.I)
CHROME_IMAGE_NAME = re.compile(
    r"^(logo|ewm|erweima|qrcode|qr|wx|weixin|wb|weibo|jiucuo|gaba|beian|conac|dzjg|red|slh|wza|banner|icon|ico|"
    r"share|bg|arrow|btn|dot|line|spacer|blank|loading)([._-]|\d|$)", re.I)

# --- browser: signs that a page draws its list with a script (spiders/script_lists.py) -------------------------
SCRIPT_LIST_CODE = re.compile(
    r"(\bfetch\s*\(|XMLHttpRequest|\$\.(ajax|get|post|getJSON)\s*\(|\.load\s*\(|axios|\.jpage\s*\(|innerHTML|"
    r"\.(append|html)\s*\(|template\s*\(|laytpl|new\s+Vue|createApp|ReactDOM|angular\.module)")
SCRIPT_LIST_SRC = re.compile(r"(jpage|pag(e|ination|er)|list|vue|react|angular|app[.\w-]*\.js|chunk|bundle)", re.I)
SCRIPT_LIST_MARKUP = re.compile(r"(<div[^>]+id=[\"']?(app|root)[\"'\s>]|\sv-for=|\sng-repeat=|\{\{\s*\w)", re.I)

# --- redirect shells ---------------------------------------------------------------------------------------
META_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*content=[\"']?\s*\d*\s*;?\s*url=([^\"'>\s]+)",
                          re.I)
JS_REDIRECT = re.compile(
    r"(?:window\.|top\.|self\.|document\.)?location(?:\.href)?\s*=\s*[\"']([^\"']+)[\"']|"
    r"location\.(?:replace|assign)\(\s*[\"']([^\"']+)[\"']\s*\)", re.I)
# A shell is small: a page with this much visible text or more is a real page, whatever its scripts do.
SHELL_MAX_TEXT = 200

# --- scope -------------------------------------------------------------------------------------------------
# Links never followed: calendars, searches, logins, feeds; query strings other than a pager's.
TRAP_PATH = re.compile(r"(calendar|rili|search|login|logout|register|rss|print|share|/so/|sousuo)", re.I)
# A body that calls itself an annual report near its top (used with the 统计期限 line).
REPORT_TEXT_IN_BODY = re.compile(r"(信息公开|政务公开)(工作)?年(度报告|报)")
TRAP_QUERY = re.compile(r"(^|&)(year|month|day|date|yearmonth|ym|keyword|keywords|q|wd|searchword|sort|order)=", re.I)
REPORT_WORD = re.compile(r"(年报|年度报告)")

# --- CMS family detection (for `nianbao sites add`): markers in a site's pages ---------------------------------
FAMILY_MARKERS = (
    ("hanweb", re.compile(r"(/module/web/jpage/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|hanweb|/col/col\d+/)",
                          re.I)),
    ("jiyue", re.compile(r"/art/\d{4}/art_[0-9a-f]{32}\.html", re.I)),
    ("vsb", re.compile(r"(/info/\d+/\d+\.htm|_sitegray|/system/resource/|vsb_)", re.I)),
    ("kaipu", re.compile(r"(jpaas|kaipuyun|/api-gateway/)", re.I)),
    ("trs", re.compile(r"(createPageHTML|/t\d{8}_\d+\.s?html|TRS_Editor|trs_|/P0\d{10,}\.)", re.I)),
)
# A site's name from its home page title: 某县人民政府 → 某县.
SITE_NAME = re.compile(r"([\u4e00-\u9fff]{1,12}(自治县|自治旗|县|区|市|旗))(人民政府|政府)")
