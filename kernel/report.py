"""The report object's vocabulary (report-schema §1, §7, §9): its keys, their order and the values they take.

The parser writes these keys, storage stores and completes them, the CLI and the UI read them: a key is spelled
here once and imported everywhere else. The §9 object is a public interface, so keys are only ever added, never
renamed or removed, and `RECORD_KEYS` then `CATALOGUE_KEYS` are the order in which they are written. The keys of
tables 2–4 (blocks, rows, columns) are in kernel.report_tables. No labels live here: the patterns that read the
printed labels are in parsing.rules*, the labels the UI prints are in web.layout.

Nested objects (a CELL, a section, a validation entry) are TypedDicts: their keys are checked by mypy where a
value is typed with them, and `CELL_KEYS`, `SECTION_FIELDS`… list them for code that walks plain dicts.
"""

# No `from __future__ import annotations`: the TypedDicts' NotRequired keys are read at runtime (CELL_KEYS).
from typing import Any, Final, Literal, NotRequired, TypedDict, get_args

# --- §9 record: report-level keys, in the order the parser writes them --------------------------------------
UNIT_NAME: Final = "unit_name"
UNIT_LEVEL: Final = "unit_level"
REGION_CODE: Final = "region_code"
REPORT_YEAR: Final = "report_year"
FORMAT_VERSION: Final = "format_version"
TEMPLATE_CITED: Final = "template_cited"
PUBLISHED_AT: Final = "published_at"
SOURCE_URL: Final = "source_url"
SOURCE_KIND: Final = "source_kind"
ATTACHMENT_URLS: Final = "attachment_urls"
TITLE: Final = "title"
SECTIONS: Final = "sections"
TABLE2: Final = "table2"
TABLE3: Final = "table3"
TABLE4: Final = "table4"
FEE_COLLECTED_YUAN: Final = "fee_collected_yuan"
VALIDATION: Final = "validation"
IDENTITY: Final = "identity"  # the evidence behind unit_name / report_year / published_at (IdentityRecord)
FEE_RAW: Final = "fee_raw"  # the sentence fee_collected_yuan was read from
RECORD_KEYS: Final = (UNIT_NAME, UNIT_LEVEL, REGION_CODE, REPORT_YEAR, FORMAT_VERSION, TEMPLATE_CITED, PUBLISHED_AT,
                      SOURCE_URL, SOURCE_KIND, ATTACHMENT_URLS, TITLE, SECTIONS, TABLE2, TABLE3, TABLE4,
                      FEE_COLLECTED_YUAN, VALIDATION, IDENTITY, FEE_RAW)
TABLES: Final = (TABLE2, TABLE3, TABLE4)
# What the crawl knows and a document does not: parsing.record.complete_record is the only place that sets these
# keys after parsing (in this order when a parsed record lacks one).
CRAWL_KEYS: Final = (SOURCE_URL, ATTACHMENT_URLS, SOURCE_KIND, REGION_CODE, PUBLISHED_AT)

# --- the public object: the stored record, then these catalogue keys (storage.queries adds them) --------------
SITE: Final = "site"
VERSION: Final = "version"
CAPTURED_AT: Final = "captured_at"
PAYLOAD_SHA256: Final = "payload_sha256"
PARSER_VERSION: Final = "parser_version"
AUTHORITATIVE_URL: Final = "authoritative_url"
REPORT_ID: Final = "report_id"
STATUS: Final = "status"
WITHDRAWN_AT: Final = "withdrawn_at"
FIRST_SEEN_AT: Final = "first_seen_at"
VERSION_FIRST_SEEN_AT: Final = "version_first_seen_at"
CATALOGUE_KEYS: Final = (SITE, VERSION, CAPTURED_AT, PAYLOAD_SHA256, PARSER_VERSION, AUTHORITATIVE_URL, REPORT_ID,
                         STATUS, WITHDRAWN_AT, FIRST_SEEN_AT, VERSION_FIRST_SEEN_AT)
# The key order of a public object built from a parsed record (a stored record keeps its own order, then these).
PUBLIC_KEYS: Final = (*RECORD_KEYS, *CATALOGUE_KEYS)

