"""Table rules as data: the row, column and block labels of tables 2–4 (schema §2–§4) and their variants.

Every pattern matches text that went through ``parsing.normalize.label_key`` (NFKC, whitespace removed,
（）→(), 、 kept). Row patterns of table 3 are tried in order; the first match wins.
"""

from __future__ import annotations

import re

T3_COLUMNS = ("natural_person", "org_commercial", "org_research", "org_social_welfare", "org_legal_service",
              "org_other", "total")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# Table-3 data rows in print order; "other" is the single （六） row, other_detail.* the three gov2021 rows.
T3_ORDER_SINGLE = (
    "new_received", "carried_over", "results.granted", "results.partial",
    "results.withheld.state_secret", "results.withheld.law_prohibited",
    "results.withheld.three_security_one_stability", "results.withheld.third_party_rights",
    "results.withheld.internal_affairs", "results.withheld.process_info", "results.withheld.enforcement_files",
    "results.withheld.admin_query", "results.unable.not_held", "results.unable.needs_creation",
    "results.unable.still_unclear", "results.not_processed.petition_complaint", "results.not_processed.duplicate",
    "results.not_processed.publication", "results.not_processed.massive_repeat",
    "results.not_processed.confirm_existing", "results.other", "results.total", "carried_forward",
)
T3_OTHER_DETAIL = ("results.other_detail.no_correction", "results.other_detail.fee_unpaid",
                   "results.other_detail.other")
T3_ORDER_THREE = (*T3_ORDER_SINGLE[:20], *T3_OTHER_DETAIL, *T3_ORDER_SINGLE[21:])

# Table-3 row paths by a pattern on the row's label text (first match wins, order matters).
T3_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((p, re.compile(r)) for p, r in (
    ("carried_forward", r"结转下年度"), ("new_received", r"本年新收"), ("carried_over", r"上年结转"),
    ("results.total", r"\(七\)|^总计$|^总结$"), ("results.other_detail.no_correction", r"逾期不补正"),
    ("results.other_detail.fee_unpaid", r"逾期未按收费|未按收费通知"),
    ("results.other_detail.other", r"其他处理.*3[.、,]?其他$|^3[.、,]?其他$"),
    ("results.other", r"其他处理"), ("results.granted", r"予以公开"), ("results.partial", r"部分公开"),
    ("results.withheld.state_secret", r"国家秘密"), ("results.withheld.law_prohibited", r"禁止公开|行政止公开"),
    ("results.withheld.three_security_one_stability", r"三安全"), ("results.withheld.third_party_rights", r"第三方"),
    ("results.withheld.internal_affairs", r"内部事务"), ("results.withheld.process_info", r"过程性"),
    ("results.withheld.enforcement_files", r"执法案卷"), ("results.withheld.admin_query", r"行政查询"),
    ("results.unable.not_held", r"不掌握"), ("results.unable.needs_creation", r"另行制作"),
    ("results.unable.still_unclear", r"仍不明确"), ("results.not_processed.petition_complaint", r"信访|举报投诉"),
    ("results.not_processed.duplicate", r"重复申请"), ("results.not_processed.publication", r"出版物"),
    ("results.not_processed.massive_repeat", r"大量反复"),
    ("results.not_processed.confirm_existing", r"确认或重新出具|重新出具"),
))
# Header cells of table 3 (never data rows).
T3_HEADER_WORDS = ("勾稽关系", "申请人情况", "自然人", "法人或其他组织", "商业企业")

# Table 2: block headings, row labels and column labels (label_key form; substring match for columns).
T2_BLOCKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(r)) for k, r in (
    ("art20_1", r"第二十条第\(一\)项"), ("art20_5", r"第二十条第\(五\)项"), ("art20_6", r"第二十条第\(六\)项"),
    ("art20_8", r"第二十条第\(八\)项"), ("art20_9", r"第二十条第\(九\)项"),
))
T2_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((k, re.compile(r)) for k, r in (
    ("rules", r"^规章$"), ("normative_docs", r"^(?:行政)?规范性文件$"), ("admin_license", r"^行政许可$"),
    ("other_mgmt_services", r"^其他对外管理服务事项$"), ("admin_penalty", r"^行政处罚$"),
    ("admin_coercion", r"^行政强制$"), ("admin_fees", r"^行政事业性收费$"),
    ("central_procurement", r"^政府集中采购$"),
))
# Column labels → keys, tried in order (longer labels first: 本年处理决定数量 before 处理决定数量).
T2_COLUMNS: tuple[tuple[str, str], ...] = (
    ("本年新制作数量", "new_made"), ("本年新公开数量", "new_published"), ("对外公开总数量", "total_published"),
    ("上一年项目数量", "prev_year_items"), ("本年增/减", "change"), ("本年处理决定数量", "decisions"),
    ("处理决定数量", "decisions"), ("采购项目数量", "procurement_items"), ("采购总金额", "procurement_amount"),
    ("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件", "in_force"),
    ("本年收费金额", "fee_amount_wan"),
)
T2_HEADER_FIRST = "信息内容"
# Columns whose header fixes the unit (schema §7: 2021 （八） is in 万元).
T2_COLUMN_UNITS = {"fee_amount_wan": "万元"}
T2_GOV2021_COLUMNS = ("issued", "repealed", "in_force", "fee_amount_wan")
T2_GOV2019_COLUMNS = ("new_made", "new_published", "total_published", "prev_year_items", "change",
                      "procurement_items", "procurement_amount")
T2_GOV2021_ONLY_LABEL = "本年处理决定数量"

# Table 4: the header words and the row of 15 numbers.
T4_ANCHOR = "复议后起诉"
T4_CELLS = 15

# Plain text: a number token (with 减少/增加, signs, 元/万元), page-number lines to drop inside tables.
NUMBER_TOKEN = r"(?:减少|增加)?\s*[+\-－]?[0-9０-９][0-9０-９,，.]*\s*(?:万元|元)?"
TRAILING_NUMBERS = re.compile(rf"^(?P<label>.*?)(?P<nums>(?:(?:^|\s+){NUMBER_TOKEN})+)\s*$")
NUMBER_SPLIT = re.compile(rf"{NUMBER_TOKEN}")
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?"
                              r"|\d{1,3}\s*/\s*\d{1,3})\s*$")

# TEXT rule (schema §6): numbers quoted in prose and the cell they must equal.
PROSE_FIGURES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(r), cell) for r, cell in (
    (r"(?:共|累计)?(?:受理|收到|新收)(?:各类)?政府信息公开申请(?P<n>\d+)件", "table3.new_received.total"),
    (r"被申请行政复议(?P<n>\d+)件", "table4.review.total"),
))
PROSE_NONE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"无政府信息公开申请"), ("table3.new_received.total",)),
    (re.compile(r"无政府信息公开行政复议和行政诉讼"), ("table4.review.total", "table4.litigation_direct.total",
                                                 "table4.litigation_after_review.total")),
)
