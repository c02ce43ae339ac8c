"""One regression test per known trap of issue 5, each on the smallest text that shows it."""

from __future__ import annotations

from collections.abc import Callable

from parsing import parse_document
from parsing.rules_tables import T3_ORDER_SINGLE
from parsing.tables import map_tables
from parsing.types import Extraction
from tests.parsing.golden import DOCUMENTS

T3_LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
             "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
             "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
             "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
             "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
             "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理", "（七）总计", "四、结转下年度继续办理"]


def tables_of(text: str) -> Extraction:
    return Extraction(text=text, source_kind="text")


def t3_tab_text(rows: dict[int, str] | None = None) -> str:
    """Table 3 as tab lines, every row "1\t0\t0\t0\t0\t0\t1" unless ``rows`` overrides its value fields."""
    rows = rows or {}
    return "\n".join(f"{label}\t" + rows.get(i, "1\t0\t0\t0\t0\t0\t1") for i, label in enumerate(T3_LABELS))


def values(row: dict[str, dict[str, object]]) -> list[object]:
    return [cell["value"] for cell in row.values()]


def test_vertical_one_character_labels() -> None:
    header = "\n".join("行政复议") + "\n" + "\n".join("结果维持结果纠正其他结果尚未审结总计") + "\n复议后起诉\n"
    t4 = map_tables(tables_of("四、行政复议\n" + header + " ".join(["1", "0", "0", "0", "1"] * 3))).table4
    assert t4 is not None and values(t4["review"]) == [1, 0, 0, 0, 1]
    assert not any(c["uncertain"] for g in t4.values() for c in g.values())


def test_label_wrapped_across_lines_with_numbers_between() -> None:
    lines = t3_tab_text().split("\n")
    lines[19] = "\t\t5.要求行政机关\t2\t0\t0\t0\t0\t0\t2\n\t\t确认或重新出具已获取信息\t\t\t\t\t\t\t"
    t3 = map_tables(tables_of("\n".join(lines))).table3
    assert t3 is not None
    assert values(t3["results"]["not_processed"]["confirm_existing"]) == [2, 0, 0, 0, 0, 0, 2]
    assert values(t3["results"]["other"]) == [1, 0, 0, 0, 0, 0, 1]


def test_page_numbers_inside_a_table_are_not_cells() -> None:
    lines = []
    for label in T3_LABELS:
        lines.append(label)
        cells = ["3", "0", "0", "0", "0", "0", "3"]
        if label.startswith("1.本机关"):  # the page breaks inside the row: its footer sits among the cells
            cells[3:3] = ["- 3 -", "第 4 页"]
        lines.extend(cells)
    t3 = map_tables(tables_of("\n".join(lines))).table3
    assert t3 is not None
    assert values(t3["results"]["unable"]["not_held"]) == [3, 0, 0, 0, 0, 0, 3]
    assert not any(c["uncertain"] for c in t3["results"]["unable"]["not_held"].values())


T2_TEXT = """第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t484\t减少 4\t57487
其他对外管理服务事项\t220\t增加 68\t78370
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 420 -39 0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t34\t16280.5867 万元
"""


def test_signed_changes_in_table2() -> None:
    t2 = map_tables(tables_of(T2_TEXT)).table2
    assert t2 is not None
    assert t2["art20_5"]["admin_license"]["change"]["value"] == -4
    assert t2["art20_5"]["other_mgmt_services"]["change"]["value"] == 68
    assert t2["art20_6"]["admin_penalty"]["change"]["value"] == -39


def test_amounts_in_yuan_and_wan_yuan_keep_their_unit() -> None:
    t2 = map_tables(tables_of(T2_TEXT.replace("16280.5867 万元", "251000元"))).table2
    assert t2 is not None and t2["art20_9"]["central_procurement"]["procurement_amount"]["unit"] == "元"
    t2 = map_tables(tables_of(T2_TEXT)).table2
    amount = t2["art20_9"]["central_procurement"]["procurement_amount"] if t2 else {}
    assert (amount["value"], amount["unit"]) == (16280.5867, "万元")
    fee_text = "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t7730.28"
    fee = map_tables(tables_of(fee_text)).table2
    assert fee is not None and fee["art20_8"]["admin_fees"]["fee_amount_wan"]["unit"] == "万元"