# --- values ---------------------------------------------------------------------------------------------------
FormatVersion = Literal["gov2019", "gov2021", "hybrid", "legacy", "unknown"]
GOV2019: Final = "gov2019"
GOV2021: Final = "gov2021"
FORMAT_HYBRID: Final = "hybrid"
FORMAT_LEGACY: Final = "legacy"
FORMAT_UNKNOWN: Final = "unknown"
FORMAT_VERSIONS: Final[tuple[FormatVersion, ...]] = get_args(FormatVersion)
TEMPLATE_VERSIONS: Final = (GOV2019, GOV2021)  # the two national templates whose tables kernel.report_tables keys

# What the report's numbers were read from (schema §1); "text" is already-extracted text (the seeds).
SourceKind = Literal["html_inline", "pdf", "doc", "docx", "wps", "xls", "image", "ofd", "text"]
KIND_HTML_INLINE: Final = "html_inline"
KIND_PDF: Final = "pdf"
KIND_DOC: Final = "doc"
KIND_DOCX: Final = "docx"
KIND_WPS: Final = "wps"
KIND_XLS: Final = "xls"
KIND_IMAGE: Final = "image"
KIND_OFD: Final = "ofd"
KIND_TEXT: Final = "text"
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = get_args(SourceKind)

UnitLevel = Literal["county", "county_office", "department", "town", "subdistrict", "city", "other"]
LEVEL_COUNTY: Final = "county"
LEVEL_COUNTY_OFFICE: Final = "county_office"
LEVEL_DEPARTMENT: Final = "department"
LEVEL_TOWN: Final = "town"
LEVEL_SUBDISTRICT: Final = "subdistrict"
LEVEL_CITY: Final = "city"
LEVEL_OTHER: Final = "other"
UNIT_LEVELS: Final[tuple[UnitLevel, ...]] = get_args(UnitLevel)

# A report is current until its site stops offering it; it is never deleted.
ReportStatus = Literal["current", "withdrawn"]
STATUS_CURRENT: Final = "current"
STATUS_WITHDRAWN: Final = "withdrawn"
REPORT_STATUSES: Final[tuple[ReportStatus, ...]] = get_args(ReportStatus)
# What can happen to a report (storage.history records them).
ReportEventKind = Literal["first_seen", "changed", "reparsed", "withdrawn", "restored", "republished"]
EVENT_FIRST_SEEN: Final = "first_seen"
EVENT_CHANGED: Final = "changed"
EVENT_REPARSED: Final = "reparsed"
EVENT_WITHDRAWN: Final = "withdrawn"
EVENT_RESTORED: Final = "restored"
EVENT_REPUBLISHED: Final = "republished"
REPORT_EVENT_KINDS: Final[tuple[ReportEventKind, ...]] = get_args(ReportEventKind)

# --- sections (schema §0); unknown top-level headings become extra_1, extra_2, … ------------------------------
S1_OVERVIEW: Final = "s1_overview"
S2_ACTIVE: Final = "s2_active"
S3_REQUESTS: Final = "s3_requests"
S4_REVIEW_LITIGATION: Final = "s4_review_litigation"
S5_PROBLEMS: Final = "s5_problems"
S6_OTHER: Final = "s6_other"
SECTION_KEYS: Final = (S1_OVERVIEW, S2_ACTIVE, S3_REQUESTS, S4_REVIEW_LITIGATION, S5_PROBLEMS, S6_OTHER)
EXTRA_SECTION_PREFIX: Final = "extra_"


class Section(TypedDict):
    """One section of the report text: the heading as printed and the text under it."""

    heading_raw: str
    text: str


# --- CELL (schema §7, §9) -------------------------------------------------------------------------------------
class CellSource(TypedDict, total=False):
    """Where a cell came from: grid row/col (+ PDF page and bbox, ocr), a text line, the text it was read from,
    or the path of the rows it was derived from."""

    row: int
    col: int
    page: int
    bbox: list[float]
    ocr: bool
    ocr_engine: str  # the recogniser that read an OCR cell, and its confidence 0–1
    ocr_confidence: float
    ocr_uncertain: bool  # the recogniser was unsure: the CELL is uncertain
    ocr_identity: list[str]  # failed 勾稽 rules naming this OCR cell (then the CELL is uncertain, value kept)
    line: int
    text: str
    derived: str


