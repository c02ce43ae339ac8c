"""`nianbao parse FILE`: parse one local document and print the report object."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("parse", help="parse one local document (PDF/DOCX/DOC/HTML/text)")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the report JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from parsing.report import parse_document

    result = parse_document(args.file.read_bytes(), filename=args.file.name, url=args.file.resolve().as_uri())
    rec: dict[str, Any] = result.record
    if args.json:
        print(json.dumps(rec, ensure_ascii=False, indent=2))
    else:
        print(f"report={result.is_report} kind={result.source_kind} unit={rec.get('unit_name')} "
              f"year={rec.get('report_year')} format={rec.get('format_version')}")
    return 0
