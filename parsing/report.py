"""The report parser: bytes in, the schema §9 record (plus text, is_report and warnings) out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel import report as rk
from parsing import header
from parsing.extract import detect_kind, extract
from parsing.identity import KnownUnits, resolve_identity
from parsing.normalize import label_key
from parsing.ocr_identity import flag_failed_identities, flag_text_cells
from parsing.sections import split_sections
from parsing.tables import MappedTables, map_tables
from parsing.types import Extraction
from parsing.validate import table3_rules, table4_rules, text_rules
from parsing.version import PARSER_VERSION

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
                   filename: str | None = None, page_meta: Mapping[str, str] | None = None,
                   known_units: KnownUnits = ()) -> ParseResult:
    """Extract and parse one document. Raises kernel.errors.ParseError when the bytes cannot be read.

    ``page_meta`` is the metadata of the page that offered the document (parsing.identity_meta), ``known_units``
    the full unit names its site shows: both are identity evidence (parsing.identity).
    """
    name = filename or (url.rsplit("/", 1)[-1] if url else None)
    extraction = extract(data, media_type=media_type, filename=name)
    kind = SOURCE_KINDS.get(extraction.source_kind, extraction.source_kind)
    if kind == rk.KIND_DOC and name and name.lower().split("?")[0].endswith(".wps"):
        kind = rk.KIND_WPS
    return parse_extraction(extraction, source_kind=kind, url=url, page_meta=page_meta, known_units=known_units)


def parse_extraction(extraction: Extraction, *, source_kind: str, url: str | None = None,
                     page_meta: Mapping[str, str] | None = None, known_units: KnownUnits = ()) -> ParseResult:
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

    inner_title = header.find_title(lines)
    title = inner_title or _title_from_meta(meta_titles)
    identity = resolve_identity(text, meta, inner_title, known_units)
    warnings += identity.warnings
    unit, year = identity.unit_name, identity.report_year
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
    fee, fee_raw = header.fee_collected_yuan(s6_other["text"] if s6_other else None)
    record: dict[str, Any] = {
        rk.UNIT_NAME: unit,
        rk.UNIT_LEVEL: identity.unit_level,
        rk.REGION_CODE: identity.region_code,
        rk.REPORT_YEAR: year,
        rk.FORMAT_VERSION: _format_version(tables, squeezed),
        rk.TEMPLATE_CITED: header.template_cited(squeezed),
        rk.PUBLISHED_AT: identity.published_at,
        rk.SOURCE_URL: url,
        rk.SOURCE_KIND: source_kind,
        rk.ATTACHMENT_URLS: [],
        rk.TITLE: title.raw.replace("\n", "") if title else meta.get("title"),
        rk.SECTIONS: sections,
        rk.TABLE2: tables.table2,
        rk.TABLE3: table3,
        rk.TABLE4: table4,
        rk.FEE_COLLECTED_YUAN: fee,
        rk.VALIDATION: (table3_rules(table3) if table3 else []) + (table4_rules(table4) if table4 else []),
        rk.IDENTITY: identity.record(),
        rk.FEE_RAW: fee_raw,
    }
    prose = "\n".join(s["text"] for k, s in sections.items() if k in PROSE_SECTIONS)
    record[rk.VALIDATION] += text_rules(prose, record)
    if flag_failed_identities(record):
        warnings.append("OCR cells of a failed 勾稽 identity marked uncertain (a misread or the report's misprint)")
    if (extraction.source_kind == "image" or meta.get("ocr_pages")) and flag_text_cells(record):
        warnings.append("table cells placed from OCR text columns (no ruling lines) marked uncertain")
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


def _looks_like_report(sections: dict[str, rk.Section], year: int | None) -> bool:
    known = [k for k in sections if k in rk.SECTION_KEYS]
    return year is not None and len(known) >= 3


__all__ = ["PARSER_VERSION", "ParseResult", "detect_kind", "parse_document", "parse_extraction"]
