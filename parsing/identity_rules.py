"""Identity rules as data: page-metadata labels and their spellings, organ suffixes, memo and signature patterns.

The label spellings are matched on text whose whitespace (spaces, &nbsp;, ideographic spaces) may sit between
any two characters of a label (名&nbsp;&nbsp;称, 来　　源, 发 布 机 构), followed by a half- or full-width colon or
none; parsing.identity_meta builds that matcher. The unit patterns match label keys (parsing.normalize.label_key).
"""

from __future__ import annotations

import re

# Metadata labels: the key a value is stored under ← the spellings that label it, longest first within a key.
META_LABELS: dict[str, tuple[str, ...]] = {
    "索引号": ("索引号",),
    "发文机关": ("发文机关", "发文单位", "制发机关", "成文单位"),
    "发布机构": ("发布机构", "发布单位", "发布部门", "公开机构", "公开单位"),
    "来源": ("信息来源", "文章来源", "稿件来源", "来源"),
    "名称": ("文件名称", "名称", "标题"),
    "公开日期": ("公开日期", "公开时间"),
    "发布日期": ("发布日期",),
    "发布时间": ("发布时间",),
    "生成日期": ("生成日期",),
    "成文日期": ("成文日期",),
    "文号": ("发文字号", "文号"),
    "主题分类": ("主题分类", "体裁分类", "组配分类", "分类"),
}
# Labels that only end the value before them (they are never read).
STOP_LABELS = ("作者", "浏览次数", "访问次数", "阅读次数", "点击数", "有效性", "关键词", "主题词", "公开方式",
               "公开范围", "公开时限", "时效", "字体", "字号", "责任编辑", "编辑", "打印", "关闭", "分享")
# A line (as a label key) that begins with a metadata label: a row of the page's block, never a title or an issuer.
META_LABEL_LINE = re.compile("^(?:" + "|".join(sorted({s for v in META_LABELS.values() for s in v}, key=len,
                                                        reverse=True)) + ")")
# Keys whose value is one organ name, strongest first: who issued the document, who published the page, the source.
UNIT_META_KEYS = ("发文机关", "发布机构", "来源")
# Keys whose value is a date, in the order published_at takes them (schema §1).
DATE_META_KEYS = ("公开日期", "发布日期", "发布时间", "生成日期", "成文日期")
# <meta name=…> tags some CMSs write (TRS, Hanweb): tag name → key.
META_TAGS = {"ArticleTitle": "title", "PubDate": "发布日期", "ContentSource": "来源", "ColumnName": "栏目"}
# The breadcrumb line: 当前位置：首页 > 信息公开 > … (its crumbs are column evidence).
BREADCRUMB = re.compile(r"(?:当前位置|您的位置|您现在的位置|所在位置|当前所在位置)\s*[:：]?\s*(?P<crumbs>.+)")
CRUMB_SPLIT = re.compile(r"\s*(?:>|》|＞|»|→|/|\|)\s*")

# The government of a place (宝丰镇 → 宝丰镇人民政府, 某某街道 → 某某街道办事处): the forms a bare place may be
# expanded to, when the document, its page or the site shows them.
GOVERNMENT_SUFFIXES = ("人民政府", "政府", "办事处", "管理委员会", "管委会")
# Endings that make a town or subdistrict name an organ rather than a place.
ORGAN_SUFFIXES = (*GOVERNMENT_SUFFIXES, "办公室", "街道办")
# A name that begins with a place (平罗县…, 沛县…, 上海市…, 宝丰镇…): a name, then the place word.
PLACE_PREFIX = re.compile(r"^[^县区市旗镇乡]{1,12}?(?:省|自治区|自治州|市|州|盟|县|区|旗|镇|乡|街道)")
# An organ named without its place: 县政府办, 县人民政府办公室, 区财政局, 镇政府.
PLACELESS = re.compile(r"^(?:县|区|市|旗|镇|乡|街道)(?!人民政府$|政府$)")

# The cover memo above a report: 关于报送…年度报告的报告/函/通知, and report titles quoted in 《》.
MEMO_SUBJECT = re.compile(r"关于(?:报送|呈报|上报|印发|公布|发布)?(?P<title>.{4,70}?年度报告)的(?:报告|函|通知|请示)")
QUOTED_TITLE = re.compile(r"《(?P<title>[^《》]{4,70}?年度报告(?:\(全文\))?)》")
# A line that is an issuer (a unit name alone, or a unit followed by a date on the same line: 落款).
SIGNATURE_DATE = re.compile(r"(?P<date>(?:19|20)\d\d年\d{1,2}月\d{1,2}日)(?:印发?|发布)?$")
SIGNATURE_LINES = 8  # the signature is searched for among the document's last lines
MEMO_LINES = 20  # …and the cover memo among its first ones
# Preface and memo words that say a line is prose, not an issuer.
NOT_ISSUER = re.compile(r"[,.;:!?。，；：、《》]|关于|根据|按照|报告|通知")
