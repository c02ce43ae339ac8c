"""`nianbao export`: the analysts' dataset (storage.dataset) — one row per report version — as CSV, JSONL or Parquet.

Every file has the same columns in the same order (storage.dataset.COLUMNS). CSV is UTF-8 with a header row, an
empty field for None; JSONL is one object per line with every column (null for None); Parquet is typed (cell
values float64, ids and counts int64, the rest strings). The WARC file and offset are those of the record that
holds the version's payload in full, as archive.dedup answers it (a revisit's original).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from kernel.errors import NianbaoError

FORMATS = ("csv", "jsonl", "parquet")
STDOUT = "-"


class ExportError(NianbaoError):
    """Raised by `nianbao export` when the output cannot be written as asked (Parquet to the terminal)."""


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="write every report version as a dataset (CSV, JSONL or Parquet)")
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("--as-of", metavar="MOMENT",
                   help="only the versions that existed then, with their status then: YYYY-MM-DD, an ISO date-time "
                        "with a zone, a 14-digit Wayback timestamp or a crawl id")
    p.add_argument("--site", help="only this site's reports")
    p.add_argument("--output", default=STDOUT, metavar="PATH", help="file to write (default: standard output; "
                   "required for parquet)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kernel.config import Config
    from storage.asof import resolve_as_of
    from storage.db import open_catalogue

    if args.format == "parquet" and args.output == STDOUT:
        raise ExportError("export --format parquet needs --output PATH")
    sessions = open_catalogue(Config.load().database_url)
    rows = export_rows(sessions, cutoff=resolve_as_of(sessions, args.as_of), site=args.site)
    WRITERS[args.format](rows, args.output)
    print(f"export format={args.format} rows={len(rows)} output={args.output}", file=sys.stderr)
    return 0


def export_rows(sessions: Any, *, cutoff: datetime | None = None, site: str | None = None) -> list[dict[str, Any]]:
    """The dataset's rows, with each version's WARC file/offset pointing at the record holding its payload."""
    from archive.dedup import Dedup
    from storage.catalog import Catalog
    from storage.dataset import WARC_FILE, WARC_OFFSET, dataset_rows

    locate = cache(Dedup(Catalog(sessions)).payload_location)
    out = []
    for row in dataset_rows(sessions, cutoff=cutoff, site=site):
        ref = row.capture
        warc_file, warc_offset = locate(ref.warc_file, ref.warc_offset, ref.record_type, ref.payload_sha256)
        out.append({**row.values, WARC_FILE: warc_file, WARC_OFFSET: warc_offset})
    return out


@contextmanager
def _text_output(path: str) -> Iterator[IO[str]]:
    if path == STDOUT:
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        yield f


def write_csv(rows: list[dict[str, Any]], path: str) -> None:
    """UTF-8, a header of every column, None as an empty field."""
    from storage.dataset import COLUMNS

    with _text_output(path) as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_jsonl(rows: list[dict[str, Any]], path: str) -> None:
    """One object per line, every column in order."""
    from storage.dataset import COLUMNS

    with _text_output(path) as f:
        for row in rows:
            f.write(json.dumps({c: row[c] for c in COLUMNS}, ensure_ascii=False) + "\n")


def write_parquet(rows: list[dict[str, Any]], path: str) -> None:
    """A typed Parquet file (schema from storage.dataset.COLUMN_TYPES)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from storage.dataset import COLUMN_TYPES, COLUMNS

    types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
    schema = pa.schema([(c, types[COLUMN_TYPES[c]]) for c in COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


WRITERS: dict[str, Callable[[list[dict[str, Any]], str], None]] = {
    "csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}
