"""Table rules as data: the row, column and block labels of tables 2–4 (schema §2–§4) and their variants.

Every pattern matches text that went through ``parsing.normalize.label_key`` (NFKC, whitespace removed,
（）→(), 、 kept). Row patterns of table 3 are tried in order; the first match wins. The keys the patterns
yield are the vocabulary's (kernel.report_tables); only the labels are spelled here.
"""

from __future__ import annotations

import re

from kernel import report_tables as k
from kernel.report import TABLE3, TABLE4

# The keys, in template order, come from the vocabulary (kernel.report_tables); the names stay importable here.
T3_COLUMNS = k.T3_COLUMN_KEYS
T4_GROUPS = k.T4_GROUP_KEYS
T4_COLUMNS = k.T4_COLUMN_KEYS

# Table-3 data rows in print order; "other" is the single （六） row, other_detail.* the three gov2021 rows.
T3_ORDER_SINGLE = k.T3_ROWS_SINGLE
T3_OTHER_DETAIL = k.T3_OTHER_DETAIL_ROWS
T3_ORDER_THREE = k.T3_ROWS_THREE

# Table-3 row paths by a pattern on the row's label text (first match wins, order matters).
T3_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((p, re.compile(r)) for p, r in (
    (k.T3_CARRIED_FORWARD, r"结转下年度"), (k.T3_NEW_RECEIVED, r"本年新收"), (k.T3_CARRIED_OVER, r"上年结转"),
    (k.T3_RESULTS_TOTAL, r"\(七\)|^总计$|^总结$"), (k.T3_NO_CORRECTION, r"逾期不补正"),
    (k.T3_FEE_UNPAID, r"逾期未按收费|未按收费通知"),
    (k.T3_OTHER_OTHER, r"其他处理.*3[.、,]?其他$|^3[.、,]?其他$"),
    (k.T3_OTHER, r"其他处理"), (k.T3_GRANTED, r"予以公开"), (k.T3_PARTIAL, r"部分公开"),
    (k.T3_STATE_SECRET, r"国家秘密"), (k.T3_LAW_PROHIBITED, r"禁止公开|行政止公开"),
    (k.T3_THREE_SECURITY, r"三安全"), (k.T3_THIRD_PARTY, r"第三方"),
    (k.T3_INTERNAL_AFFAIRS, r"内部事务"), (k.T3_PROCESS_INFO, r"过程性"),
    (k.T3_ENFORCEMENT_FILES, r"执法案卷"), (k.T3_ADMIN_QUERY, r"行政查询"),
    (k.T3_NOT_HELD, r"不掌握"), (k.T3_NEEDS_CREATION, r"另行制作"),
    (k.T3_STILL_UNCLEAR, r"仍不明确"), (k.T3_PETITION, r"信访|举报投诉"),
    (k.T3_DUPLICATE, r"重复申请"), (k.T3_PUBLICATION, r"出版物"),
    (k.T3_MASSIVE_REPEAT, r"大量反复"),
    (k.T3_CONFIRM_EXISTING, r"确认或重新出具|重新出具"),
))
# Header cells of table 3 (never data rows).
T3_HEADER_WORDS = ("勾稽关系", "申请人情况", "自然人", "法人或其他组织", "商业企业")

# Table 2: block headings, row labels and column labels (label_key form; substring match for columns).
T2_BLOCKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((key, re.compile(r)) for key, r in (
    (k.ART20_1, r"第二十条第\(一\)项"), (k.ART20_5, r"第二十条第\(五\)项"), (k.ART20_6, r"第二十条第\(六\)项"),
    (k.ART20_8, r"第二十条第\(八\)项"), (k.ART20_9, r"第二十条第\(九\)项"),
))
T2_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((key, re.compile(r)) for key, r in (
    (k.RULES, r"^规章$"), (k.NORMATIVE_DOCS, r"^(?:行政)?规范性文件$"), (k.ADMIN_LICENSE, r"^行政许可$"),
    (k.OTHER_MGMT_SERVICES, r"^其他对外管理服务事项$"), (k.ADMIN_PENALTY, r"^行政处罚$"),
    (k.ADMIN_COERCION, r"^行政强制$"), (k.ADMIN_FEES, r"^行政事业性收费$"),
    (k.CENTRAL_PROCUREMENT, r"^政府集中采购$"),
))
# Column labels → keys, tried in order (longer labels first: 本年处理决定数量 before 处理决定数量).
T2_COLUMNS: tuple[tuple[str, str], ...] = (
    ("本年新制作数量", k.NEW_MADE), ("本年新公开数量", k.NEW_PUBLISHED), ("对外公开总数量", k.TOTAL_PUBLISHED),
    ("上一年项目数量", k.PREV_YEAR_ITEMS), ("本年增/减", k.CHANGE), ("本年处理决定数量", k.DECISIONS),
    ("处理决定数量", k.DECISIONS), ("采购项目数量", k.PROCUREMENT_ITEMS), ("采购总金额", k.PROCUREMENT_AMOUNT),
    ("本年制发件数", k.ISSUED), ("本年废止件数", k.REPEALED), ("现行有效件", k.IN_FORCE),
    ("本年收费金额", k.FEE_AMOUNT_WAN),
)
T2_HEADER_FIRST = "信息内容"
# Columns whose header fixes the unit (schema §7: 2021 （八） is in 万元).
T2_COLUMN_UNITS = k.T2_COLUMN_UNITS
# The columns only one template prints (format detection, schema §5.1).
T2_GOV2021_COLUMNS = k.T2_GOV2021_ONLY
T2_GOV2019_COLUMNS = k.T2_GOV2019_ONLY
T2_GOV2021_ONLY_LABEL = "本年处理决定数量"

# Table 4: the header words and the row of 15 numbers.
T4_ANCHOR = "复议后起诉"
T4_CELLS = k.T4_CELLS

# Plain text: a number token (with 减少/增加, signs, 元/万元), page-number lines to drop inside tables.
NUMBER_TOKEN = r"(?:减少|增加)?\s*[+\-－]?[0-9０-９][0-9０-９,，.]*\s*(?:万元|元)?"
TRAILING_NUMBERS = re.compile(rf"^(?P<label>.*?)(?P<nums>(?:(?:^|\s+){NUMBER_TOKEN})+)\s*$")
NUMBER_SPLIT = re.compile(rf"{NUMBER_TOKEN}")
PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?"
                              r"|\d{1,3}\s*/\s*\d{1,3})\s*$")

# TEXT rule (schema §6): numbers quoted in prose and the cell they must equal.
_NEW_RECEIVED_TOTAL = k.cell_path(TABLE3, k.T3_NEW_RECEIVED, k.TOTAL)
_REVIEW_TOTAL = k.cell_path(TABLE4, k.REVIEW, k.TOTAL)
PROSE_FIGURES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(r), cell) for r, cell in (
    (r"(?:共|累计)?(?:受理|收到|新收)(?:各类)?政府信息公开申请(?P<n>\d+)件", _NEW_RECEIVED_TOTAL),
    (r"被申请行政复议(?P<n>\d+)件", _REVIEW_TOTAL),
))
PROSE_NONE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"无政府信息公开申请"), (_NEW_RECEIVED_TOTAL,)),
    (re.compile(r"无政府信息公开行政复议和行政诉讼"), tuple(k.cell_path(TABLE4, g, k.TOTAL) for g in k.T4_GROUP_KEYS)),
)
