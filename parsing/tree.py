"""Dotted paths into the nested record dicts ("results.withheld.state_secret")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``target[a][b][c] = value`` for path "a.b.c", creating the parents."""
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def get_path(source: dict[str, Any] | None, path: str) -> Any:
    """The value at a dotted path, or None when any part is missing."""
    node: Any = source
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def iter_cells(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every CELL under ``node`` (a dict with "value" and "raw") with its dotted path, in key order."""
    if not isinstance(node, dict):
        return
    if "value" in node and "raw" in node:
        yield path, node
        return
    for key, child in node.items():
        yield from iter_cells(child, f"{path}.{key}" if path else key)
