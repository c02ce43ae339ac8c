"""The report parser: bytes in, the schema §9 record (plus text, is_report and warnings) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kernel import report as rk
from parsing import header, rules
from parsing.extract import detect_kind, extract
from parsing.normalize import label_key
from parsing.sections import split_sections
from parsing.tables import MappedTables, map_tables
from parsing.types import Extraction
from parsing.validate import table3_rules, table4_rules, text_rules

PARSER_VERSION = "0.2.0"
# Extraction kind → schema §1 source_kind ("text" is for already-extracted text such as the seeds); other
# extraction kinds (xls, ofd, image) are spelled as their source_kind.
SOURCE_KINDS = {"html": rk.KIND_HTML_INLINE, "pdf": rk.KIND_PDF, "docx": rk.KIND_DOCX, "doc": rk.KIND_DOC,
                "text": rk.KIND_TEXT, "xlsx": rk.KIND_XLS}
# The sections whose prose the TEXT rule reads (figures quoted there must match the tables).
PROSE_SECTIONS = (rk.S1_OVERVIEW, rk.S3_REQUESTS, rk.S4_REVIEW_LITIGATION, rk.S6_OTHER)


@dataclass
class ParseResult:
    """One parsed document: the §9 record, its full text, whether it is a report, and what went wrong."""

    record: dict[str, Any]
    text: str
    is_report: bool
    source_kind: str
    warnings: list[str] = field(default_factory=list)


def parse_document(data: bytes, *, media_type: str | None = None, url: str | None = None,
                   filename: str | None = None, page_meta: dict[str, str] | None = None) -> ParseResult:
    """Extract and parse one document. Raises kernel.errors.ParseError when the bytes cannot be read."""
    name = filename or (url.rsplit("/", 1)[-1] if url else None)
    extraction = extract(data, media_type=media_type, filename=name)
    kind = SOURCE_KINDS.get(extraction.source_kind, extraction.source_kind)
    if kind == rk.KIND_DOC and name and name.lower().split("?")[0].endswith(".wps"):
        kind = rk.KIND_WPS
    return parse_extraction(extraction, source_kind=kind, url=url, page_meta=page_meta)


def parse_extraction(extraction: Extraction, *, source_kind: str, url: str | None = None,
                     page_meta: dict[str, str] | None = None) -> ParseResult:
    """Map an Extraction to the §9 record (keys in kernel.report.RECORD_KEYS order).

    The keys only the crawl knows (kernel.report.CRAWL_KEYS) are left empty, or hold what the document says
    (`url` as source_url, the page metadata's published_at); parsing.record.complete_record fills them in.
    """
    meta = {**extraction.meta, **(page_meta or {})}
    warnings = list(extraction.warnings)
    text = extraction.text
    lines = header.nonempty_lines(text)
    squeezed = label_key(text)
    meta_titles = [meta[k] for k in ("title", "doc_title") if meta.get(k)]

    title = header.find_title(lines) or _title_from_meta(meta_titles)
    unit = _unit_name(title, meta, lines, text, warnings)
    year = _report_year(title, squeezed, warnings)
    sections = split_sections(text)
    decoy = header.find_decoy(lines, [*meta_titles, title.raw if title else ""])
    is_report = decoy is None and (title is not None or _looks_like_report(sections, year))
    if decoy:
        warnings.append(decoy)
    elif not is_report:
        warnings.append("no report title and too few report headings: not a report")

    tables = map_tables(extraction)
    table3, table4 = tables.table3, tables.table4
    s6_other = sections.get(rk.S6_OTHER)
    record: dict[str, Any] = {
        rk.UNIT_NAME: unit,
        rk.UNIT_LEVEL: header.unit_level(unit) or (rk.LEVEL_OTHER if unit else None),
        rk.REGION_CODE: None,
        rk.REPORT_YEAR: year,
        rk.FORMAT_VERSION: _format_version(tables, squeezed),
        rk.TEMPLATE_CITED: header.template_cited(squeezed),
        rk.PUBLISHED_AT: _published_at(meta),
        rk.SOURCE_URL: url,
        rk.SOURCE_KIND: source_kind,
        rk.ATTACHMENT_URLS: [],
        rk.TITLE: title.raw.replace("\n", "") if title else meta.get("title"),
        rk.SECTIONS: sections,
        rk.TABLE2: tables.table2,
        rk.TABLE3: table3,
        rk.TABLE4: table4,
        rk.FEE_COLLECTED_YUAN: header.fee_collected_yuan(s6_other["text"] if s6_other else None),
        rk.VALIDATION: (table3_rules(table3) if table3 else []) + (table4_rules(table4) if table4 else []),
    }
    prose = "\n".join(s["text"] for k, s in sections.items() if k in PROSE_SECTIONS)
    record[rk.VALIDATION] += text_rules(prose, record)
    return ParseResult(record=record, text=text, is_report=is_report, source_kind=source_kind,
                       warnings=warnings)


def _format_version(tables: MappedTables, squeezed: str) -> str:
    """Schema §5 from the tables themselves: table 2's columns and table 3's （六）; the text when absent."""
    if tables.table2_version is None and tables.table3_three_row is None:
        return header.format_version(squeezed)
    t2 = tables.table2_version
    three = tables.table3_three_row
    if t2 == rk.GOV2021 and three is not False:
        return rk.GOV2021
    if t2 == rk.GOV2019 and not three:
        return rk.GOV2019
    if t2 is None:
        return rk.GOV2021 if three else header.format_version(squeezed)
    return rk.FORMAT_HYBRID


def _title_from_meta(meta_titles: list[str]) -> header.TitleMatch | None:
    for raw in meta_titles:
        found = header.match_title([raw])
        if found:
            return header.TitleMatch(raw=raw, unit=found[0], year=found[1], line_index=-1)
    return None


def _unit_name(title: header.TitleMatch | None, meta: dict[str, str], lines: list[str], text: str,
               warnings: list[str]) -> str | None:
    """Inner title first, then the page's 发布机构, then the preface (本报告由…).

    A title that names only the place takes the organ of that place which issued the document (page 发布机构,
    or a cover memo's issuer above the title), else the place's people's government.
    """
    if title and title.unit:
        unit = header.normalize_unit(title.unit)
        place = label_key(title.unit)
        if unit != place:
            issuers = [meta.get("发布机构") or "", *lines[: max(title.line_index, 0)]]
            issuer = header.place_organ(place, issuers)
            if issuer:
                warnings.append(f"unit_name: the title names {place}, the document is issued by {issuer}")
                return issuer
        return unit
    for candidate, origin in ((meta.get("发布机构"), "page metadata 发布机构"), (header.body_unit(text), "preface")):
        if candidate:
            warnings.append(f"unit_name from {origin}")
            return header.normalize_unit(candidate)
    return None


def _report_year(title: header.TitleMatch | None, squeezed: str, warnings: list[str]) -> int | None:
    """The statistics-period year; the title's year when the period line is missing."""
    stats = header.stats_year(squeezed)
    if stats and title and title.year != stats:
        warnings.append(f"title year {title.year} differs from statistics period year {stats}")
    return stats or (title.year if title else None)


def _published_at(meta: dict[str, str]) -> str | None:
    for key in rules.PUBLISHED_KEYS:
        value = header.iso_date(meta.get(key))
        if value:
            return value
    return None


def _looks_like_report(sections: dict[str, rk.Section], year: int | None) -> bool:
    known = [k for k in sections if k in rk.SECTION_KEYS]
    return year is not None and len(known) >= 3


__all__ = ["PARSER_VERSION", "ParseResult", "detect_kind", "parse_document", "parse_extraction"]