class Cell(TypedDict):
    """One table cell. `value` is null when blank, a dash or not placeable (then `uncertain`); `unit` is 元/万元."""

    value: int | float | None
    raw: str
    blank: bool
    uncertain: bool
    unit: str | None
    source: CellSource
    dash: NotRequired[bool]  # printed as —, -, /, 无
    derived: NotRequired[bool]  # computed (results.other from the three printed sub-rows), not printed


# The keys every cell has, in the order they are written (flags `dash` and `derived` follow when set).
CELL_KEYS: Final = tuple(k for k in Cell.__annotations__ if k in Cell.__required_keys__)
# Flags a cell may carry (true when set); `blank` and `uncertain` are always present, the others only when true.
CellFlag = Literal["blank", "dash", "uncertain", "derived"]
BLANK: Final = "blank"
DASH: Final = "dash"
UNCERTAIN: Final = "uncertain"
DERIVED: Final = "derived"
CELL_FLAGS: Final[tuple[CellFlag, ...]] = get_args(CellFlag)
# Units a cell value can carry (a 采购总金额 printed "251000元"; the 2021 （八） header fixes 万元).
UNIT_YUAN: Final = "元"
UNIT_WAN_YUAN: Final = "万元"


# --- validation (schema §6) -----------------------------------------------------------------------------------
Severity = Literal["official", "implied", "soft"]
SEVERITY_OFFICIAL: Final = "official"
SEVERITY_IMPLIED: Final = "implied"
SEVERITY_SOFT: Final = "soft"
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
RULE_T3_COL: Final = "T3-COL"
RULE_T3_RES: Final = "T3-RES"
RULE_T3_ROW: Final = "T3-ROW"
RULE_T4_SUM: Final = "T4-SUM"
RULE_X_YEAR: Final = "X-YEAR"
RULE_T2_2019: Final = "T2-2019"
RULE_TEXT: Final = "TEXT"
VALIDATION_RULES: Final = (RULE_T3_COL, RULE_T3_RES, RULE_T3_ROW, RULE_T4_SUM, RULE_X_YEAR, RULE_T2_2019, RULE_TEXT)


class ValidationEntry(TypedDict):
    """One failed identity: the cells involved (dotted paths from the record), what was expected and found."""

    rule: str
    severity: Severity
    cells: list[str]
    expected: float
    actual: float
    message: str


# --- identity evidence (parsing.identity) -----------------------------------------------------------------------
# Where a piece of identity evidence was read: the document (title, cover memo, 落款 signature, preface, statistics
# period), its page (metadata block and title, breadcrumb column) or the site's unit list.
IdentitySourceKind = Literal["title", "memo", "signature", "preface", "statistics", "page_meta", "column",
                             "registry", "unit_list"]
IDENTITY_SOURCE_KINDS: Final[tuple[IdentitySourceKind, ...]] = get_args(IdentitySourceKind)


class IdentitySource(TypedDict):
    """One piece of evidence: ``field`` (unit_name, report_year, published_at) is ``value``, read from ``text``."""

    field: str
    value: str | int
    source: str
    text: str


class IdentityRecord(TypedDict):
    """The record's ``identity``: every piece of evidence, and whether two of them name different units or years."""

    sources: list[IdentitySource]
    disagree: bool


# --- the record as a whole ------------------------------------------------------------------------------------
class ReportRecord(TypedDict):
    """The §9 record as the parser writes it and parsing.record.complete_record completes it (RECORD_KEYS)."""

    unit_name: str | None
    unit_level: str | None
    region_code: str | None
    report_year: int | None
    format_version: str
    template_cited: str | None
    published_at: str | None
    source_url: str | None
    source_kind: str
    attachment_urls: list[str]
    title: str | None
    sections: dict[str, Section]
    table2: dict[str, Any] | None
    table3: dict[str, Any] | None
    table4: dict[str, Any] | None
    fee_collected_yuan: int | float | None
    validation: list[ValidationEntry]
    identity: IdentityRecord
    fee_raw: str | None


SECTION_FIELDS: Final = tuple(Section.__annotations__)
CELL_SOURCE_KEYS: Final = tuple(CellSource.__annotations__)
VALIDATION_KEYS: Final = tuple(ValidationEntry.__annotations__)
