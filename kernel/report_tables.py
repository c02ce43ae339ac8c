"""Tables 2–4 of the report object by key (report-schema §2–§4): blocks, rows and columns of both templates.

Keys only, in template order; the labels live with the code that reads them (parsing.rules_tables) and prints
them (web.layout). In a record, table 2 is block → row → column → CELL, table 3 is row path → column → CELL
(a path such as "results.withheld.state_secret" nests), table 4 is group → column → CELL; `cell_path` spells
a cell's dotted path from the record ("table3.new_received.total"), as validation entries and changes cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kernel.report import GOV2019, GOV2021, TABLE3, TABLE4, UNIT_WAN_YUAN


def cell_path(*parts: str) -> str:
    """The dotted path of a node of the record: cell_path(TABLE3, T3_NEW_RECEIVED, TOTAL)."""
    return ".".join(parts)


# --- Table 2 (主动公开政府信息情况): blocks by 第二十条 item, their rows and columns -----------------------------
ART20_1: Final = "art20_1"
ART20_5: Final = "art20_5"
ART20_6: Final = "art20_6"
ART20_8: Final = "art20_8"
ART20_9: Final = "art20_9"  # gov2019 only
T2_BLOCK_KEYS: Final = (ART20_1, ART20_5, ART20_6, ART20_8, ART20_9)

RULES: Final = "rules"
NORMATIVE_DOCS: Final = "normative_docs"
ADMIN_LICENSE: Final = "admin_license"
OTHER_MGMT_SERVICES: Final = "other_mgmt_services"  # gov2019 only
ADMIN_PENALTY: Final = "admin_penalty"
ADMIN_COERCION: Final = "admin_coercion"
ADMIN_FEES: Final = "admin_fees"
CENTRAL_PROCUREMENT: Final = "central_procurement"  # gov2019 only
T2_ROW_KEYS: Final = (RULES, NORMATIVE_DOCS, ADMIN_LICENSE, OTHER_MGMT_SERVICES, ADMIN_PENALTY, ADMIN_COERCION,
                      ADMIN_FEES, CENTRAL_PROCUREMENT)

NEW_MADE: Final = "new_made"
NEW_PUBLISHED: Final = "new_published"
TOTAL_PUBLISHED: Final = "total_published"
PREV_YEAR_ITEMS: Final = "prev_year_items"
CHANGE: Final = "change"  # a signed delta (本年增/减)
DECISIONS: Final = "decisions"
PROCUREMENT_ITEMS: Final = "procurement_items"
PROCUREMENT_AMOUNT: Final = "procurement_amount"  # its unit is printed in the cell (元 / 万元 / none)
ISSUED: Final = "issued"
REPEALED: Final = "repealed"
IN_FORCE: Final = "in_force"
FEE_AMOUNT_WAN: Final = "fee_amount_wan"
# A value cell under no known column header: unlabeled_<1-based position>.
UNLABELED_PREFIX: Final = "unlabeled_"


@dataclass(frozen=True)
class T2Block:
    """One 第二十条 block of table 2 in one template: its key, its row keys and its column keys, in print order."""

    key: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]


_ITEMS_2019 = (PREV_YEAR_ITEMS, CHANGE, DECISIONS)
T2_TEMPLATES: Final[dict[str, tuple[T2Block, ...]]] = {
    GOV2019: (
        T2Block(ART20_1, (RULES, NORMATIVE_DOCS), (NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED)),
        T2Block(ART20_5, (ADMIN_LICENSE, OTHER_MGMT_SERVICES), _ITEMS_2019),
        T2Block(ART20_6, (ADMIN_PENALTY, ADMIN_COERCION), _ITEMS_2019),
        T2Block(ART20_8, (ADMIN_FEES,), (PREV_YEAR_ITEMS, CHANGE)),
        T2Block(ART20_9, (CENTRAL_PROCUREMENT,), (PROCUREMENT_ITEMS, PROCUREMENT_AMOUNT)),
    ),
    GOV2021: (
        T2Block(ART20_1, (RULES, NORMATIVE_DOCS), (ISSUED, REPEALED, IN_FORCE)),
        T2Block(ART20_5, (ADMIN_LICENSE,), (DECISIONS,)),
        T2Block(ART20_6, (ADMIN_PENALTY, ADMIN_COERCION), (DECISIONS,)),
        T2Block(ART20_8, (ADMIN_FEES,), (FEE_AMOUNT_WAN,)),
    ),
}


def t2_columns(version: str) -> tuple[str, ...]:
    """The column keys a template's table 2 prints, each once, in print order."""
    return tuple(dict.fromkeys(c for block in T2_TEMPLATES[version] for c in block.columns))


