"""The official template's layout as data: blocks, rows and column labels of tables 2–4 (report-schema §2–§4)."""

from __future__ import annotations

# --- Table 2: 主动公开政府信息情况 -------------------------------------------------------------------
T2_BLOCKS = {
    "art20_1": "第二十条第（一）项",
    "art20_5": "第二十条第（五）项",
    "art20_6": "第二十条第（六）项",
    "art20_8": "第二十条第（八）项",
    "art20_9": "第二十条第（九）项",
}
T2_ROWS = {
    "rules": "规章",
    "normative_docs": "规范性文件",
    "admin_license": "行政许可",
    "other_mgmt_services": "其他对外管理服务事项",
    "admin_penalty": "行政处罚",
    "admin_coercion": "行政强制",
    "admin_fees": "行政事业性收费",
    "central_procurement": "政府集中采购",
}
# Both versions' column keys, in template order (gov2019 first; a record holds one version's keys, or a hybrid).
T2_COLUMNS = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "fee_amount_wan": "本年收费金额（单位：万元）",
    "procurement_items": "采购项目数量",
    "procurement_amount": "采购总金额",
}
# gov2021 prints some shared keys under other labels.
GOV2021_COLUMNS = {"decisions": "本年处理决定数量"}

# --- Table 3: 收到和处理政府信息公开申请情况 --------------------------------------------------------
T3_ORG_COLUMNS = [
    ("org_commercial", "商业企业"),
    ("org_research", "科研机构"),
    ("org_social_welfare", "社会公益组织"),
    ("org_legal_service", "法律服务机构"),
    ("org_other", "其他"),
]
T3_COLUMN_KEYS = ["natural_person", *(key for key, _ in T3_ORG_COLUMNS), "total"]
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_RESULTS = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"
# (path under table3, first label level, second level, third level): None = the label to its left spans it.
T3_ROWS: list[tuple[str, str, str | None, str | None]] = [
    ("new_received", "一、本年新收政府信息公开申请数量", None, None),
    ("carried_over", "二、上年结转政府信息公开申请数量", None, None),
    ("results.granted", _RESULTS, "（一）予以公开", None),
    ("results.partial", _RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("results.withheld.state_secret", _RESULTS, _WITHHELD, "1.属于国家秘密"),
    ("results.withheld.law_prohibited", _RESULTS, _WITHHELD, "2.其他法律行政法规禁止公开"),
    ("results.withheld.three_security_one_stability", _RESULTS, _WITHHELD, "3.危及“三安全一稳定”"),
    ("results.withheld.third_party_rights", _RESULTS, _WITHHELD, "4.保护第三方合法权益"),
    ("results.withheld.internal_affairs", _RESULTS, _WITHHELD, "5.属于三类内部事务信息"),
    ("results.withheld.process_info", _RESULTS, _WITHHELD, "6.属于四类过程性信息"),
    ("results.withheld.enforcement_files", _RESULTS, _WITHHELD, "7.属于行政执法案卷"),
    ("results.withheld.admin_query", _RESULTS, _WITHHELD, "8.属于行政查询事项"),
    ("results.unable.not_held", _RESULTS, _UNABLE, "1.本机关不掌握相关政府信息"),
    ("results.unable.needs_creation", _RESULTS, _UNABLE, "2.没有现成信息需要另行制作"),
    ("results.unable.still_unclear", _RESULTS, _UNABLE, "3.补正后申请内容仍不明确"),
    ("results.not_processed.petition_complaint", _RESULTS, _NOT_PROCESSED, "1.信访举报投诉类申请"),
    ("results.not_processed.duplicate", _RESULTS, _NOT_PROCESSED, "2.重复申请"),
    ("results.not_processed.publication", _RESULTS, _NOT_PROCESSED, "3.要求提供公开出版物"),
    ("results.not_processed.massive_repeat", _RESULTS, _NOT_PROCESSED, "4.无正当理由大量反复申请"),
    ("results.not_processed.confirm_existing", _RESULTS, _NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"),
    ("results.other", _RESULTS, _OTHER, None),
    ("results.other_detail.no_correction", _RESULTS, _OTHER,
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("results.other_detail.fee_unpaid", _RESULTS, _OTHER,
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("results.other_detail.other", _RESULTS, _OTHER, "3.其他"),
    ("results.total", _RESULTS, "（七）总计", None),
    ("carried_forward", "四、结转下年度继续办理", None, None),
]

# --- Table 4: 政府信息公开行政复议、行政诉讼情况 -----------------------------------------------------
T4_GROUPS = [
    ("review", "行政复议", None),
    ("litigation_direct", "行政诉讼", "未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼", "复议后起诉"),
]
T4_COLUMNS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
              ("total", "总计")]

# Headline numbers for charts and exports: (key, label, cell path).
HEADLINES = [
    ("new_requests", "新收申请", "table3.new_received.total"),
    ("granted", "予以公开", "table3.results.granted.total"),
    ("total_processed", "办理结果总计", "table3.results.total.total"),
    ("carried_forward", "结转下年", "table3.carried_forward.total"),
    ("reviews", "行政复议", "table4.review.total"),
    ("lawsuits_direct", "直接起诉", "table4.litigation_direct.total"),
]
HEADLINE_LABELS = {key: label for key, label, _ in HEADLINES}


def t2_label(kind: str, key: str) -> str:
    """The printed label of a table-2 block, row or column key (the key itself when unknown)."""
    table = {"block": T2_BLOCKS, "row": T2_ROWS, "column": T2_COLUMNS}[kind]
    return table.get(key, key)
