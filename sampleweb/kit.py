"""Pieces every family plans with: county wording, derived reports, attachment bytes, notices, 图解/解读, traps."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sampleweb.document import ReportDoc, compose
from sampleweb.numbers import generate, rng_for
from sampleweb.render_doc import docx_to_doc
from sampleweb.render_docx import report_docx
from sampleweb.render_ofd import report_ofd
from sampleweb.render_pdf import report_pdf
from sampleweb.site import HTML, Planned
from sampleweb.trs_site import ArticleEntry, ReportEntry, day


@dataclass(frozen=True)
class County:
    """How a county's derived reports name their portal and superiors."""

    short: str  # 平罗县
    portal: str  # 平罗县人民政府
    home: str  # http://www.pingluo.gov.cn
    upper: str = "自治区"
    city: str = "石嘴山市"
    province: str = "宁夏回族自治区"


def derived_doc(county: County, unit: str, short: str, year: int) -> ReportDoc:
    """A report from the generic template of the year's format, with consistent made-up numbers."""
    version = "gov2021" if year >= 2021 else "gov2019"
    stats = generate(version, unit, year)
    rng = rng_for("prose", unit, year)
    fields = {
        "unit": unit, "year": str(year), "short": short, "issued": str(stats.issued),
        "web_items": str(rng.randint(120, 900)), "interpretations": str(rng.randint(1, 12)),
        "new_received": str(stats.new_received), "review_total": str(stats.review_total),
        "portal": county.portal, "home": county.home, "upper": county.upper, "city": county.city,
        "province": county.province,
    }
    return compose(f"generic_{version}.txt", fields, stats.tables, unit, year)


def short_of(unit: str) -> str:
    """How a unit calls itself in its report (我镇, 我局, 我办 …)."""
    for suffix, short in (("镇人民政府", "我镇"), ("乡人民政府", "我乡"), ("街道办事处", "我街道"),
                          ("办公室", "我办"), ("局", "我局"), ("委员会", "我委")):
        if unit.endswith(suffix):
            return short
    return "本机关"


def derived(county: County, unit: str, year: int, date: str, kind: str, title: str = "",
            attach_style: str = "block") -> ReportEntry:
    """A report entry whose document is derived from the generic template."""
    make = functools.partial(derived_doc, county, unit, short_of(unit), year)
    return ReportEntry(unit, year, date, kind, make, title=title, attach_style=attach_style)


def attachment_exts(kind: str) -> tuple[str, ...]:
    """The attachment formats a report of ``kind`` offers, document of record first ("images": scanned pages
    shown in the page, no file)."""
    return {"html_inline": (), "images": (), "html+pdf": ("pdf",), "pdf+ofd": ("pdf", "ofd")}.get(kind, (kind,))


def source_kind(kind: str) -> str:
    exts = attachment_exts(kind)
    return exts[0] if exts else "html_inline"


def is_inline(kind: str) -> bool:
    return kind in ("html_inline", "html+pdf")


def attachment_bytes(doc: ReportDoc, ext: str, date: str, cache_dir: Path) -> bytes:
    """The report file in format ``ext`` (pdf, ofd, docx, doc)."""
    if ext == "pdf":
        return report_pdf(doc)
    if ext == "ofd":
        return report_ofd(doc)
    docx_bytes = report_docx(doc, day(date))
    return docx_to_doc(docx_bytes, cache_dir) if ext == "doc" else docx_bytes


def attachment_render(make_doc: Callable[[], ReportDoc], ext: str, date: str,
                      cache_dir: Path) -> Callable[[], bytes]:
    return lambda: attachment_bytes(make_doc(), ext, date, cache_dir)


_NOTICE = (
    "各乡镇人民政府，{county}政府各部门：",
    "根据《中华人民共和国政府信息公开条例》规定，现就做好{y}年度政府信息公开工作年度报告编制发布工作通知如下："
    "一、各单位要严格按照国务院办公厅政府信息与政务公开办公室印发的年度报告格式编制本单位年度报告；"
    "二、年度报告须于{n}年1月31日前在{county}政府门户网站“{column}”栏目发布；"
    "三、报告中的数据要与政务公开工作台账保持一致。",
)


def notice(county: str, publisher: str, year: int, date: str, column: str) -> ArticleEntry:
    """The yearly 关于做好…年度报告编制发布工作的通知 (a decoy: it names reports but is none)."""
    paras = tuple(p.format(county=county, y=year, n=year + 1, column=column) for p in _NOTICE) + (publisher,)
    return ArticleEntry(f"关于做好{year}年度政府信息公开工作年度报告编制发布工作的通知", date, paras,
                        publisher=publisher)


def tujie(report: ReportEntry, date: str, prefix: str = "图解：") -> ArticleEntry:
    """A 图解 page next to ``report`` (a variant of it, not a report)."""
    return ArticleEntry(f"{prefix}{report.page_title}", date,
                        (f"一图读懂{report.unit}{report.year}年政府信息公开工作年度报告。",),
                        publisher=report.unit, images=("tujie",), variant_of=report.page_title)


def jiedu(report: ReportEntry, date: str) -> ArticleEntry:
    """A 解读 article about ``report`` (a variant of it, not a report)."""
    return ArticleEntry(f"《{report.page_title}》解读", date, (
        f"近日，{report.unit}发布了{report.year}年政府信息公开工作年度报告，现就有关内容解读如下。",
        "一、报告的主要内容：全面反映了主动公开、依申请公开、政府信息管理和平台建设等工作情况。",
        "二、下一步工作：持续深化政务公开，提升公开质量和实效。"),
        publisher=report.unit, variant_of=report.page_title)


def error_page(path: str, date: str = "2021-06-01") -> Planned:
    """A page that always answers 500 (a harmless trap: nothing a crawl needs lives there)."""
    body = b"<html><body><h1>500 Internal Server Error</h1><p>java.lang.NullPointerException</p></body></html>"
    return Planned(path, HTML, day(date), lambda: body, status=500)


def slow_page(path: str, html: bytes, content_type: str = HTML, date: str = "2021-06-01") -> Planned:
    """A page that takes ~2 s to answer."""
    return Planned(path, content_type, day(date), lambda: html, delay_s=2.0)
