"""Server-side SVG charts: a unit's headline numbers across years, and a county's units for one year.

Every text from a site goes through `html.escape`; the SVG has no script and no external reference.
"""

from __future__ import annotations

from html import escape

PALETTE = ["#1f5fa8", "#c0392b", "#27864a", "#b8860b", "#6c3fa0", "#2b8c9e"]
FONT = "font-family=\"'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif\""


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">'
            f"<title>{escape(title)}</title>"
            f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>'
            + "".join(body) + "</svg>")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def year_series_chart(title: str, years: list[int], series: dict[str, dict[int, float | None]]) -> str:
    """Lines, one per series, over `years`; a missing or blank value breaks the line and shows no dot."""
    width, height, left, right, top, bottom = 640, 300, 50, 150, 30, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([v for s in series.values() for v in s.values() if v is not None] or [0]))
    body = _axes(left, top, plot_w, plot_h, top_value)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(years), 1))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    for i, year in enumerate(years):
        body.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle">{year}</text>')
    for n, (name, values) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        present = [(i, v) for i, yr in enumerate(years) if (v := values.get(yr)) is not None]
        points = [(x(i), y(v)) for i, v in present]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        for i, v in present:
            body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                        f"<title>{escape(name)} {years[i]}: {_num(v)}</title></circle>")
        ly = top + 14 + 18 * n
        body.append(f'<rect x="{width - right + 12}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
                    f'<text x="{width - right + 27}" y="{ly}">{escape(name)}</text>')
    return _svg(width, height, title, body)


def bar_chart(title: str, bars: list[tuple[str, float | None]]) -> str:
    """Horizontal bars, one per label; a blank value is drawn as an empty outline marked 空白."""
    left, bar_h, gap, top = 200, 20, 8, 34
    width, height = 640, top + (bar_h + gap) * max(len(bars), 1) + 10
    plot_w = width - left - 60
    top_value = _nice_max(max([v for _, v in bars if v is not None] or [0]))
    body = []
    for i, (label, value) in enumerate(bars):
        by = top + i * (bar_h + gap)
        body.append(f'<text x="{left - 8}" y="{by + 14}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            body.append(f'<rect x="{left}" y="{by}" width="40" height="{bar_h}" fill="none" stroke="#999" '
                        f'stroke-dasharray="3,2"/><text x="{left + 46}" y="{by + 14}" fill="#777">空白</text>')
            continue
        w = plot_w * value / top_value
        body.append(f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}">'
                    f"<title>{escape(label)}: {_num(value)}</title></rect>"
                    f'<text x="{left + w + 6:.1f}" y="{by + 14}">{_num(value)}</text>')
    return _svg(width, height, title, body)


def _axes(left: int, top: int, plot_w: int, plot_h: int, top_value: float) -> list[str]:
    out = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>']
    for k in range(5):
        v = top_value * k / 4
        gy = top + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{left + plot_w}" y2="{gy:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end">{_num(v)}</text>')
    return out


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