T2_COLUMN_KEYS: Final = tuple(dict.fromkeys((*t2_columns(GOV2019), *t2_columns(GOV2021))))
# The columns only one template prints: they tell the versions apart (schema §5.1).
T2_GOV2019_ONLY: Final = tuple(c for c in t2_columns(GOV2019) if c not in t2_columns(GOV2021))
T2_GOV2021_ONLY: Final = tuple(c for c in t2_columns(GOV2021) if c not in t2_columns(GOV2019))
# Columns whose header fixes the cells' unit (schema §7: 2021 （八） 本年收费金额（单位：万元）).
T2_COLUMN_UNITS: Final = {FEE_AMOUNT_WAN: UNIT_WAN_YUAN}

# --- Table 3 (收到和处理政府信息公开申请情况): 7 columns, rows by path ------------------------------------------
NATURAL_PERSON: Final = "natural_person"
ORG_COMMERCIAL: Final = "org_commercial"
ORG_RESEARCH: Final = "org_research"
ORG_SOCIAL_WELFARE: Final = "org_social_welfare"
ORG_LEGAL_SERVICE: Final = "org_legal_service"
ORG_OTHER: Final = "org_other"
TOTAL: Final = "total"  # table 3's and table 4's last column
T3_ORG_COLUMN_KEYS: Final = (ORG_COMMERCIAL, ORG_RESEARCH, ORG_SOCIAL_WELFARE, ORG_LEGAL_SERVICE, ORG_OTHER)
T3_COLUMN_KEYS: Final = (NATURAL_PERSON, *T3_ORG_COLUMN_KEYS, TOTAL)

# Groups of rows (a dict of rows in the record).
T3_RESULTS: Final = "results"
T3_WITHHELD: Final = "results.withheld"
T3_UNABLE: Final = "results.unable"
T3_NOT_PROCESSED: Final = "results.not_processed"
T3_OTHER_DETAIL: Final = "results.other_detail"  # present only when the three （六） sub-rows are printed
# Rows.
T3_NEW_RECEIVED: Final = "new_received"
T3_CARRIED_OVER: Final = "carried_over"
T3_GRANTED: Final = "results.granted"
T3_PARTIAL: Final = "results.partial"
T3_STATE_SECRET: Final = "results.withheld.state_secret"
T3_LAW_PROHIBITED: Final = "results.withheld.law_prohibited"
T3_THREE_SECURITY: Final = "results.withheld.three_security_one_stability"
T3_THIRD_PARTY: Final = "results.withheld.third_party_rights"
T3_INTERNAL_AFFAIRS: Final = "results.withheld.internal_affairs"
T3_PROCESS_INFO: Final = "results.withheld.process_info"
T3_ENFORCEMENT_FILES: Final = "results.withheld.enforcement_files"
T3_ADMIN_QUERY: Final = "results.withheld.admin_query"
T3_NOT_HELD: Final = "results.unable.not_held"
T3_NEEDS_CREATION: Final = "results.unable.needs_creation"
T3_STILL_UNCLEAR: Final = "results.unable.still_unclear"
T3_PETITION: Final = "results.not_processed.petition_complaint"
T3_DUPLICATE: Final = "results.not_processed.duplicate"
T3_PUBLICATION: Final = "results.not_processed.publication"
T3_MASSIVE_REPEAT: Final = "results.not_processed.massive_repeat"
T3_CONFIRM_EXISTING: Final = "results.not_processed.confirm_existing"
T3_OTHER: Final = "results.other"  # always the （六） row: printed, or derived from the three sub-rows
T3_NO_CORRECTION: Final = "results.other_detail.no_correction"
T3_FEE_UNPAID: Final = "results.other_detail.fee_unpaid"
T3_OTHER_OTHER: Final = "results.other_detail.other"
T3_RESULTS_TOTAL: Final = "results.total"
T3_CARRIED_FORWARD: Final = "carried_forward"

