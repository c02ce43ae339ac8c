"""Export of the current view: the same rows the page shows, as CSV (UTF-8 with BOM, for spreadsheets) or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from fastapi import HTTPException
from fastapi.responses import Response

FORMATS = ("csv", "json")


def wants_export(fmt: str | None) -> bool:
    if fmt is None or fmt == "":
        return False
    if fmt not in FORMATS:
        raise HTTPException(400, f"format must be one of {', '.join(FORMATS)}")
    return True


def export_response(fmt: str, name: str, rows: list[dict[str, Any]], document: Any = None) -> Response:
    """`rows` as CSV, or `document` (default: the rows) as JSON; offered as a download named `name`.csv/json."""
    if fmt == "json":
        body = json.dumps(rows if document is None else document, ensure_ascii=False, indent=1, default=_plain)
        return Response(body, media_type="application/json; charset=utf-8", headers=_disposition(name, "json"))
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers=_disposition(name, "csv"))


def _disposition(name: str, ext: str) -> dict[str, str]:
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name) or "export"
    return {"Content-Disposition": f'attachment; filename="{safe}.{ext}"'}


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return _plain(value) if isinstance(value, datetime | date) else value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
