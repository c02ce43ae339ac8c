"""Tables as rows of printed cells with provenance, from extracted grids or from plain-text lines.

A ``Row`` is what both kinds of input have in common: its cells in print order, each with a source
(page+bbox, row/col or line), and whether cell positions are real (a grid or a tab-separated line) or
flattened (space-separated or one-cell-per-line text, where blank cells have vanished).
"""

from __future__ import annotations

from dataclasses import dataclass

from parsing import rules_tables as rt
from parsing.cells import Source, is_number_like
from parsing.normalize import label_key
from parsing.types import Table


@dataclass(frozen=True)
class Row:
    """One printed row: cell texts with sources; ``positional`` when blank cells kept their place."""

    cells: tuple[tuple[str, Source], ...]
    positional: bool
    line: int | None = None

    @property
    def texts(self) -> list[str]:
        return [t for t, _ in self.cells]

    def split_label(self) -> tuple[str, list[tuple[str, Source]]]:
        """(label text of the leading non-number cells, the cells after the last label cell)."""
        last_label = -1
        for i, (text, _) in enumerate(self.cells):
            if not is_number_like(text):
                last_label = i
        label = "".join(label_key(t) for t, _ in self.cells[: last_label + 1])
        return label, list(self.cells[last_label + 1 :])

    def numbers_only(self) -> bool:
        return bool(self.cells) and all(is_number_like(t) for t, _ in self.cells) and any(
            label_key(t) for t, _ in self.cells)


def grid_rows(tables: list[Table]) -> list[Row]:
    """Every row of ``tables`` in order, merged cells once (at their top-left position)."""
    rows: list[Row] = []
    for table in tables:
        for grid_row in table.grid(repeat_spans=False):
            cells = tuple((c.text, c.source()) for c in grid_row if c is not None)
            if cells:
                rows.append(Row(cells, positional=True))
    return rows


def text_rows(text: str, start: int = 0, end: int | None = None) -> list[Row]:
    """Rows of plain text lines ``start``..``end``: tab lines keep their fields; other lines split into a
    label and trailing numbers (减少 4, 16280.5867 万元); page-number lines are dropped."""
    lines = text.split("\n")
    out: list[Row] = []
    for n in range(start, len(lines) if end is None else min(end, len(lines))):
        raw = lines[n].rstrip("\r")
        if not raw.strip() or rt.PAGE_NUMBER_LINE.match(raw):
            continue
        source: Source = {"line": n + 1}
        if "\t" in raw.strip():
            out.append(Row(tuple((f.strip(), source) for f in raw.split("\t")), positional=True, line=n + 1))
            continue
        out.append(Row(tuple((t, source) for t in _split_flat(raw.strip())), positional=False, line=n + 1))
    return out


def _split_flat(line: str) -> list[str]:
    m = rt.TRAILING_NUMBERS.match(line)
    if not m or not m.group("nums").strip():
        return [line]
    numbers = [t.strip() for t in rt.NUMBER_SPLIT.findall(m.group("nums")) if t.strip()]
    label = m.group("label").strip()
    return ([label] if label else []) + numbers