# Data rows in print order: the single-row （六） (gov2019) and the three sub-rows (gov2021).
T3_ROWS_SINGLE: Final = (
    T3_NEW_RECEIVED, T3_CARRIED_OVER, T3_GRANTED, T3_PARTIAL,
    T3_STATE_SECRET, T3_LAW_PROHIBITED, T3_THREE_SECURITY, T3_THIRD_PARTY, T3_INTERNAL_AFFAIRS, T3_PROCESS_INFO,
    T3_ENFORCEMENT_FILES, T3_ADMIN_QUERY,
    T3_NOT_HELD, T3_NEEDS_CREATION, T3_STILL_UNCLEAR,
    T3_PETITION, T3_DUPLICATE, T3_PUBLICATION, T3_MASSIVE_REPEAT, T3_CONFIRM_EXISTING,
    T3_OTHER, T3_RESULTS_TOTAL, T3_CARRIED_FORWARD,
)
T3_OTHER_DETAIL_ROWS: Final = (T3_NO_CORRECTION, T3_FEE_UNPAID, T3_OTHER_OTHER)
_OTHER_AT = T3_ROWS_SINGLE.index(T3_OTHER)
T3_ROWS_THREE: Final = (*T3_ROWS_SINGLE[:_OTHER_AT], *T3_OTHER_DETAIL_ROWS, *T3_ROWS_SINGLE[_OTHER_AT + 1:])
# Every row path a record can hold, in schema order (results.other before its sub-rows).
T3_ROW_PATHS: Final = (*T3_ROWS_SINGLE[:_OTHER_AT + 1], *T3_OTHER_DETAIL_ROWS, *T3_ROWS_SINGLE[_OTHER_AT + 1:])
T3_ROWS_BY_VERSION: Final = {GOV2019: T3_ROWS_SINGLE, GOV2021: T3_ROWS_THREE}

# --- Table 4 (行政复议、行政诉讼): one row of 15 numbers, 3 groups × 5 columns ---------------------------------
REVIEW: Final = "review"
LITIGATION_DIRECT: Final = "litigation_direct"
LITIGATION_AFTER_REVIEW: Final = "litigation_after_review"
T4_GROUP_KEYS: Final = (REVIEW, LITIGATION_DIRECT, LITIGATION_AFTER_REVIEW)
UPHELD: Final = "upheld"
CORRECTED: Final = "corrected"
OTHER: Final = "other"
PENDING: Final = "pending"
T4_COLUMN_KEYS: Final = (UPHELD, CORRECTED, OTHER, PENDING, TOTAL)
T4_CELLS: Final = len(T4_GROUP_KEYS) * len(T4_COLUMN_KEYS)

# --- headline numbers: the cells the CSV export and the charts show, by name --------------------------------
HEADLINE_CELLS: Final = {
    "new_requests": cell_path(TABLE3, T3_NEW_RECEIVED, TOTAL),
    "carried_over": cell_path(TABLE3, T3_CARRIED_OVER, TOTAL),
    "granted": cell_path(TABLE3, T3_GRANTED, TOTAL),
    "partial": cell_path(TABLE3, T3_PARTIAL, TOTAL),
    "total_processed": cell_path(TABLE3, T3_RESULTS_TOTAL, TOTAL),
    "carried_forward": cell_path(TABLE3, T3_CARRIED_FORWARD, TOTAL),
    "reviews": cell_path(TABLE4, REVIEW, TOTAL),
    "lawsuits_direct": cell_path(TABLE4, LITIGATION_DIRECT, TOTAL),
    "lawsuits_after_review": cell_path(TABLE4, LITIGATION_AFTER_REVIEW, TOTAL),
}
