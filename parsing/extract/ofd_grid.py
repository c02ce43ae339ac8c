"""Tables from ruling lines: horizontal and vertical segments make a grid; a missing inner line merges cells."""

from __future__ import annotations

from parsing.types import BBox, Cell, Table

Segment = tuple[float, float, float, float]
Glyph = tuple[str, float, float, float]  # text, x, baseline y, size
TOL = 0.6  # mm: lines closer than this are the same line


def contains(bbox: BBox, x: float, y: float) -> bool:
    """True when (x, y) lies inside bbox (x0, top, x1, bottom)."""
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def tables(segments: list[Segment], glyphs: list[Glyph], page: int) -> list[Table]:
    """One table per connected block of ruling lines (blocks split where no vertical line crosses a gap)."""
    horizontal = [(min(x0, x1), y0, max(x0, x1)) for x0, y0, x1, y1 in segments if abs(y0 - y1) < TOL]
    vertical = [(x0, min(y0, y1), max(y0, y1)) for x0, y0, x1, y1 in segments if abs(x0 - x1) < TOL]
    out = []
    for ys in _blocks(horizontal, vertical):
        table = _table(ys, horizontal, vertical, glyphs, page)
        if table is not None:
            out.append(table)
    return out


def _unique(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _blocks(horizontal: list[tuple[float, float, float]],
            vertical: list[tuple[float, float, float]]) -> list[list[float]]:
    """Row-line y values grouped into tables: consecutive rules belong together when a vertical joins them."""
    ys = _unique([y for _, y, _ in horizontal])
    blocks: list[list[float]] = []
    for y in ys:
        if blocks and any(v0 <= blocks[-1][-1] + TOL and v1 >= y - TOL for _, v0, v1 in vertical):
            blocks[-1].append(y)
        else:
            blocks.append([y])
    return [b for b in blocks if len(b) >= 2]


def _covered(lines: list[tuple[float, float, float]], at: float, lo: float, hi: float) -> bool:
    """True when some line at position ``at`` spans most of [lo, hi]."""
    mid = (lo + hi) / 2
    return any(abs(pos - at) < TOL and a - TOL <= mid <= b + TOL for a, pos, b in lines)


def _table(ys: list[float], horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]],
           glyphs: list[Glyph], page: int) -> Table | None:
    top, bottom = ys[0], ys[-1]
    xs = _unique([x for x, v0, v1 in vertical if v0 <= bottom - TOL and v1 >= top + TOL])
    if len(xs) < 2:
        return None
    v_lines = [(v0, x, v1) for x, v0, v1 in vertical]  # as (from, at, to) like horizontal rules
    seen: set[tuple[int, int]] = set()
    rows: list[list[Cell]] = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            if (r, c) in seen:
                continue
            c1 = c + 1
            while c1 < len(xs) - 1 and not _covered(v_lines, xs[c1], ys[r], ys[r + 1]):
                c1 += 1
            r1 = r + 1
            while r1 < len(ys) - 1 and not _covered(horizontal, ys[r1], xs[c], xs[c1]):
                r1 += 1
            seen.update((rr, cc) for rr in range(r, r1) for cc in range(c, c1))
            bbox = (xs[c], ys[r], xs[c1], ys[r1])
            row.append(Cell(_cell_text(bbox, glyphs), r, c, r1 - r, c1 - c, page, bbox))
        rows.append(row)
    return Table(rows=rows, page=page, bbox=(xs[0], top, xs[-1], bottom))


def _cell_text(bbox: BBox, glyphs: list[Glyph]) -> str:
    mine = sorted((g for g in glyphs if contains(bbox, g[1] + g[3] / 4, g[2] - g[3] / 3)), key=lambda g: (g[2], g[1]))
    lines: list[list[Glyph]] = []
    for g in mine:
        if lines and abs(lines[-1][0][2] - g[2]) <= g[3] / 3:
            lines[-1].append(g)
        else:
            lines.append([g])
    return "\n".join("".join(g[0] for g in sorted(line, key=lambda g: g[1])) for line in lines).strip()
