"""Arithmetic identities of schema §6 and the prose-vs-table check, run on mapped tables.

Failures are warnings listing the cells involved; a report is never rejected. Blank and dash cells
count as 0 inside a check (schema §7); a check touching an uncertain cell is skipped (its number is
unknown, so neither a pass nor a failure would mean anything).
"""

from __future__ import annotations

from typing import Any

from kernel import report as rk
from kernel import report_tables as k
from kernel.report import Severity, ValidationEntry
from parsing import rules_tables as rt
from parsing.normalize import label_key
from parsing.tree import get_path

Rule = ValidationEntry
# The result rows and groups whose sum is results.total (T3-RES), before the （六） row or its sub-rows.
T3_PARTS = (k.T3_GRANTED, k.T3_PARTIAL, k.T3_WITHHELD, k.T3_UNABLE, k.T3_NOT_PROCESSED)


def _value(cell: dict[str, Any] | None) -> float:
    return (cell or {}).get("value") or 0


def _uncertain(cells: list[dict[str, Any] | None]) -> bool:
    return any(c is None or c.get("uncertain") for c in cells)


def _check(rule: str, severity: Severity, names: list[str], parts: list[dict[str, Any] | None],
           total: dict[str, Any] | None) -> Rule | None:
    """Fails when the parts do not add up to the total; names = part cells then the total cell."""
    if _uncertain([*parts, total]):
        return None
    expected, actual = sum(_value(c) for c in parts), _value(total)
    if abs(expected - actual) < 1e-6:
        return None
    return {"rule": rule, "severity": severity, "cells": names, "expected": expected, "actual": actual,
            "message": f"{rule}: {' + '.join(names[:-1])} = {expected:g}, {names[-1]} = {actual:g}"}


def table3_rules(t3: dict[str, Any]) -> list[Rule]:
    """T3-COL (official) per column, T3-RES (implied) per column, T3-ROW (implied) per printed row."""
    out: list[Rule | None] = []
    for c in rt.T3_COLUMNS:
        out.append(_column_rule(t3, c))
        out.append(_results_rule(t3, c))
    for path, row in _rows(t3, rk.TABLE3):
        if row[k.TOTAL].get("blank"):  # blank means unknown: a blank total is not checked (schema §6)
            continue
        names = [f"{path}.{c}" for c in rt.T3_COLUMNS]
        out.append(_check(rk.RULE_T3_ROW, rk.SEVERITY_IMPLIED, names, [row[c] for c in rt.T3_COLUMNS[:-1]],
                          row[k.TOTAL]))
    return [r for r in out if r]


def _column_rule(t3: dict[str, Any], col: str) -> Rule | None:
    """T3-COL: new_received + carried_over == results.total + carried_forward (the printed 勾稽关系)."""
    paths = (k.T3_NEW_RECEIVED, k.T3_CARRIED_OVER, k.T3_RESULTS_TOTAL, k.T3_CARRIED_FORWARD)
    cells = [get_path(t3, f"{p}.{col}") for p in paths]
    if _uncertain(cells):
        return None
    lhs, rhs = _value(cells[0]) + _value(cells[1]), _value(cells[2]) + _value(cells[3])
    if abs(lhs - rhs) < 1e-6:
        return None
    names = [k.cell_path(rk.TABLE3, p, col) for p in paths]
    return {"rule": rk.RULE_T3_COL, "severity": rk.SEVERITY_OFFICIAL, "cells": names, "expected": lhs,
            "actual": rhs,
            "message": f"{rk.RULE_T3_COL}: {names[0]} + {names[1]} = {lhs:g}, {names[2]} + {names[3]} = {rhs:g}"}


def _results_rule(t3: dict[str, Any], col: str) -> Rule | None:
    total = get_path(t3, k.cell_path(k.T3_RESULTS_TOTAL, col))
    if total is None or total.get("blank"):
        return None
    names: list[str] = []
    parts: list[dict[str, Any] | None] = []
    for prefix in (*T3_PARTS, k.T3_OTHER_DETAIL if get_path(t3, k.T3_OTHER_DETAIL) else k.T3_OTHER):
        node = get_path(t3, prefix)
        for path, row in _rows(node, k.cell_path(rk.TABLE3, prefix)) if isinstance(node, dict) else []:
            names.append(f"{path}.{col}")
            parts.append(row[col])
    if all(p is None or p.get("blank") for p in parts):  # an unfilled column is unknown (上海 2019), not 0
        return None
    total_name = k.cell_path(rk.TABLE3, k.T3_RESULTS_TOTAL, col)
    return _check(rk.RULE_T3_RES, rk.SEVERITY_IMPLIED, [*names, total_name], parts, total)


def _rows(node: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every printed ROW under ``node`` (a ROW is a dict whose "total" is a CELL); derived rows skipped."""
    if k.TOTAL in node and isinstance(node[k.TOTAL], dict) and "value" in node[k.TOTAL]:
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
        if cells[k.TOTAL].get("blank"):
            continue
        names = [k.cell_path(rk.TABLE4, group, c) for c in rt.T4_COLUMNS]
        out.append(_check(rk.RULE_T4_SUM, rk.SEVERITY_IMPLIED, names, [cells[c] for c in rt.T4_COLUMNS[:-1]],
                          cells[k.TOTAL]))
    return [r for r in out if r]


def text_rules(prose: str, record: dict[str, Any]) -> list[Rule]:
    """TEXT (soft): figures quoted in the prose ("共受理政府信息公开申请21件") against their table cell."""
    key = label_key(prose)
    out: list[Rule] = []
    quoted: list[tuple[str, int]] = []
    for pattern, cell_path in rt.PROSE_FIGURES:
        quoted.extend((cell_path, int(m.group("n"))) for m in pattern.finditer(key))
    for pattern, cell_paths in rt.PROSE_NONE:
        if pattern.search(key):
            quoted.extend((p, 0) for p in cell_paths)
    for cell_path, number in dict(quoted).items():
        cell = get_path(record, cell_path)
        if cell is None or cell.get("uncertain") or cell.get("blank"):
            continue
        actual = _value(cell)
        if actual != number:
            out.append({"rule": rk.RULE_TEXT, "severity": rk.SEVERITY_SOFT, "cells": [cell_path], "expected": number,
                        "actual": actual, "message": f"{rk.RULE_TEXT}: prose says {number}, {cell_path} = {actual:g}"})
    return out
