"""WACZ export: chosen WARC files, a pages.jsonl of report pages and attachments, datapackage digests (py-wacz)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wacz.main import main as wacz_main

from archive.records import warc_date
from kernel.errors import ArchiveError

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


@dataclass(frozen=True)
class Page:
    """One pages.jsonl entry: a URL captured at ``captured_at`` (aware), with a title when known."""

    url: str
    title: str | None
    captured_at: datetime


def pages_jsonl(pages: Sequence[Page]) -> str:
    """The pages.jsonl text: the header line, then one line per page (``ts`` as a WARC date)."""
    lines = [json.dumps(PAGES_HEADER)]
    for number, page in enumerate(pages, start=1):
        entry = {"id": f"p{number}", "url": page.url, "ts": warc_date(page.captured_at)}
        if page.title:
            entry["title"] = page.title
        lines.append(json.dumps(entry, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def export_wacz(warcs: Sequence[Path], pages: Sequence[Page], output: Path, *, title: str) -> Path:
    """Write ``output`` (a WACZ) from finished WARC files and pages; py-wacz indexes and digests them."""
    if not warcs:
        raise ArchiveError("nothing to export: no WARC file selected")
    with tempfile.TemporaryDirectory(prefix="nianbao-wacz-") as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        pages_file.write_text(pages_jsonl(pages), encoding="utf-8")
        args = ["create", "-o", str(output), "-p", str(pages_file), "-c", "--title", title,
                *(str(path) for path in warcs)]
        code, log = _run_wacz(args)
    if code != 0:
        raise ArchiveError(f"wacz create failed for output={output}: {log[-500:]}")
    return output


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Whether ``wacz validate`` accepts ``path``, and what it said."""
    code, log = _run_wacz(["validate", "-f", str(path)])
    return code == 0, log


def _run_wacz(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = wacz_main(args)
    return int(code or 0), out.getvalue()
