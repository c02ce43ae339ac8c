"""WACZ export for ReplayWeb.page and pywb: WARC files, pages.jsonl and extraPages.jsonl, indexes and digests.

py-wacz indexes the WARC files and writes datapackage.json and datapackage-digest.json; the page lists are ours
(passed through verbatim): ``pages/pages.jsonl`` holds the report pages and attachments, each titled by its report,
``pages/extraPages.jsonl`` the list pages that lead to them. An export of part of the archive (a crawl, a site) is
self-contained: the original records its revisits refer to, when they sit in WARC files outside the export, are
copied into one more WARC file of the package (archive/wacz_originals.py). ``--sign`` signs
datapackage-digest.json (archive/wacz_sign.py).
"""

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

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Reports"}
EXTRA_PAGES_HEADER = {"format": "json-pages-1.0", "id": "extra-pages", "title": "List pages"}


@dataclass(frozen=True)
class Page:
    """One page-list entry: a URL captured at ``captured_at`` (aware), with a title when known."""

    url: str
    title: str | None
    captured_at: datetime


def pages_jsonl(pages: Sequence[Page], header: dict[str, str] = PAGES_HEADER) -> str:
    """A page list's text: the header line, then one line per page (``ts`` as a WARC date)."""
    lines = [json.dumps(header)]
    prefix = header["id"][0]  # p1, p2, … in pages.jsonl; e1, e2, … in extraPages.jsonl
    for number, page in enumerate(pages, start=1):
        entry = {"id": f"{prefix}{number}", "url": page.url, "ts": warc_date(page.captured_at)}
        if page.title:
            entry["title"] = page.title
        lines.append(json.dumps(entry, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def export_wacz(warcs: Sequence[Path], pages: Sequence[Page], output: Path, *, title: str,
                extra_pages: Sequence[Page] = ()) -> Path:
    """Write ``output`` (a WACZ) from finished WARC files and page lists; py-wacz indexes and digests them."""
    if not warcs:
        raise ArchiveError("nothing to export: no WARC file selected")
    with tempfile.TemporaryDirectory(prefix="nianbao-wacz-") as tmp:
        pages_file = Path(tmp) / "pages.jsonl"
        pages_file.write_text(pages_jsonl(pages), encoding="utf-8")
        args = ["create", "-o", str(output), "-p", str(pages_file), "-c", "--title", title]
        if extra_pages:
            extra_file = Path(tmp) / "extraPages.jsonl"
            extra_file.write_text(pages_jsonl(extra_pages, EXTRA_PAGES_HEADER), encoding="utf-8")
            args += ["-e", str(extra_file)]
        code, log = _run_wacz([*args, *(str(path) for path in warcs)])
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
