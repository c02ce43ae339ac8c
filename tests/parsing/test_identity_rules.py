"""Regression tests of issue 13's identity bugs, each with the smallest input that showed it."""

from __future__ import annotations

import pytest

from kernel import report as rk
from parsing import header, parse_document
from parsing.extract import extract
from parsing.identity import abbreviates, resolve_identity
from parsing.record import CrawlFacts, complete_record

BODY = "本报告所列数据的统计期限为2020年1月1日至2020年12月31日。\n一、总体情况\n略。\n六、其他需要报告的事项\n无。"


def _meta(block: str) -> dict[str, str]:
    page = f"<html><head><meta charset='utf-8'></head><body>{block}<div id='zoom'><p>正文</p></div></body></html>"
    return extract(page.encode("utf-8"), media_type="text/html").meta


def _resolve(text: str, meta: dict[str, str] | None = None, known: tuple[str, ...] = ()) -> tuple[str | None, ...]:
    found = resolve_identity(text, meta or {}, header.find_title(header.nonempty_lines(text)), known)
    return found.unit_name, found.unit_level, found.published_at


@pytest.mark.parametrize("block", [
    "<table><tr><td>名&nbsp;&nbsp;&nbsp;&nbsp;称</td><td>某县2020年政府信息公开工作年度报告</td></tr>"
    "<tr><td>发布机构</td><td>某县人民政府办公室</td></tr></table>",
    "<ul><li>名　　称：某县2020年政府信息公开工作年度报告</li><li>发布机构：某县人民政府办公室</li></ul>",
    "<div><span>名称:</span><span>某县2020年政府信息公开工作年度报告</span><span>发布机构:</span>"
    "<span>某县人民政府办公室</span></div>",
])
def test_label_text_never_leaks_into_a_value(block: str) -> None:
    meta = _meta(block)
    assert meta["名称"] == "某县2020年政府信息公开工作年度报告"
    assert meta["发布机构"] == "某县人民政府办公室"


def test_a_label_word_in_the_prose_is_not_the_metadata_block() -> None:
    meta = _meta("<p>资金来源：上级补助资金</p><p>来　　源：某县教育局</p>")
    assert meta["来源"] == "某县教育局"


def test_inline_labels_without_separators_and_the_breadcrumb() -> None:
    meta = _meta("<div>当前位置：首页 &gt; 政府信息公开 &gt; 年度报告</div>"
                 "<p><span>公开日期：2021年1月20日</span><span>信息来源：某县民政局</span></p>")
    assert (meta["公开日期"], meta["来源"], meta["位置"]) == ("2021年1月20日", "某县民政局", "政府信息公开 > 年度报告")


def test_a_town_report_posted_by_the_county_office_is_the_towns() -> None:
    text = "某县甲镇人民政府2020年政府信息公开工作年度报告\n" + BODY
    assert _resolve(text, {"发布机构": "某县人民政府办公室"})[:2] == ("某县甲镇人民政府", rk.LEVEL_TOWN)


def test_a_zone_is_never_given_a_government_it_does_not_show() -> None:
    text = "乙实验区2020年政府信息公开工作年度报告\n" + BODY
    assert _resolve(text)[0] == "乙实验区"
    assert _resolve(text + "\n乙实验区管理委员会\n2021年1月9日")[0] == "乙实验区管理委员会"


def test_an_abbreviation_is_expanded_only_to_a_name_shown() -> None:
    text = "县政府办2020年政府信息公开工作年度报告\n" + BODY
    assert _resolve(text)[0] == "县政府办"
    assert _resolve(text, known=("某县人民政府办公室", "某县教育局"))[0] == "某县人民政府办公室"
    assert abbreviates("宝丰镇", "平罗县宝丰镇人民政府") and abbreviates("县教育局", "某县教育局")
    assert not abbreviates("县教育局", "某县人民政府办公室") and not abbreviates("某县", "某县人民政府办公室")


def test_published_at_from_any_date_label_else_the_signature() -> None:
    text = "某县教育局2020年政府信息公开工作年度报告\n" + BODY + "\n某县教育局\n2021年1月9日"
    assert _resolve(text)[2] == "2021-01-09"
    assert _resolve(text, _meta("<p>公&nbsp;开&nbsp;日&nbsp;期：2021-01-20</p>"))[2] == "2021-01-20"


def test_the_page_date_outranks_a_signature_date_when_the_record_is_completed() -> None:
    text = "某县教育局2020年政府信息公开工作年度报告\n" + BODY + "\n某县教育局\n2021年1月9日"
    parsed = parse_document(text.encode(), filename="r.txt").record
    facts = CrawlFacts(page_url="http://x/t.html", attachment_urls=["http://x/a.pdf"], primary_is_page=False,
                       primary_source_kind=rk.KIND_PDF, region_code=None, page_published_at="2021-01-20")
    assert parsed[rk.PUBLISHED_AT] == "2021-01-09"
    assert complete_record(parsed, facts)[rk.PUBLISHED_AT] == "2021-01-20"


@pytest.mark.parametrize(("sentence", "fee"), [("本年度未发生收费。", 0), ("信息处理费：未收取。", 0),
                                               ("无收取任何费用。", 0), ("收取信息处理费0元。", 0),
                                               ("共收取信息处理费400元。", 400), ("无。", None)])
def test_fee_statements_and_their_raw_text(sentence: str, fee: int | None) -> None:
    assert header.fee_collected_yuan("其他事项如下。\n" + sentence) == (fee, sentence if fee is not None else None)
