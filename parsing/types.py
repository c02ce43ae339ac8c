"""Typed results shared by every extractor: an Extraction holds a document's text, tables and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from kernel.report import CellSource

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Cell:
    """One table cell as printed, with where it came from.

    ``row``/``col`` are the cell's top-left position in the expanded grid (spans counted); a merged cell
    appears once, with ``rowspan``/``colspan`` saying how far it reaches. PDF cells also carry ``page``
    (1-based) and ``bbox`` (x0, top, x1, bottom in PDF points). Cells read by OCR name the engine and its
    confidence (0–1), and are ``uncertain`` when the engine was not sure of them.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    ocr: bool = False
    ocr_engine: str | None = None
    ocr_confidence: float | None = None
    uncertain: bool = False

    def source(self) -> CellSource:
        """The provenance dict used for the ``source`` of a §9 CELL (``ocr: true`` when read by OCR)."""
        out: CellSource = {"row": self.row, "col": self.col}
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = [round(v, 2) for v in self.bbox]
        if self.ocr:
            out["ocr"] = True
        if self.ocr_engine is not None:
            out["ocr_engine"] = self.ocr_engine
        if self.ocr_confidence is not None:
            out["ocr_confidence"] = self.ocr_confidence
        if self.uncertain:
            out["ocr_uncertain"] = True
        return out


@dataclass
class Table:
    """A table as rows of unique cells (merged cells once, at their top-left row)."""

    rows: list[list[Cell]]
    page: int | None = None
    bbox: BBox | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for r in self.rows for c in r), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for r in self.rows for c in r), default=0)

    def grid(self, *, repeat_spans: bool = True) -> list[list[Cell | None]]:
        """The expanded grid: every position holds the cell covering it (or None).

        With ``repeat_spans=False`` only the top-left position of a merged cell holds it.
        """
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for row in self.rows:
            for cell in row:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        if repeat_spans or (r == cell.row and c == cell.col):
                            grid[r][c] = cell
        return grid

    def text_rows(self) -> list[list[str]]:
        """Each row's unique cells as text, in column order."""
        return [[c.text for c in sorted(r, key=lambda c: c.col)] for r in self.rows]

    def as_text(self) -> str:
        """Tab-separated rows, one line per row, the way table text enters ``Extraction.text``."""
        return "\n".join("\t".join(t.replace("\n", " ") for t in row) for row in self.text_rows())


@dataclass
class Extraction:
    """What an extractor read from one document.

    ``text`` is the reading-order text with tables inlined as tab-separated rows; ``tables`` the same
    tables with cell provenance; ``pages`` the page count where the format has pages; ``meta`` page or
    document metadata (HTML: ``title`` and the 索引号/发布机构/生成日期/发布日期 block).
    """

    text: str
    tables: list[Table] = field(default_factory=list)
    pages: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    source_kind: str = "unknown"
    warnings: list[str] = field(default_factory=list)
