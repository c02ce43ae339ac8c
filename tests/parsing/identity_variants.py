"""Generated identity variants: a seed report's body under a made-up unit, with the unit shown in chosen places,
and the page that offers it rendered as HTML with its metadata block in chosen spellings. Each knob's value is a
hash of (knob, seed), so knobs are independent; the truth is computed here from what the variant shows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from html import escape

from tests.parsing.golden import DOCUMENTS

KNOBS: dict[str, tuple[str, ...]] = {
    "unit_kind": ("office", "department", "town", "subdistrict", "county", "zone", "zone_committee"),
    "title_form": ("full", "spaced", "abbreviated", "no-unit"),
    "memo": ("none", "issuer", "quote"),
    "signature": ("none", "unit-date", "one-line", "date-only"),
    "publisher": ("unit", "county-office"),
    "meta_block": ("full", "partial", "absent"),
    "label_spelling": ("halfwidth", "fullwidth", "nbsp", "ideographic", "no-colon"),
    "label_cell": ("td", "th", "span", "li", "inline"),
    "publisher_label": ("发布机构", "来源", "信息来源", "发文机关", "发布单位"),
    "date_label": ("发布日期", "公开日期", "生成日期", "发布时间"),
    "known_units": ("none", "listed"),
    "fee": ("none", "未发生收费", "未收取", "无收取任何费用", "0元", "200元"),
    "seed_text": ("000", "001", "002", "003", "004"),
}
FEE_SENTENCES = {"none": ("无。", None), "未发生收费": ("本年度未发生收费。", 0), "未收取": ("信息处理费：未收取。", 0),
                 "无收取任何费用": ("本机关无收取任何费用。", 0), "0元": ("本年度收取信息处理费0元。", 0),
                 "200元": ("本年度共收取信息处理费200元。", 200)}
# The seeds' own names, longest first, replaced by the variant's county so that only the variant's unit is named.
SEED_NAMES = ("平罗县人民政府办公室", "盐池县人民政府办公室", "正宁县人民政府办公室", "平罗县宝丰镇人民政府", "宝丰镇",
              "平罗县", "正宁县", "贺兰县", "盐池县")
_COUNTY = "清安永和兴宁东丰崇宝庆吉"
_PLACE = "河山川源阳城江泉林原"
_DEPARTMENTS = ("教育局", "民政局", "财政局", "司法局", "交通运输局")


def pick(knob: str, seed: int) -> str:
    digest = hashlib.sha256(f"{knob}|{seed}".encode()).digest()
    values = KNOBS[knob]
    return values[int.from_bytes(digest[:8], "big") % len(values)]


@dataclass(frozen=True)
class Variant:
    """One generated case: the document text, the page HTML, the site's unit list and the expected identity."""

    seed: int
    knobs: dict[str, str]
    text: str
    page_html: bytes
    known_units: tuple[str, ...]
    unit: str | None
    year: int
    published_at: str | None
    disagree: bool
    fee: int | None
    fee_sentence: str