def test_blank_columns_stay_blank_not_zero() -> None:
    t3 = map_tables(tables_of(t3_tab_text({i: "0\t\t\t\t\t\t" for i in range(23)}))).table3
    assert t3 is not None
    total = t3["new_received"]["total"]
    assert (total["value"], total["blank"], total["uncertain"]) == (None, True, False)
    assert t3["new_received"]["natural_person"]["value"] == 0


def test_single_row_other_in_a_2021_era_report() -> None:
    text = "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n" + t3_tab_text()
    result = parse_document(text.encode(), filename="r.txt")
    t3 = result.record["table3"]
    assert "other_detail" not in t3["results"] and values(t3["results"]["other"]) == [1, 0, 0, 0, 0, 0, 1]
    assert result.record["format_version"] == "hybrid"


def test_zongjie_for_zongji_in_table4(seed_text: Callable[[str], str]) -> None:
    t4 = parse_document(seed_text("001").encode()).record["table4"]
    assert "总结" in seed_text("001")
    assert [values(t4[g]) for g in t4] == [[0] * 5] * 3


def test_flattened_numbers_are_uncertain_never_guessed(seed_text: Callable[[str], str]) -> None:
    t3 = parse_document(seed_text("000").encode()).record["table3"]
    cell = t3["new_received"]["natural_person"]
    assert (cell["value"], cell["uncertain"], cell["blank"]) == (None, True, False)
    assert cell["source"]["text"] == "5 1 6"
    assert t3["carried_over"]["total"]["blank"] is True


def test_helan_2020_fails_t3_col_and_t3_row(seed_text: Callable[[str], str]) -> None:
    record = parse_document(seed_text("002").encode()).record
    failed = {(v["rule"], v["cells"][-1]) for v in record["validation"]}
    assert ("T3-COL", "table3.carried_forward.total") in failed
    assert ("T3-ROW", "table3.new_received.total") in failed
    col = next(v for v in record["validation"] if v["rule"] == "T3-COL" and v["cells"][0].endswith(".total"))
    assert (col["expected"], col["actual"]) == (56, 55)
    assert record["table4"]["litigation_direct"]["pending"]["blank"] is True


def test_t3_res_reports_results_that_do_not_add_up() -> None:
    rows = {i: "0\t0\t0\t0\t0\t0\t0" for i in range(23)}
    rows.update({0: "3\t0\t0\t0\t0\t0\t3", 2: "1\t0\t0\t0\t0\t0\t1", 21: "3\t0\t0\t0\t0\t0\t3"})
    record = parse_document(t3_tab_text(rows).encode(), filename="r.txt").record
    res = [v for v in record["validation"] if v["rule"] == "T3-RES"]
    assert {v["cells"][-1] for v in res} == {"table3.results.total.natural_person", "table3.results.total.total"}
    assert res[0]["expected"] == 1 and res[0]["actual"] == 3


def test_prose_figure_disagreeing_with_table_is_a_text_warning() -> None:
    text = "一、总体情况\n本年共受理政府信息公开申请9件。\n三、收到和处理政府信息公开申请情况\n" + t3_tab_text()
    record = parse_document(text.encode(), filename="r.txt").record
    (text_rule,) = [v for v in record["validation"] if v["rule"] == "TEXT"]
    assert (text_rule["cells"], text_rule["expected"], text_rule["actual"]) == (["table3.new_received.total"], 9, 1)


def test_pdf_table3_split_across_pages_is_stitched() -> None:
    data = (DOCUMENTS / "sampleweb_pingluo_office_2020.pdf").read_bytes()
    t3 = parse_document(data, filename="r.pdf").record["table3"]
    assert values(t3["new_received"])[:2] == [5, 1] and t3["new_received"]["total"]["source"]["page"] == 2
    assert values(t3["results"]["total"])[:2] == [5, 1] and t3["results"]["total"]["total"]["source"]["page"] == 3
    assert set(t3["results"]["total"]["total"]["source"]) == {"row", "col", "page", "bbox"}
    assert len(T3_ORDER_SINGLE) == 23
