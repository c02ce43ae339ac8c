"""Evidence of a report's identity: who, which year and when, each with the text it was read from.

The document speaks in its title, the cover memo above it (关于报送…年度报告的报告, the issuer line, a title quoted in
《》 by the memo or the preface), the preface (本报告由…), the statistics period and the 落款 signature at its end
(a unit line, then a date). The page speaks in its metadata block (发文机关, 发布机构, 来源, the dates), its title
and its breadcrumb. parsing.identity ranks them; nothing here decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parsing import header, rules
from parsing import identity_rules as ir
from parsing.identity_meta import looks_like_unit
from parsing.normalize import label_key

UNIT = "unit_name"
YEAR = "report_year"
DATE = "published_at"
TITLE_KEYS = ("title", "名称", "doc_title")


@dataclass(frozen=True)
class Evidence:
    """One thing a text says about the report: ``field`` (unit_name, report_year, published_at) is ``value``."""

    field: str
    value: str | int
    source: str  # title, memo, signature, preface, statistics, page_meta, column, unit_list
    text: str
    via: str = ""  # for page_meta: the field it came from (title, 名称, 发布机构 …); ranks a page title higher

    def ranked_as(self) -> str:
        """The rank class: the source, or "page_meta:title" for a report title the page shows."""
        return "page_meta:title" if self.source == "page_meta" and self.via in TITLE_KEYS else self.source


def document_evidence(lines: list[str], squeezed: str, title: header.TitleMatch | None) -> list[Evidence]:
    """What the document itself says: title, statistics period, memo, preface and signature, in that order."""
    out: list[Evidence] = []
    if title is not None and title.line_index >= 0:
        raw = title.raw.replace("\n", "")
        if title.unit:
            out.append(Evidence(UNIT, title.unit, "title", raw))
        out.append(Evidence(YEAR, title.year, "title", raw))
    stats = rules.STATS_PERIOD.search(squeezed)
    if stats:
        out.append(Evidence(YEAR, int(stats.group("year")), "statistics", stats.group(0)))
    out += memo_evidence(lines, title.line_index if title is not None else -1)
    preface = header.body_unit("\n".join(lines[:ir.MEMO_LINES]))
    if preface and looks_like_unit(label_key(preface)):
        out.append(Evidence(UNIT, label_key(preface), "preface", preface))
    out += signature_evidence(lines)
    return out


def memo_evidence(lines: list[str], title_index: int) -> list[Evidence]:
    """The cover memo's issuer lines and date (above the title) and the report titles it or the preface quotes."""
    out: list[Evidence] = []
    above = lines[:title_index] if title_index > 0 else []
    if not ir.MEMO_SUBJECT.search(label_key("".join(above))):
        above = []  # no 关于…的报告 subject: the lines above the title are the site's banner, not a memo
    for line in above:
        key = label_key(line)
        if looks_like_unit(key) and header.unit_level(key) is not None:
            out.append(Evidence(UNIT, key, "memo", line))
        date = ir.SIGNATURE_DATE.search(key)
        if date and len(key) <= len(date.group(0)) + 2:
            out.append(Evidence(DATE, header.iso_date(date.group("date")) or "", "memo", line))
    head = label_key("\n".join(lines[: max(title_index, 0) + ir.MEMO_LINES]))
    for pattern in (ir.MEMO_SUBJECT, ir.QUOTED_TITLE):
        for m in pattern.finditer(head):
            found = header.match_title([m.group("title")])
            if found is None:
                continue
            unit, year = found
            if unit:
                out.append(Evidence(UNIT, unit, "memo", m.group(0)))
            out.append(Evidence(YEAR, year, "memo", m.group(0)))
    return out


def signature_evidence(lines: list[str]) -> list[Evidence]:
    """The 落款 among the last lines: a date line (or a unit and a date on one line) and the unit line above it."""
    tail = lines[-ir.SIGNATURE_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        key = label_key(tail[i])
        m = ir.SIGNATURE_DATE.search(key)
        if m is None:
            continue
        before = key[: m.start()]
        if before and not looks_like_unit(before):
            continue
        out = [Evidence(DATE, header.iso_date(m.group("date")) or "", "signature", tail[i])]
        unit_text = before or (label_key(tail[i - 1]) if i > 0 else "")
        if unit_text and looks_like_unit(unit_text):
            out.insert(0, Evidence(UNIT, unit_text, "signature", tail[i] if before else tail[i - 1]))
        return out
    return []


def page_evidence(meta: Mapping[str, str]) -> list[Evidence]:
    """What the page says: its title (or 名称) as a report title, the organ fields, the dates, the breadcrumb."""
    out: list[Evidence] = []
    for key in TITLE_KEYS:
        raw = meta.get(key)
        found = header.match_title([raw]) if raw else None
        if raw and found:
            if found[0]:
                out.append(Evidence(UNIT, found[0], "page_meta", raw, key))
            out.append(Evidence(YEAR, found[1], "page_meta", raw, key))
    for key in ir.UNIT_META_KEYS:
        value = label_key(meta.get(key) or "")
        if value and looks_like_unit(value):
            out.append(Evidence(UNIT, value, "page_meta", f"{key}：{meta[key]}", key))
    for key in ir.DATE_META_KEYS:
        iso = header.iso_date(meta.get(key))
        if iso:
            out.append(Evidence(DATE, iso, "page_meta", f"{key}：{meta[key]}", key))
    for key in ("位置", "栏目"):
        crumbs = [label_key(c) for c in (meta.get(key) or "").split(">")]
        out += [Evidence(UNIT, c, "column", meta[key]) for c in crumbs if looks_like_unit(c)
                and header.unit_level(c) is not None]
    return out
