"""Arithmetic identities of schema §6 run on mapped tables; failures are reported, never fatal."""

from __future__ import annotations

from typing import Any

from parsing.tables import T3_COLUMNS, T4_COLUMNS

Rule = dict[str, Any]


def _value(cell: dict[str, Any] | None) -> float:
    """A cell's number for identity checks: blank and dash count as 0 here only (schema §7)."""
    return (cell or {}).get("value") or 0


def _check(rule: str, severity: str, cells: list[str], expected: float, actual: float) -> Rule | None:
    if abs(expected - actual) < 1e-6:
        return None
    return {"rule": rule, "severity": severity, "cells": cells, "expected": expected, "actual": actual,
            "message": f"{rule}: {' + '.join(cells[:-1])} = {expected}, {cells[-1]} = {actual}"}


def table3_rules(t3: dict[str, Any]) -> list[Rule]:
    """T3-COL (official) per column and T3-ROW (implied) per printed row."""
    out: list[Rule | None] = []
    total = t3.get("results", {}).get("total")
    if all(k in t3 for k in ("new_received", "carried_over", "carried_forward")) and total:
        for c in T3_COLUMNS:
            lhs = _value(t3["new_received"][c]) + _value(t3["carried_over"][c])
            rhs = _value(total[c]) + _value(t3["carried_forward"][c])
            names = [f"table3.new_received.{c}", f"table3.carried_over.{c}", f"table3.results.total.{c}",
                     f"table3.carried_forward.{c}"]
            out.append(_check("T3-COL", "official", names, lhs, rhs))
    for path, row in _rows(t3, "table3"):
        if row["total"].get("blank"):  # blank means unknown: a blank total is not checked (schema §6)
            continue
        parts = sum(_value(row[c]) for c in T3_COLUMNS[:-1])
        names = [f"{path}.{c}" for c in T3_COLUMNS]
        out.append(_check("T3-ROW", "implied", names, parts, _value(row["total"])))
    return [r for r in out if r]


def _rows(node: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    if "total" in node and isinstance(node["total"], dict) and "value" in node["total"]:
        return [] if any(cell.get("derived") for cell in node.values()) else [(path, node)]
    found: list[tuple[str, dict[str, Any]]] = []
    for key, child in node.items():
        if isinstance(child, dict):
            found.extend(_rows(child, f"{path}.{key}"))
    return found


def table4_rules(t4: dict[str, Any]) -> list[Rule]:
    """T4-SUM (implied): each group's total equals its four parts."""
    out: list[Rule | None] = []
    for group, cells in t4.items():
        if cells["total"].get("blank"):
            continue
        parts = sum(_value(cells[c]) for c in T4_COLUMNS[:-1])
        names = [f"table4.{group}.{c}" for c in T4_COLUMNS]
        out.append(_check("T4-SUM", "implied", names, parts, _value(cells["total"])))
    return [r for r in out if r]
