"""Parse benchmark: every test document (tests/fixtures/parsing/documents: PDF, scanned PDF, DOCX, DOC, XLS, XLSX,
OFD, HTML, text) parsed in a fresh process; seconds per document (best of N) and the process's peak memory.
Prints a table and one JSON line.

    .venv/bin/python -m bench.parse [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "tests" / "fixtures" / "parsing" / "documents"


def _one(path: Path, repeat: int) -> dict[str, object]:
    """In this process: parse `path` `repeat` times; best time, cells (and those with a number), peak RSS."""
    from parsing import parse_document
    from parsing.tree import iter_cells

    data = path.read_bytes()
    best, found = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        record = parse_document(data, filename=path.name).record
        best = min(best, time.perf_counter() - start)
        found = [cell for t in ("table2", "table3", "table4") for _, cell in iter_cells(record[t], t)]
    return {"document": path.name, "bytes": len(data), "seconds": round(best, 3), "cells": len(found),
            "numbers": sum(1 for cell in found if cell["value"] is not None),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="parses per document; the best time counts")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the child's side
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.one, args.repeat)))
        return 0
    rows = []
    for path in sorted(p for p in DOCUMENTS.iterdir() if p.is_file()):
        child = subprocess.run([sys.executable, "-m", "bench.parse", "--one", str(path), "--repeat",
                                str(args.repeat)], cwd=REPO, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"{path.name}: parse failed\n{child.stderr[-1500:]}", file=sys.stderr)
            continue
        rows.append(json.loads(child.stdout.splitlines()[-1]))
    print(f"{'document':48} {'KB':>7} {'seconds':>8} {'cells':>6} {'numbers':>8} {'peak RSS MB':>12}")
    for r in rows:
        print(f"{r['document']:48} {int(r['bytes']) / 1024:7.0f} {r['seconds']:8.3f} {r['cells']:6d} "
              f"{r['numbers']:8d} {r['peak_rss_mb']:12.1f}")
    print(json.dumps({"bench": "parse", "documents": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
