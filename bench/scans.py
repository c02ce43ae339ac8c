"""Scanned-report benchmark: generated scans (sampleweb.scans) parsed, cells scored against the generator's truth.

Every scan draws each degradation knob independently from its seed; the table groups the scans by each knob's
value and prints cells exact, cells flagged uncertain, cells wrong but not flagged, unit/year right, and seconds per
report page (two to a sheet when copied two-up): wall clock, and CPU (all threads of the process; the cost on an
idle machine, where wall clock also counts other processes' load). The default suite runs a small sample of the same
(tests/parsing/test_scans.py).

    .venv/bin/python -m bench.scans [--count 40] [--first 0] [--engine tesseract-chi_sim]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from parsing import parse_document
from parsing.extract import scan_read
from parsing.tree import get_path
from sampleweb.scans import Knobs, Scan, knobs_for, make_scan


@dataclass(frozen=True)
class ScanScore:
    """One parsed scan against its truth."""

    seed: str
    knobs: Knobs
    pages: int
    cells: int
    exact: int
    uncertain: int
    wrong_unflagged: tuple[str, ...]
    unit_ok: bool
    year_ok: bool
    seconds: float
    cpu_seconds: float  # this process and its children (tesseract): the cost on an idle machine, unlike wall time


def score(scan: Scan) -> ScanScore:
    """Parse the scan's image-only PDF and compare every truth cell (value equal = exact)."""
    start, cpu = time.perf_counter(), _cpu()
    record = parse_document(scan.pdf, filename=f"{scan.seed}.pdf").record
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    exact, uncertain, unflagged = 0, 0, []
    for path, value in scan.cells.items():
        cell = get_path(record, path)
        flagged = bool(cell and cell["uncertain"])
        uncertain += flagged
        if cell is not None and cell["value"] == value:
            exact += 1
        elif not flagged:
            unflagged.append(path)
    return ScanScore(scan.seed, scan.knobs, scan.pages, len(scan.cells), exact, uncertain, tuple(unflagged),
                     record["unit_name"] == scan.unit_name, record["report_year"] == scan.report_year, seconds, cpu)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bucket(name: str, value: object) -> str:
    """The printed bucket of a knob value (continuous knobs binned)."""
    if name == "rotation":
        size = abs(float(value))  # type: ignore[arg-type]
        return "0" if size == 0 else "<=1" if size <= 1 else "<=2" if size <= 2 else "<=3"
    if name == "jpeg_quality":
        return "40-59" if int(value) < 60 else "60-79" if int(value) < 80 else "80-90"  # type: ignore[call-overload]
    return str(value)


def per_knob(scores: Iterable[ScanScore]) -> dict[tuple[str, str], dict[str, float]]:
    """(knob, bucket) → scans, cells, exact share, uncertain share, wrong-unflagged count, unit/year ok, s/page."""
    groups: dict[tuple[str, str], list[ScanScore]] = {}
    for s in scores:
        for name, value in asdict(s.knobs).items():
            groups.setdefault((name, bucket(name, value)), []).append(s)
    out = {}
    for key, group in sorted(groups.items()):
        cells = sum(s.cells for s in group)
        out[key] = {"scans": len(group), "cells": cells, "exact": sum(s.exact for s in group) / cells,
                    "uncertain": sum(s.uncertain for s in group) / cells,
                    "wrong_unflagged": sum(len(s.wrong_unflagged) for s in group),
                    "unit_year_ok": sum(s.unit_ok and s.year_ok for s in group) / len(group),
                    "s_per_page": sum(s.seconds for s in group) / sum(s.pages for s in group),
                    "cpu_s_per_page": sum(s.cpu_seconds for s in group) / sum(s.pages for s in group)}
    return out


def table(rows: dict[tuple[str, str], dict[str, float]]) -> str:
    """The per-knob table as Markdown."""
    lines = ["| knob | value | scans | cells | cells exact | uncertain | wrong, unflagged | unit+year | s/page | "
             "CPU s/page |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for (name, value), r in rows.items():
        lines.append(f"| {name} | {value} | {r['scans']} | {r['cells']} | {r['exact']:.2%} | {r['uncertain']:.2%} | "
                     f"{r['wrong_unflagged']} | {r['unit_year_ok']:.0%} | {r['s_per_page']:.2f} | "
                     f"{r['cpu_s_per_page']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40, help="number of scans (seeds scan-<first>…)")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--engine", choices=sorted(scan_read.ENGINES), default=scan_read.ENGINE)
    args = parser.parse_args(argv)
    scan_read.ENGINE = args.engine
    scores = []
    for i in range(args.first, args.first + args.count):
        seed = f"scan-{i}"
        result = score(make_scan(seed, knobs_for(seed)))
        scores.append(result)
        print(f"{seed}: {result.exact}/{result.cells} exact, {result.uncertain} uncertain, "
              f"{len(result.wrong_unflagged)} wrong unflagged {list(result.wrong_unflagged)[:3]}, unit/year "
              f"{result.unit_ok}/{result.year_ok}, {result.seconds / result.pages:.2f} s/page, "
              f"{result.cpu_seconds / result.pages:.2f} CPU s/page", flush=True)
    rows = per_knob(scores)
    print(table(rows))
    cells = sum(s.cells for s in scores)
    print(json.dumps({"scans": len(scores), "cells": cells, "exact": sum(s.exact for s in scores) / cells,
                      "wrong_unflagged": sum(len(s.wrong_unflagged) for s in scores),
                      "s_per_page": sum(s.seconds for s in scores) / sum(s.pages for s in scores),
                      "cpu_s_per_page": sum(s.cpu_seconds for s in scores) / sum(s.pages for s in scores),
                      "engine": args.engine}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
