"""Report-recognition rules as data: title, statistics period, headings, unit levels, decoys, citations.

Every pattern here matches text that went through ``parsing.normalize.label_key`` (NFKC, 〔〕 folded to [],
no whitespace), so "平罗县人民政府办公室 2020 年\\n政府信息公开年度报告" is matched as one string.

Unit rule for bare place-name titles ("正宁县2020年政府信息公开工作年度报告", "贺兰县 2020 年…"): the
report belongs to that place's people's government (unit_name "正宁县人民政府", level county). The title
names the jurisdiction and the body speaks for it (seed 001 "县政府全面加强…", seed 002 "全县各级行政
机关"); the office on the cover memo (正宁县人民政府办公室 报送…) only compiles and files it. An office's
own report names the office in its title (seed 000 平罗县人民政府办公室, seed 004 盐池县人民政府办公室).
"""

from __future__ import annotations

import re

from kernel import report as rk

_UNIT_CHARS = r"[^,.;:!?。，；：、《》\"'()\[\]<>]"

# Titles, tried in order on windows of 1–3 consecutive non-empty lines near the top of the document.
TITLE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 平罗县人民政府办公室2020年政府信息公开年度报告 / 2019年上海市人民政府办公厅政府信息公开工作年度报告
    re.compile(rf"^(?P<unit>{_UNIT_CHARS}{{0,40}}?)(?P<year>(?:19|20)\d\d)年度?"
               rf"(?P<unit2>{_UNIT_CHARS}{{0,30}}?)(?:政府信息公开|政务公开)(?:工作)?年度报告(?:\(全文\))?$"),
    # 某某局政府信息公开工作年度报告(2020年度)
    re.compile(rf"^(?P<unit>{_UNIT_CHARS}{{2,40}}?)(?:政府信息公开|政务公开)(?:工作)?年度报告"
               r"\((?P<year>(?:19|20)\d\d)年?度?\)$"),
)
TITLE_MAX_CHARS = 70
TITLE_SEARCH_LINES = 60
# Words that make a title-shaped line something else (a cover memo, a notice about reports).
NOT_A_UNIT = re.compile(r"关于|报送|转发|印发|解读|图解")

# The statistics period: 统计期限为2020年1月1日至2020年12月31日 / 统计数据从2021年1月1日至12月31日.
STATS_PERIOD = re.compile(r"统计.{0,24}?(?P<year>(?:19|20)\d\d)年1月1日(?:起)?(?:至|到|-|~)"
                          r"(?:(?P<year2>(?:19|20)\d\d)年)?12月31日")

# Decoys: pages about reports that are not reports. Matched on the first lines and the page title.
DECOY_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^关于.{0,40}(?:年度报告|政务公开|政府信息公开).{0,30}的(?:通知|函|意见|通报)$"),
    re.compile(r"^关于(?:做好|印发|开展|转发|组织).{0,60}的(?:通知|函)"),
    re.compile(r"图解|一图(?:读懂|看懂)|图说"),
    re.compile(r"^(?:政策)?解读|解读$|\(解读\)$|答记者问"),
)

# Section headings: a Chinese numeral, 、 and heading text. Keys per schema §0; numerals are not trusted.
HEADING_LINE = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})[、.](?P<body>[^。;]{2,40})$")
SECTION_PATTERNS: dict[str, re.Pattern[str]] = {
    rk.S1_OVERVIEW: re.compile(r"^(?:.{0,14}总体(?:开展|工作)?情况|(?:工作)?基本情况|工作概述|概述|总体概述)$"),
    rk.S2_ACTIVE: re.compile(r"^(?:行政机关)?主动公开(?:政府信息)?(?:的)?(?:工作)?情况$|^公开发布政府信息情况$"
                            r"|^主动公开政府信息"),
    rk.S3_REQUESTS: re.compile(r"收到和处理政府信息公开申请|^依申请公开(?:政府信息)?(?:工作)?(?:的)?情况$"),
    rk.S4_REVIEW_LITIGATION: re.compile(r"行政复议.{0,6}行政诉讼|复议.{0,4}诉讼"),
    rk.S5_PROBLEMS: re.compile(r"存在的?(?:主要)?问题|问题(?:及|和)改进|改进(?:情况|措施)$"),
    rk.S6_OTHER: re.compile(r"其他需要?报告的事项"),
}
# Lines shaped like headings that are table-3 row labels (一、本年新收… 四、结转下年度继续办理).
NOT_HEADINGS = re.compile(r"^(?:本年新收|上年结转|本年度办理结果|结转下年度)")
CHINESE_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

