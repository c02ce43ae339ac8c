"""The three statistical tables of the official report templates (gov2019 and gov2021) built as grids."""

from __future__ import annotations

from dataclasses import dataclass

from sampleweb.grid import Cell, Grid, Row, label, values

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_ORG_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
WITHHELD = (
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
)
UNABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
NOT_PROCESSED = (
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER_2021 = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# Table 2 row labels per version, in print order, with the number of value cells each row holds.
T2_ROWS: dict[str, tuple[tuple[str, int], ...]] = {
    "gov2019": (
        ("规章", 3), ("规范性文件", 3), ("行政许可", 3), ("其他对外管理服务事项", 3),
        ("行政处罚", 3), ("行政强制", 3), ("行政事业性收费", 2), ("政府集中采购", 2),
    ),
    "gov2021": (
        ("规章", 3), ("行政规范性文件", 3), ("行政许可", 1), ("行政处罚", 1), ("行政强制", 1),
        ("行政事业性收费", 1),
    ),
}
# Number of table-3 data rows (top rows + results rows + carried forward); the 2021 hybrid (盐池 seed 004) keeps the
# single-row （六）.
T3_ROW_COUNT = {"gov2019": 23, "gov2021": 25, "gov2021-hybrid": 23}


@dataclass(frozen=True)
class ReportTables:
    """Raw cell texts of the three tables; "" is a blank cell, as real reports print them."""

    version: str
    table2: dict[str, tuple[str, ...]]
    table3: tuple[tuple[str, ...], ...]
    table4: tuple[str, ...]


def _t2_block(article: str, headers: tuple[str, ...], rows: list[tuple[str, tuple[str, ...]]]) -> list[Row]:
    out: list[Row] = [(label(article, colspan=4),)]
    head = [label("信息内容")] + [label(h) for h in headers]
    head[-1] = label(headers[-1], colspan=5 - len(head))
    out.append(tuple(head))
    for name, raw in rows:
        out.append((label(name), *values(raw, colspan_last=4 - len(raw))))
    return out


def table2_grid(tables: ReportTables) -> Grid:
    """Table 2 (主动公开政府信息情况) in the layout of ``tables.version``."""
    t2 = tables.table2
    if tables.version == "gov2021-hybrid":
        return _hybrid_table2(t2)
    if tables.version == "gov2021":
        decision = ("本年处理决定数量",)
        blocks = [
            _t2_block("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
                      [("规章", t2["规章"]), ("行政规范性文件", t2["行政规范性文件"])]),
            _t2_block("第二十条第（五）项", decision, [("行政许可", t2["行政许可"])]),
            _t2_block("第二十条第（六）项", decision,
                      [("行政处罚", t2["行政处罚"]), ("行政强制", t2["行政强制"])]),
            _t2_block("第二十条第（八）项", ("本年收费金额（单位：万元）",),
                      [("行政事业性收费", t2["行政事业性收费"])]),
        ]
    else:
        items = ("上一年项目数量", "本年增/减", "处理决定数量")
        blocks = [
            _t2_block("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
                      [("规章", t2["规章"]), ("规范性文件", t2["规范性文件"])]),
            _t2_block("第二十条第（五）项", items,
                      [("行政许可", t2["行政许可"]), ("其他对外管理服务事项", t2["其他对外管理服务事项"])]),
            _t2_block("第二十条第（六）项", items, [("行政处罚", t2["行政处罚"]), ("行政强制", t2["行政强制"])]),
            _t2_block("第二十条第（八）项", items[:2], [("行政事业性收费", t2["行政事业性收费"])]),
            _t2_block("第二十条第（九）项", ("采购项目数量", "采购总金额"),
                      [("政府集中采购", t2["政府集中采购"])]),
        ]
    return tuple(row for block in blocks for row in block)


def _hybrid_table2(t2: dict[str, tuple[str, ...]]) -> Grid:
    """2021 headers, but the old （一） columns, 其他对外管理服务事项 kept, and two cells in （八）."""
    decision = ("处理决定数量",)
    blocks = [
        _t2_block("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
                  [("规章", t2["规章"]), ("规范性文件", t2["规范性文件"])]),
        _t2_block("第二十条第（五）项", decision,
                  [("行政许可", t2["行政许可"]), ("其他对外管理服务事项", t2["其他对外管理服务事项"])]),
        _t2_block("第二十条第（六）项", decision, [("行政处罚", t2["行政处罚"]), ("行政强制", t2["行政强制"])]),
        _t2_block("第二十条第（八）项", ("本年收费金额（单位：万元）",),
                  [("行政事业性收费", t2["行政事业性收费"])]),
    ]
    return tuple(row for block in blocks for row in block)


def _t3_header() -> list[Row]:
    return [
        (label(T3_NOTE, rowspan=3, colspan=3), label("申请人情况", colspan=7)),
        (label("自然人", rowspan=2), label("法人或其他组织", colspan=5), label("总计", rowspan=2)),
        tuple(label(name) for name in T3_ORG_LABELS),
    ]


def _t3_labels(version: str) -> list[list[Cell]]:
    """The label cells that open each of the data rows, spans included."""
    result_rows = 22 if version == "gov2021" else 20
    rows: list[list[Cell]] = [
        [label("一、本年新收政府信息公开申请数量", colspan=3)],
        [label("二、上年结转政府信息公开申请数量", colspan=3)],
        [label("三、本年度办理结果", rowspan=result_rows), label("（一）予以公开", colspan=2)],
        [label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)],
    ]
    for group, subs in (("（三）不予公开", WITHHELD), ("（四）无法提供", UNABLE), ("（五）不予处理", NOT_PROCESSED)):
        rows.append([label(group, rowspan=len(subs)), label(subs[0])])
        rows.extend([label(sub)] for sub in subs[1:])
    if version != "gov2021":
        rows.append([label("（六）其他处理", colspan=2)])
    else:
        rows.append([label("（六）其他处理", rowspan=3), label(OTHER_2021[0])])
        rows.extend([label(sub)] for sub in OTHER_2021[1:])
    rows.append([label("（七）总计", colspan=2)])
    rows.append([label("四、结转下年度继续办理", colspan=3)])
    return rows


def table3_grid(tables: ReportTables) -> Grid:
    """Table 3 (收到和处理政府信息公开申请情况): 3 header rows and 23 (gov2019) or 25 (gov2021) data rows."""
    labels = _t3_labels(tables.version)
    if len(labels) != len(tables.table3):
        raise ValueError(f"table 3 needs {len(labels)} rows, got {len(tables.table3)}")
    data = [tuple(cells + values(raw)) for cells, raw in zip(labels, tables.table3, strict=True)]
    return tuple(_t3_header() + data)


def table4_grid(tables: ReportTables) -> Grid:
    """Table 4 (行政复议、行政诉讼情况): 3 header rows and one row of 15 values."""
    return (
        (label("行政复议", colspan=5), label("行政诉讼", colspan=10)),
        (*[label(name, rowspan=2) for name in T4_RESULTS],
         label("未经复议直接起诉", colspan=5), label("复议后起诉", colspan=5)),
        tuple(label(name) for name in T4_RESULTS * 2),
        tuple(values(tables.table4)),
    )
