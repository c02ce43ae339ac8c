"""A table as HTML thinks of it (rows of cells with rowspan/colspan) and its placement on a full grid."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One printed cell; ``header`` cells are labels, the others hold values."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Row = tuple[Cell, ...]
Grid = tuple[Row, ...]


@dataclass(frozen=True)
class Placed:
    """A cell with the top-left grid position it occupies after rowspans/colspans are resolved."""

    row: int
    col: int
    cell: Cell

    @property
    def last_row(self) -> int:
        return self.row + self.cell.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.cell.colspan - 1


def label(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    """A header/label cell."""
    return Cell(text, rowspan, colspan, header=True)


def values(raw: tuple[str, ...] | list[str], colspan_last: int = 1) -> list[Cell]:
    """Value cells for ``raw``; the last one may span ``colspan_last`` columns."""
    cells = [Cell(text) for text in raw]
    if cells and colspan_last > 1:
        cells[-1] = Cell(cells[-1].text, colspan=colspan_last)
    return cells


def place(grid: Grid) -> tuple[list[Placed], int, int]:
    """Resolve spans the way a browser does; returns the placed cells, the row count and the column count."""
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    n_cols = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append(Placed(r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            n_cols = max(n_cols, c)
    n_rows = max((p.last_row for p in placed), default=-1) + 1
    return placed, n_rows, n_cols
