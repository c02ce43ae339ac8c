"""The official template's printed labels for tables 2–4 (report-schema §2–§4), by the keys of kernel.report_tables."""

from __future__ import annotations

from kernel import report_tables as k

# --- Table 2: 主动公开政府信息情况 -------------------------------------------------------------------
T2_BLOCKS = {
    k.ART20_1: "第二十条第（一）项",
    k.ART20_5: "第二十条第（五）项",
    k.ART20_6: "第二十条第（六）项",
    k.ART20_8: "第二十条第（八）项",
    k.ART20_9: "第二十条第（九）项",
}
T2_ROWS = {
    k.RULES: "规章",
    k.NORMATIVE_DOCS: "规范性文件",
    k.ADMIN_LICENSE: "行政许可",
    k.OTHER_MGMT_SERVICES: "其他对外管理服务事项",
    k.ADMIN_PENALTY: "行政处罚",
    k.ADMIN_COERCION: "行政强制",
    k.ADMIN_FEES: "行政事业性收费",
    k.CENTRAL_PROCUREMENT: "政府集中采购",
}
# Both versions' column keys, in template order (gov2019 first; a record holds one version's keys, or a hybrid).
T2_COLUMNS = {
    k.NEW_MADE: "本年新制作数量",
    k.NEW_PUBLISHED: "本年新公开数量",
    k.TOTAL_PUBLISHED: "对外公开总数量",
    k.ISSUED: "本年制发件数",
    k.REPEALED: "本年废止件数",
    k.IN_FORCE: "现行有效件数",
    k.PREV_YEAR_ITEMS: "上一年项目数量",
    k.CHANGE: "本年增/减",
    k.DECISIONS: "处理决定数量",
    k.FEE_AMOUNT_WAN: "本年收费金额（单位：万元）",
    k.PROCUREMENT_ITEMS: "采购项目数量",
    k.PROCUREMENT_AMOUNT: "采购总金额",
}
# gov2021 prints some shared keys under other labels.
GOV2021_COLUMNS = {k.DECISIONS: "本年处理决定数量"}

# --- Table 3: 收到和处理政府信息公开申请情况 --------------------------------------------------------
T3_ORG_COLUMNS = [
    (k.ORG_COMMERCIAL, "商业企业"),
    (k.ORG_RESEARCH, "科研机构"),
    (k.ORG_SOCIAL_WELFARE, "社会公益组织"),
    (k.ORG_LEGAL_SERVICE, "法律服务机构"),
    (k.ORG_OTHER, "其他"),
]
T3_COLUMN_KEYS = list(k.T3_COLUMN_KEYS)
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_RESULTS = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"
# (path under table3, first label level, second level, third level): None = the label to its left spans it.
T3_ROWS: list[tuple[str, str, str | None, str | None]] = [
    (k.T3_NEW_RECEIVED, "一、本年新收政府信息公开申请数量", None, None),
    (k.T3_CARRIED_OVER, "二、上年结转政府信息公开申请数量", None, None),
    (k.T3_GRANTED, _RESULTS, "（一）予以公开", None),
    (k.T3_PARTIAL, _RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    (k.T3_STATE_SECRET, _RESULTS, _WITHHELD, "1.属于国家秘密"),
    (k.T3_LAW_PROHIBITED, _RESULTS, _WITHHELD, "2.其他法律行政法规禁止公开"),
    (k.T3_THREE_SECURITY, _RESULTS, _WITHHELD, "3.危及“三安全一稳定”"),
    (k.T3_THIRD_PARTY, _RESULTS, _WITHHELD, "4.保护第三方合法权益"),
    (k.T3_INTERNAL_AFFAIRS, _RESULTS, _WITHHELD, "5.属于三类内部事务信息"),
    (k.T3_PROCESS_INFO, _RESULTS, _WITHHELD, "6.属于四类过程性信息"),
    (k.T3_ENFORCEMENT_FILES, _RESULTS, _WITHHELD, "7.属于行政执法案卷"),
    (k.T3_ADMIN_QUERY, _RESULTS, _WITHHELD, "8.属于行政查询事项"),
    (k.T3_NOT_HELD, _RESULTS, _UNABLE, "1.本机关不掌握相关政府信息"),
    (k.T3_NEEDS_CREATION, _RESULTS, _UNABLE, "2.没有现成信息需要另行制作"),
    (k.T3_STILL_UNCLEAR, _RESULTS, _UNABLE, "3.补正后申请内容仍不明确"),
    (k.T3_PETITION, _RESULTS, _NOT_PROCESSED, "1.信访举报投诉类申请"),
    (k.T3_DUPLICATE, _RESULTS, _NOT_PROCESSED, "2.重复申请"),
    (k.T3_PUBLICATION, _RESULTS, _NOT_PROCESSED, "3.要求提供公开出版物"),
    (k.T3_MASSIVE_REPEAT, _RESULTS, _NOT_PROCESSED, "4.无正当理由大量反复申请"),
    (k.T3_CONFIRM_EXISTING, _RESULTS, _NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"),
    (k.T3_OTHER, _RESULTS, _OTHER, None),
    (k.T3_NO_CORRECTION, _RESULTS, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (k.T3_FEE_UNPAID, _RESULTS, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (k.T3_OTHER_OTHER, _RESULTS, _OTHER, "3.其他"),
    (k.T3_RESULTS_TOTAL, _RESULTS, "（七）总计", None),
    (k.T3_CARRIED_FORWARD, "四、结转下年度继续办理", None, None),
]

# --- Table 4: 政府信息公开行政复议、行政诉讼情况 -----------------------------------------------------
T4_GROUPS = [
    (k.REVIEW, "行政复议", None),
    (k.LITIGATION_DIRECT, "行政诉讼", "未经复议直接起诉"),
    (k.LITIGATION_AFTER_REVIEW, "行政诉讼", "复议后起诉"),
]
T4_COLUMNS = [(k.UPHELD, "结果维持"), (k.CORRECTED, "结果纠正"), (k.OTHER, "其他结果"), (k.PENDING, "尚未审结"),
              (k.TOTAL, "总计")]

# Headline numbers for charts and exports: (name, label, cell path), names and paths from kernel.report_tables.
_HEADLINE_LABELS = [
    ("new_requests", "新收申请"),
    ("granted", "予以公开"),
    ("total_processed", "办理结果总计"),
    ("carried_forward", "结转下年"),
    ("reviews", "行政复议"),
    ("lawsuits_direct", "直接起诉"),
]
HEADLINES = [(name, label, k.HEADLINE_CELLS[name]) for name, label in _HEADLINE_LABELS]
HEADLINE_LABELS = {key: label for key, label, _ in HEADLINES}


def t2_label(kind: str, key: str) -> str:
    """The printed label of a table-2 block, row or column key (the key itself when unknown)."""
    table = {"block": T2_BLOCKS, "row": T2_ROWS, "column": T2_COLUMNS}[kind]
    return table.get(key, key)