# Unit level from the END of the unit name; first match wins (自治区人民政府 before 区人民政府).
UNIT_LEVEL_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:人民政府|政府)办公(?:室|厅)$|政府办$"), rk.LEVEL_COUNTY_OFFICE),
    (re.compile(r"街道办事处$|街道办$|街道$"), rk.LEVEL_SUBDISTRICT),
    (re.compile(r"[镇乡](?:人民政府|政府)$|[镇乡]$"), rk.LEVEL_TOWN),
    (re.compile(r"(?:省|自治区)(?:人民政府|政府)$"), rk.LEVEL_OTHER),
    (re.compile(r"(?:县|区|旗)(?:人民政府|政府)$"), rk.LEVEL_COUNTY),
    (re.compile(r"市(?:人民政府|政府)$"), rk.LEVEL_CITY),
    (re.compile(r"(?:局|委员会|委|中心|办公室|办|厅|署|馆|院|所|站|队|处|管委会)$"), rk.LEVEL_DEPARTMENT),
)
# A bare place name (正宁县, 洪泽区) is the place's people's government (see the module docstring).
BARE_PLACE = re.compile(r"^.{1,14}?(?:县|区|市|旗)$")
PLACE_GOVERNMENT_SUFFIX = "人民政府"
# Fallback unit from the preface: 本报告由平罗县宝丰镇人民政府，根据… / 本报告由淮安市人民政府办公室根据…
BODY_UNIT = re.compile(rf"本(?:年度)?报告由(?P<unit>{_UNIT_CHARS}{{2,30}}?)(?:,|根据|依据|按照|编制)")

# The national template a preface cites (〔〕 are folded to [] before matching).
TEMPLATE_CITATION = re.compile(r"国办公开办函\[(?P<year>\d{4})\](?P<num>\d+)号")
TEMPLATE_CITATION_FORMAT = "国办公开办函〔{year}〕{num}号"

# Format detection on table labels (schema §5).
T2_GOV2021_LABELS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
T2_GOV2019_LABELS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                     "第二十条第(九)项", "政府集中采购")
T3_THREE_ROW_LABELS = ("逾期不补正", "逾期未按收费通知")
LEGACY_LABELS = ("政府信息公开的收费及减免情况", "依申请公开政府信息情况", "一、概述")

# Fees reported in section 六 (schema §1 fee_collected_yuan).
FEE_NONE = re.compile(r"(?:未|没有|不曾|不|无)(?:收取|发生|产生)(?:任何|过)?.{0,8}?(?:信息处理费|处理费|收费|费用)"
                      r"|(?:信息处理费|处理费).{0,6}?(?:未收取|未发生|为零|为0|无)|未收取|未发生收费|无收费")
FEE_AMOUNT = re.compile(r"(?:信息处理费|处理费|收费).{0,12}?(?P<amount>\d+(?:\.\d+)?)(?P<unit>万?元)")

# Dates in page metadata and prose (the metadata labels are in parsing.identity_rules).
DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})")

# Article containers of common Chinese government CMSs, most specific first.
CONTENT_XPATHS: tuple[str, ...] = (
    "//*[@id='zoom']",
    "//*[@id='UCAP-CONTENT']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[contains(@class, 'TRS_UEDITOR')]",
    "//*[contains(@class, 'article-content')]",
    "//*[@id='Zoom']",
    "//article",
)
