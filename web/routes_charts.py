"""Charts: a unit's headline numbers across years, a county's units for one year (SVG drawn on the server)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from storage import browse
from storage.queries import latest_reports
from web.charts import bar_chart, year_series_chart
from web.context import ui
from web.export import export_response, wants_export
from web.layout import HEADLINE_LABELS, HEADLINES
from web.tables import lookup

router = APIRouter()
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
               "Cache-Control": "no-cache"}


def headline_values(record: dict[str, Any]) -> dict[str, float | None]:
    """The headline numbers of a report record (None for a blank, missing or unreadable cell)."""
    out: dict[str, float | None] = {}
    for key, _, path in HEADLINES:
        cell = lookup(record, path)
        value = cell.get("value") if isinstance(cell, dict) else None
        out[key] = float(value) if isinstance(value, int | float) else None
    return out


def headline_rows(request: Request, site: str, *, year: int | None = None,
                  unit: str | None = None) -> list[dict[str, Any]]:
    """The latest version of each of the site's reports (of `year`, of exactly `unit`), as public objects."""
    rows = latest_reports(ui(request).sessions, site=site, year=year, unit=unit)
    return [r for r in rows if unit is None or r.get("unit_name") == unit]


def unit_series(request: Request, site: str, unit: str) -> tuple[list[int], dict[str, dict[int, float | None]]]:
    rows = headline_rows(request, site, unit=unit)
    years = sorted({int(r["report_year"]) for r in rows})
    series: dict[str, dict[int, float | None]] = {HEADLINE_LABELS[k]: {} for k, _, _ in HEADLINES}
    for row in rows:
        for key, value in headline_values(row).items():
            series[HEADLINE_LABELS[key]][int(row["report_year"])] = value
    return years, series


def county_bars(request: Request, site: str, year: int, metric: str) -> list[tuple[str, float | None]]:
    if metric not in HEADLINE_LABELS:
        raise HTTPException(400, f"metric must be one of {', '.join(HEADLINE_LABELS)}")
    rows = headline_rows(request, site, year=year)
    return [(str(r["unit_name"]), headline_values(r)[metric]) for r in rows]


@router.get("/charts")
def charts_page(request: Request, site: str = "", unit: str = "", year: int | None = None,
                metric: str = "new_requests", format: str | None = None) -> Response:
    context = ui(request)
    sites = browse.sites(context.sessions)
    site = site or (sites[0].id if sites else "")
    reports = browse.site_reports(context.sessions, site) if site else []
    units = sorted({r.unit_name for r in reports})
    years = sorted({r.report_year for r in reports}, reverse=True)
    unit = unit or (units[0] if units else "")
    year = year or (years[0] if years else None)
    if wants_export(format):
        rows = []
        if unit:
            unit_years, series = unit_series(request, site, unit)
            rows += [{"chart": "unit", "site": site, "unit_name": unit, "report_year": y, "metric": name,
                      "value": values.get(y)} for name, values in series.items() for y in unit_years]
        if year:
            rows += [{"chart": "county", "site": site, "unit_name": label, "report_year": year,
                      "metric": HEADLINE_LABELS.get(metric, metric), "value": value}
                     for label, value in county_bars(request, site, year, metric)]
        return export_response(str(format), f"charts-{site}", rows)
    return context.render(request, "charts.html", sites=sites, site=site, units=units, years=years, unit=unit,
                          year=year, metric=metric, metrics=HEADLINE_LABELS)


@router.get("/charts/unit.svg")
def unit_chart(request: Request, site: str, unit: str) -> Response:
    years, series = unit_series(request, site, unit)
    svg = year_series_chart(f"{unit}: 主要数字 (by year)", years, series)
    return Response(svg, media_type="image/svg+xml; charset=utf-8", headers=SVG_HEADERS)


@router.get("/charts/county.svg")
def county_chart(request: Request, site: str, year: int, metric: str = "new_requests") -> Response:
    bars = county_bars(request, site, year, metric)
    svg = bar_chart(f"{year}年 {HEADLINE_LABELS[metric]}: units of {site}", bars)
    return Response(svg, media_type="image/svg+xml; charset=utf-8", headers=SVG_HEADERS)
