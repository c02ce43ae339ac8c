"""The floor plan holds: packages import only downwards, only storage/ talks SQL, files stay small.

The layer order is the README's architecture picture. Every import counts — module level and inside functions —
except those under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Top to bottom; a package may import the packages after it in this list, never one before it. Packages on one row
# (a tuple) are side by side and import neither each other.
LAYERS: list[tuple[str, ...]] = [
    ("cli",),
    ("web", "scheduling"),
    ("distributed",),
    ("spiders",),
    ("crawler",),
    ("lifecycle",),
    ("archive",),
    ("storage",),
    ("parsing",),
    ("sampleweb",),
    ("kernel",),
]
RANK = {package: rank for rank, row in enumerate(LAYERS) for package in row}
# sampleweb (the test web) sits beside the product: only the CLI (`nianbao sampleweb`, `demo`) may use it.
SAMPLEWEB_USERS = {"cli", "sampleweb"}
MAX_LINES = 300


def _python_files() -> list[Path]:
    return sorted(f for package in RANK for f in (REPO / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, except those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text("utf-8"))
    hidden = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
              for n in ast.walk(node)}
    package = path.relative_to(REPO).parts[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, package if node.level else (node.module or "")))
    return found


def _violations() -> list[str]:
    out = []
    for path in _python_files():
        own = path.relative_to(REPO).parts[0]
        for line, module in _imports(path):
            target = module.split(".")[0]
            where = f"{path.relative_to(REPO)}:{line} imports {module}"
            if target == "sqlalchemy" and own != "storage":
                out.append(f"{where}: only storage/ may use SQLAlchemy")
            if target not in RANK or target == own:
                continue
            if target == "sampleweb" and own not in SAMPLEWEB_USERS:
                out.append(f"{where}: only the CLI may use the sample web")
            elif RANK[target] <= RANK[own] and target != "sampleweb":
                out.append(f"{where}: {own} may import only packages below it")
    return out


def test_packages_import_only_downwards_and_only_storage_uses_sqlalchemy() -> None:
    assert _violations() == []


def test_the_layer_list_names_every_package() -> None:
    packages = {p.name for p in REPO.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(RANK)


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_files_stay_under_300_lines(path: Path) -> None:
    lines = sum(1 for line in path.read_text("utf-8").splitlines() if line.strip())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} non-blank lines; split it"