def names(seed: int, kind: str) -> tuple[str, str, str]:
    """(county, the unit's full name, the short form a title uses) for a unit of ``kind``."""
    county = _COUNTY[seed % len(_COUNTY)] + _PLACE[(seed // 7) % len(_PLACE)] + "县"
    place = _PLACE[seed % len(_PLACE)] + _COUNTY[(seed // 3) % len(_COUNTY)]
    department = _DEPARTMENTS[seed % len(_DEPARTMENTS)]
    return {
        "office": (county, f"{county}人民政府办公室", "县政府办"),
        "department": (county, county + department, "县" + department),
        "town": (county, f"{county}{place}镇人民政府", f"{place}镇"),
        "subdistrict": (county, f"{county}{place}街道办事处", f"{place}街道"),
        "county": (county, f"{county}人民政府", county),
        "zone": (county, f"{place}实验区", f"{place}实验区"),
        "zone_committee": (county, f"{place}经济开发区管理委员会", f"{place}经济开发区"),
    }[kind]


@cache
def seed_body(prefix: str) -> str:
    """The seed's sections 一 … up to its 其他需要报告的事项 heading (memo, title, preface and signature cut)."""
    (path,) = sorted(DOCUMENTS.glob(f"{prefix}_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if re.match(r"^\s*一、", line))
    last = next(i for i, line in enumerate(lines) if "其他需要报告的事项" in line and i > first)
    return "\n".join(lines[first:last + 1])


def variant(seed: int) -> Variant:
    k = {knob: pick(knob, seed) for knob in KNOBS}
    county, unit, short = names(seed, k["unit_kind"])
    office = f"{county}人民政府办公室"
    year = 2019 + seed % 6
    signed = f"{year + 1}年1月{5 + seed % 20}日"
    page_date = f"{year + 1}-01-{6 + seed % 20:02d}"
    body = seed_body(k["seed_text"])
    for name in SEED_NAMES:
        body = body.replace(name, county)
    title_unit = {"full": unit, "spaced": unit, "abbreviated": short, "no-unit": ""}[k["title_form"]]
    title = f"{title_unit}{year}年政府信息公开工作年度报告"
    doc_title = (f"{unit} {year} 年\n政府信息公开工作年度报告" if k["title_form"] == "spaced" else title)
    lines: list[str] = []
    if k["memo"] == "issuer":
        lines += [unit, f"关于报送{unit}{year}年政府信息公开工作年度报告的报告", "示例市人民政府办公室：",
                  f"现将{unit}年度报告随文报来，请予审定。", unit, signed]
    lines.append(doc_title)
    quote = f"现发布《{unit}{year}年政府信息公开工作年度报告》，" if k["memo"] == "quote" else ""
    lines.append(f"{quote}本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。")
    fee_sentence, fee = FEE_SENTENCES[k["fee"]]
    lines += [body, fee_sentence]
    lines += {"none": [], "unit-date": [unit, signed], "one-line": [f"{unit}　　{signed}印"],
              "date-only": [signed]}[k["signature"]]
    publisher = unit if k["publisher"] == "unit" else office
    known = (office, unit, f"{county}人民政府") if k["known_units"] == "listed" else ()
    truth = _truth(k, unit, short, publisher)
    shown_publisher = k["meta_block"] != "absent"
    published = (page_date if shown_publisher else
                 _iso(signed) if k["signature"] != "none" or k["memo"] == "issuer" else None)
    disagree = shown_publisher and truth is not None and publisher != truth
    return Variant(seed, k, "\n".join(lines), page_html(k, title, publisher, page_date), known, truth, year,
                   published, disagree, fee, fee_sentence)


def _truth(k: dict[str, str], unit: str, short: str, publisher: str) -> str | None:
    """What a resolver that never invents a name must say: the full name if anything the document, the page
    or the unit list shows gives it, else the title's short form, else the page's publisher."""
    in_document = k["title_form"] in ("full", "spaced") or k["memo"] != "none" or k["signature"] in (
        "unit-date", "one-line")
    page_full = k["meta_block"] != "absent" and unit in publisher  # a county's government is in its office's name
    if in_document or (k["title_form"] == "abbreviated" and (page_full or k["known_units"] == "listed")):
        return unit
    if k["title_form"] == "abbreviated":
        return short
    return publisher if k["meta_block"] != "absent" else None


def _iso(chinese_date: str) -> str:
    y, m, d = map(int, re.findall(r"\d+", chinese_date))
    return f"{y:04d}-{m:02d}-{d:02d}"


def label(word: str, spelling: str) -> str:
    """A label as a template spells it: 名&nbsp;&nbsp;&nbsp;&nbsp;称：, 来　　源：, 发布机构 (no colon) …"""
    if spelling == "nbsp":
        return ("&nbsp;" * (4 if len(word) == 2 else 1)).join(word) + "："
    if spelling == "ideographic":
        return ("　" * (2 if len(word) == 2 else 1)).join(word) + "："
    return word + {"halfwidth": ":", "fullwidth": "：", "no-colon": ""}[spelling]


def page_html(k: dict[str, str], title: str, publisher: str, date: str) -> bytes:
    """The article page: breadcrumb, <h1>, the metadata block as the knobs draw it, an attachment link."""
    fields = {"full": [("索引号", "000000000/2021-00001"), (k["publisher_label"], publisher), ("名称", title),
                       (k["date_label"], date), ("文号", "")],
              "partial": [(k["publisher_label"], publisher), (k["date_label"], date)], "absent": []}[k["meta_block"]]
    pairs = [(label(word, k["label_spelling"]), escape(value)) for word, value in fields]
    cell = k["label_cell"]
    if not pairs:
        block = ""
    elif cell in ("td", "th"):
        block = "<table>" + "".join(f"<tr><{cell}>{n}</{cell}><td>{v}</td></tr>" for n, v in pairs) + "</table>"
    elif cell == "span":
        block = "".join(f"<div><span>{n}</span><span>{v}</span></div>" for n, v in pairs)
    elif cell == "li":
        block = "<ul>" + "".join(f"<li>{n}{v}</li>" for n, v in pairs) + "</ul>"
    else:
        block = "<p>" + "&nbsp;&nbsp;".join(f"{n}{v}" for n, v in pairs) + "</p>"
    html = (f"<html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
            f"<div class='position'>当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年度报告</div>"
            f"<h1>{escape(title)}</h1>{block}<div id='zoom'><p>现将{escape(title)}予以公布，详见附件。</p>"
            f"<p>附件：<a href='/P0.pdf'>{escape(title)}.pdf</a></p></div></body></html>")
    return html.encode("utf-8")
