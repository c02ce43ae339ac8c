"""`nianbao archive export-wacz`: a WACZ of the archive, a site or a crawl, for ReplayWeb.page and pywb.

What goes in: the WARC files that hold the chosen captures, plus (for a site or a crawl) a WARC file of the
original records their revisits refer to that lie outside those files (archive/wacz_originals.py), so that the
package replays on its own. pages.jsonl lists the report pages and attachments captured, each titled by its
report as the catalogue names it; extraPages.jsonl the other HTML pages captured (home, columns, list pages).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules themselves are imported when the command runs: `nianbao archive …` starts fast
    from archive.dedup import Dedup
    from archive.wacz import Page
    from storage.catalog import Catalog, StoredCapture

HTML_STATUSES = (200, 304)  # a 304 stands for the 200 it revalidated
SIGNING_KEY = "wacz-signing-key.pem"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    wacz = commands.add_parser("export-wacz", help="write a WACZ of the archive, a site or a crawl")
    wacz.add_argument("--site", help="site id: only WARC files holding this site's captures")
    wacz.add_argument("--crawl", type=int, help="crawl id: only WARC files holding this crawl's captures")
    wacz.add_argument("-o", "--output", type=Path, help="default: $NIANBAO_HOME/<site|crawl|archive>.wacz")
    wacz.add_argument("--sign", action="store_true",
                      help="sign datapackage-digest.json (anonymous ECDSA P-384, wacz-auth); the key is made on "
                           f"first use in $NIANBAO_HOME/{SIGNING_KEY}")
    wacz.set_defaults(run=run_export_wacz)


def run_export_wacz(args: argparse.Namespace) -> int:
    from archive.cdxj import finished_warcs
    from archive.dedup import Dedup
    from archive.wacz import export_wacz
    from archive.wacz_originals import write_originals_warc
    from archive.wacz_sign import sign_wacz, signing_key
    from kernel.config import Config
    from kernel.errors import ArchiveError
    from storage.catalog import Catalog
    from storage.db import open_catalogue

    config = Config.load()
    catalog = Catalog(open_catalogue(config.database_url))
    label = f"crawl-{args.crawl}" if args.crawl else (args.site or "archive")
    output: Path = args.output or config.home / f"{label}.wacz"
    captures = list(catalog.iter_captures(crawl_id=args.crawl, site_id=args.site))
    partial = bool(args.site or args.crawl)
    names = {c.warc_file for c in captures} if partial else {p.name for p in finished_warcs(config.warc_dir)}
    missing = sorted(n for n in names if not (config.warc_dir / n).exists())
    if missing:
        raise ArchiveError(f"WARC file(s) not finished or missing in {config.warc_dir}: {', '.join(missing)}")
    warcs = [config.warc_dir / n for n in sorted(names)]
    pages, extra = page_lists(catalog, args, captures)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-wacz-") as tmp:
        originals_warc = Path(tmp) / f"nianbao-{label}-originals.warc.gz"
        copied = 0
        if partial:
            locations = list(_outside_originals(Dedup(catalog), captures, names))
            if locations:
                copied = write_originals_warc(config.warc_dir, locations, originals_warc,
                                              now=datetime.now(UTC), label=label)
                warcs.append(originals_warc)
        export_wacz(warcs, pages, output, title=f"nianbao {label}", extra_pages=extra)
    if args.sign:
        signed = sign_wacz(output, signing_key(config.home / SIGNING_KEY), "nianbao")
        print(f"signed: public key {signed['publicKey'][:24]}…")
    print(f"wrote {output}: {len(names)} WARC file(s), {copied} original record(s) copied, {len(pages)} page(s), "
          f"{len(extra)} list page(s)")
    return 0


def page_lists(
    catalog: Catalog, args: argparse.Namespace, captures: list[StoredCapture]
) -> tuple[list[Page], list[Page]]:
    """(pages, extra pages): the report pages and attachments captured, titled by their report; the other HTML
    pages captured. Each URL once, at its newest capture in the export."""
    from archive.wacz import Page
    from storage.reports import as_utc

    titles = report_titles(catalog, _site_ids(catalog, args))
    pages = [Page(p.url, titles.get(p.url) or p.title, as_utc(p.captured_at))
             for p in catalog.pages(crawl_id=args.crawl, site_id=args.site)]
    documents = {page.url for page in pages}
    newest: dict[str, StoredCapture] = {}
    for capture in captures:
        html = (capture.media_type or "").startswith("text/html")
        if html and capture.http_status in HTML_STATUSES and capture.record_type in ("response", "revisit") \
                and capture.url not in documents:
            newest[capture.url] = capture
    return pages, [Page(url, None, as_utc(capture.captured_at)) for url, capture in newest.items()]


def report_titles(catalog: Catalog, sites: Iterable[str]) -> dict[str, str]:
    """Document URL → the title of the report it renders (an attachment's with its link text after it)."""
    from storage import browse

    titles: dict[str, str] = {}
    for site in sites:
        for report in browse.site_reports(catalog.sessions, site):
            title = f"{report.unit_name}{report.report_year}年政府信息公开工作年度报告"
            for rendition in browse.renditions(catalog.sessions, report.id):
                suffix = f"（{rendition.title}）" if rendition.kind == "attachment" and rendition.title else ""
                titles.setdefault(rendition.url, title + suffix)
    return titles


def _site_ids(catalog: Catalog, args: argparse.Namespace) -> list[str]:
    from kernel.errors import ArchiveError
    from storage import browse
    from storage.crawls import get_crawl

    if args.site:
        return [args.site]
    if args.crawl:
        crawl = get_crawl(catalog.sessions, args.crawl)
        if crawl is None:
            raise ArchiveError(f"no crawl {args.crawl} in the catalogue")
        return [crawl.site_id]
    return [site.id for site in browse.sites(catalog.sessions)]


def _outside_originals(dedup: Dedup, captures: Iterable[StoredCapture], names: set[str]) -> Iterable[tuple[str, int]]:
    """(file, offset) of each original record a revisit among ``captures`` refers to, outside ``names``."""
    for capture in captures:
        if capture.record_type != "revisit" or not capture.payload_sha256:
            continue
        original = dedup.original(capture.payload_sha256)
        if original is not None and original.warc_file not in names:
            yield original.warc_file, original.warc_offset
