"""The golden corpus: every fixture document parsed and scored cell by cell; accuracy per kind has floors."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from tests.parsing.golden import FLOORS, Score, accuracy_by_kind, goldens, parse_golden_document, score

GOLDENS = goldens()


@cache
def _parsed(name: str) -> dict[str, Any]:
    golden = next(g for g in GOLDENS if g["document"] == name)
    return parse_golden_document(golden)


def test_every_kind_has_golden_documents() -> None:
    assert {g["kind"] for g in GOLDENS} >= {"pdf", "docx", "doc", "html", "text", "xlsx", "xls", "ofd",
                                            "scanned_pdf"}
    assert all("DRAFT" not in g["checked"] for g in GOLDENS), "a drafted golden was not checked by hand"


def test_cell_accuracy_per_kind_meets_floors() -> None:
    scores: list[Score] = [score(g, _parsed(g["document"])) for g in GOLDENS]
    floors = {k: v for k, v in json.loads(FLOORS.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    accuracy = accuracy_by_kind(scores)
    assert set(floors) == set(accuracy)
    misses = {s.name: s.wrong[:5] for s in scores if s.wrong}
    assert all(accuracy[k] >= floors[k] for k in floors), f"accuracy {accuracy} below floors {floors}: {misses}"


@pytest.mark.parametrize("golden", GOLDENS, ids=[g["document"] for g in GOLDENS])
def test_golden_record_fields(golden: dict[str, Any]) -> None:
    record = _parsed(golden["document"])
    assert {k: record[k] for k in golden["record"]} == golden["record"]
    if "validation" in golden:
        assert sorted({f"{v['rule']}:{v['cells'][-1]}" for v in record["validation"]}) == golden["validation"]


def test_score_counts_a_wrong_cell() -> None:
    golden = {"document": "x", "kind": "text", "cells": {"table4.review.total": 3}, "uncertain": []}
    record = {"table4": {"review": {"total": {"value": 2, "uncertain": False}}}}
    assert score(golden, record).wrong == ("table4.review.total",)
