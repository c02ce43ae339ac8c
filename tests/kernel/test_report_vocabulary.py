"""The report vocabulary (kernel.report, kernel.report_tables) cannot drift from the schema or from its users.

tests/fixtures/report-schema.json is a byte-identical copy of ../shared/report-schema.json (the machine-readable
schema beside report-schema.md), vendored so that the check runs wherever the repository is checked out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kernel import report as rk
from kernel import report_tables as k
from parsing import rules_tables as rt
from parsing.rules import SECTION_PATTERNS, UNIT_LEVEL_RULES
from tests.conftest import REPO
from web import layout

SCHEMA: dict[str, Any] = json.loads((REPO / "tests" / "fixtures" / "report-schema.json").read_text(encoding="utf-8"))


def test_template_versions_and_sections_are_the_schemas() -> None:
    assert rk.TEMPLATE_VERSIONS == tuple(SCHEMA["versions"])
    assert rk.SECTION_KEYS == tuple(s["key"] for s in SCHEMA["sections"])


@pytest.mark.parametrize("version", [rk.GOV2019, rk.GOV2021])
def test_table2_blocks_rows_and_columns_are_the_schemas(version: str) -> None:
    expected = [(b["key"], tuple(r[0] for r in b["rows"]), tuple(c[0] for c in b["columns"]))
                for b in SCHEMA["table2"][version]]
    assert [(b.key, b.rows, b.columns) for b in k.T2_TEMPLATES[version]] == expected
    assert k.t2_columns(version) == tuple(dict.fromkeys(c for _, _, columns in expected for c in columns))


def test_table2_key_lists_cover_both_templates_in_template_order() -> None:
    blocks = [b for v in rk.TEMPLATE_VERSIONS for b in SCHEMA["table2"][v]]
    assert k.T2_BLOCK_KEYS == tuple(dict.fromkeys(b["key"] for b in blocks))
    assert k.T2_ROW_KEYS == tuple(dict.fromkeys(r[0] for b in blocks for r in b["rows"]))
    assert set(k.T2_COLUMN_KEYS) == {c[0] for b in blocks for c in b["columns"]}
    shared = set(k.t2_columns(rk.GOV2019)) & set(k.t2_columns(rk.GOV2021))
    assert set(k.T2_GOV2019_ONLY) | set(k.T2_GOV2021_ONLY) | shared == set(k.T2_COLUMN_KEYS)
    assert not set(k.T2_GOV2019_ONLY) & set(k.T2_GOV2021_ONLY)


def test_table3_columns_and_row_paths_are_the_schemas() -> None:
    table3 = SCHEMA["table3"]
    assert k.T3_COLUMN_KEYS == tuple(c["key"] for c in table3["columns"])
    assert k.T3_ORG_COLUMN_KEYS == tuple(c["key"] for c in table3["columns"] if c["group"])
    assert k.T3_ROW_PATHS == tuple(r["path"] for r in table3["rows"])
    for version, rows in k.T3_ROWS_BY_VERSION.items():
        assert rows == tuple(r["path"] for r in table3["rows"] if {"both", version} & set(r["versions"])), version


def test_table3_groups_are_the_prefixes_of_the_row_paths() -> None:
    paths = SCHEMA["table3"]["rows"]
    groups = {r["path"].rsplit(".", 1)[0] for r in paths if "." in r["path"]}
    assert groups == {k.T3_RESULTS, k.T3_WITHHELD, k.T3_UNABLE, k.T3_NOT_PROCESSED, k.T3_OTHER_DETAIL}
    assert k.T3_OTHER_DETAIL_ROWS == tuple(r["path"] for r in paths if r["path"].startswith(k.T3_OTHER_DETAIL + "."))


def test_table4_groups_and_columns_are_the_schemas() -> None:
    assert k.T4_GROUP_KEYS == tuple(g["key"] for g in SCHEMA["table4"]["groups"])
    assert k.T4_COLUMN_KEYS == tuple(c[0] for c in SCHEMA["table4"]["columns"])
    assert f"({k.T4_CELLS} cells)" in SCHEMA["table4"]["order"]


def test_validation_rules_and_severities_are_the_schemas() -> None:
    identities = SCHEMA["identities"]
    assert rk.VALIDATION_RULES == tuple(i["id"] for i in identities)
    assert {i["severity"] for i in identities} == set(rk.SEVERITIES)


def test_headline_cells_are_cells_of_the_tables() -> None:
    for name, path in k.HEADLINE_CELLS.items():
        table, *row, column = path.split(".")
        row_path = ".".join(row)
        if table == rk.TABLE3:
            assert row_path in k.T3_ROW_PATHS and column in k.T3_COLUMN_KEYS, name
        else:
            assert (table, row_path, column) in {(rk.TABLE4, g, c) for g in k.T4_GROUP_KEYS for c in k.T4_COLUMN_KEYS}


def test_the_typed_dicts_hold_the_listed_keys() -> None:
    assert tuple(rk.ReportRecord.__annotations__) == rk.RECORD_KEYS
    assert set(rk.CRAWL_KEYS) <= set(rk.RECORD_KEYS)
    assert not set(rk.RECORD_KEYS) & set(rk.CATALOGUE_KEYS)
    assert rk.PUBLIC_KEYS == (*rk.RECORD_KEYS, *rk.CATALOGUE_KEYS)
    assert set(rk.Cell.__annotations__) == {*rk.CELL_KEYS, rk.DASH, rk.DERIVED}
    assert set(rk.CELL_FLAGS) == {rk.BLANK, rk.DASH, rk.UNCERTAIN, rk.DERIVED} <= set(rk.Cell.__annotations__)


def test_the_parsing_rules_name_only_vocabulary_keys() -> None:
    """Every key a label pattern yields is a key of the vocabulary, and every vocabulary key has a pattern."""
    assert {key for key, _ in rt.T2_BLOCKS} == set(k.T2_BLOCK_KEYS)
    assert {key for key, _ in rt.T2_ROWS} == set(k.T2_ROW_KEYS)
    assert {key for _, key in rt.T2_COLUMNS} == set(k.T2_COLUMN_KEYS)
    assert {path for path, _ in rt.T3_ROWS} == set(k.T3_ROW_PATHS)
    assert tuple(SECTION_PATTERNS) == rk.SECTION_KEYS
    assert {level for _, level in UNIT_LEVEL_RULES} <= set(rk.UNIT_LEVELS)
    cited = [path for _, path in rt.PROSE_FIGURES] + [p for _, paths in rt.PROSE_NONE for p in paths]
    assert set(cited) <= set(k.HEADLINE_CELLS.values())


def test_the_ui_layout_labels_every_vocabulary_key() -> None:
    assert tuple(layout.T2_BLOCKS) == k.T2_BLOCK_KEYS
    assert tuple(layout.T2_ROWS) == k.T2_ROW_KEYS
    assert set(layout.T2_COLUMNS) == set(k.T2_COLUMN_KEYS)
    assert set(layout.GOV2021_COLUMNS) <= set(k.t2_columns(rk.GOV2021))
    assert tuple(layout.T3_COLUMN_KEYS) == k.T3_COLUMN_KEYS
    assert tuple(key for key, _ in layout.T3_ORG_COLUMNS) == k.T3_ORG_COLUMN_KEYS
    assert tuple(path for path, *_ in layout.T3_ROWS) == k.T3_ROW_PATHS
    assert tuple(key for key, *_ in layout.T4_GROUPS) == k.T4_GROUP_KEYS
    assert tuple(key for key, _ in layout.T4_COLUMNS) == k.T4_COLUMN_KEYS
    assert all(k.HEADLINE_CELLS[name] == path for name, _, path in layout.HEADLINES)


def test_the_ui_layout_prints_the_schemas_labels() -> None:
    """The labels web.layout prints are the template's (gov2019 first; gov2021's own labels in GOV2021_COLUMNS)."""
    t2 = {v: {(b["key"], kind, key): label for b in SCHEMA["table2"][v]
              for kind in ("rows", "columns") for key, label in b[kind]} for v in rk.TEMPLATE_VERSIONS}
    for (_block, kind, key), label in t2[rk.GOV2019].items():
        assert (layout.T2_ROWS if kind == "rows" else layout.T2_COLUMNS)[key] == label, key
    for (_block, kind, key), label in t2[rk.GOV2021].items():
        if kind == "columns":
            assert layout.GOV2021_COLUMNS.get(key, layout.T2_COLUMNS[key]) == label, key
    assert {b["key"]: b["heading"] for v in rk.TEMPLATE_VERSIONS for b in SCHEMA["table2"][v]} == layout.T2_BLOCKS
    labels = {r["path"]: r["label"].split(" / ")[-1] for r in SCHEMA["table3"]["rows"]}
    printed = {path: third or second or first for path, first, second, third in layout.T3_ROWS}
    assert printed == labels
    assert layout.T3_NOTE == SCHEMA["table3"]["note_cell"]
    assert [(key, label) for key, label in layout.T4_COLUMNS] == [tuple(c) for c in SCHEMA["table4"]["columns"]]


@pytest.mark.parametrize(("prefix", "values"), [
    ("KIND_", rk.SOURCE_KINDS), ("LEVEL_", rk.UNIT_LEVELS), ("STATUS_", rk.REPORT_STATUSES),
    ("EVENT_", rk.REPORT_EVENT_KINDS), ("SEVERITY_", rk.SEVERITIES), ("RULE_", rk.VALIDATION_RULES),
    ("FORMAT_", tuple(v for v in rk.FORMAT_VERSIONS if v not in rk.TEMPLATE_VERSIONS)),
])
def test_each_named_value_is_one_of_its_enumeration(prefix: str, values: tuple[str, ...]) -> None:
    named = [value for name, value in vars(rk).items()
             if name.startswith(prefix) and isinstance(value, str) and value not in rk.RECORD_KEYS]  # FORMAT_VERSION
    assert sorted(named) == sorted(values)
