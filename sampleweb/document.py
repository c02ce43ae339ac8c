"""A report document (title, headings, paragraphs, tables) composed from a text template and its tables."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from string import Template

from sampleweb.gov_tables import ReportTables, table2_grid, table3_grid, table4_grid
from sampleweb.grid import Grid

TEXTS_PACKAGE = "sampleweb.sites.texts"


@dataclass(frozen=True)
class Block:
    """One piece of a document: kind is "title", "heading", "para" or "table" (then ``grid`` is set)."""

    kind: str
    text: str = ""
    grid: Grid | None = None


@dataclass(frozen=True)
class ReportDoc:
    """A whole annual report as a renderer (HTML, PDF, DOCX) sees it."""

    unit_name: str
    report_year: int
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        return "".join(b.text for b in self.blocks if b.kind == "title")


def load_text(name: str) -> str:
    """A text template shipped in ``sampleweb/sites/texts``."""
    return resources.files(TEXTS_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _parse_line(line: str, tables: ReportTables) -> Block:
    grids = {"[table2]": table2_grid, "[table3]": table3_grid, "[table4]": table4_grid}
    if line in grids:
        return Block("table", line.strip("[]"), grids[line](tables))
    if line.startswith("## "):
        return Block("heading", line[3:])
    if line.startswith("# "):
        return Block("title", line[2:])
    return Block("para", line)


def compose(text_name: str, fields: dict[str, str], tables: ReportTables, unit: str, year: int) -> ReportDoc:
    """Fill ``text_name`` with ``fields`` ($name placeholders) and attach the three tables."""
    text = Template(load_text(text_name)).substitute(fields)
    lines = [line.strip() for line in text.splitlines()]
    blocks = tuple(_parse_line(line, tables) for line in lines if line)
    return ReportDoc(unit_name=unit, report_year=year, blocks=blocks)
