"""Golden files of the parser corpus: loading them and scoring a parse against one (cell accuracy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parsing import parse_document
from parsing.tree import get_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "parsing"
GOLDEN_DIR = FIXTURES / "golden"
DOCUMENTS = FIXTURES / "documents"
FLOORS = FIXTURES / "accuracy_floors.json"


@dataclass(frozen=True)
class Score:
    """Cells of one document that the parse got right (same value, same uncertain flag) out of all."""

    name: str
    kind: str
    correct: int
    total: int
    wrong: tuple[str, ...]


def goldens() -> list[dict[str, Any]]:
    """Every golden file, sorted by name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN_DIR.glob("*.json"))]


def parse_golden_document(golden: dict[str, Any]) -> dict[str, Any]:
    """The record the parser makes of the golden's document."""
    name = golden["document"]
    return parse_document((DOCUMENTS / name).read_bytes(), filename=name).record


def score(golden: dict[str, Any], record: dict[str, Any]) -> Score:
    """Cell accuracy: a golden cell counts when the parse has it with the same value and uncertain flag."""
    uncertain = set(golden.get("uncertain", []))
    wrong: list[str] = []
    for path, value in golden["cells"].items():
        cell = get_path(record, path)
        ok = cell is not None and cell["value"] == value and bool(cell["uncertain"]) == (path in uncertain)
        if not ok:
            wrong.append(path)
    total = len(golden["cells"])
    return Score(golden["document"], golden["kind"], total - len(wrong), total, tuple(wrong))


def accuracy_by_kind(scores: list[Score]) -> dict[str, float]:
    """Cell accuracy per document kind (pdf, docx, doc, html, text), rounded down to 4 places."""
    out: dict[str, float] = {}
    for kind in sorted({s.kind for s in scores}):
        mine = [s for s in scores if s.kind == kind]
        correct, total = sum(s.correct for s in mine), sum(s.total for s in mine)
        out[kind] = int(correct / total * 10000) / 10000 if total else 0.0
    return out
