"""A report page that shows its report as a run of images (图片版): the images joined into one scanned document.

County sites often publish the printed, stamped report as JPG pages in the article body. The page's own text is
then only its title and metadata, and no table. So a page with no table that shows content images is parsed from
its images, in page order, as one document through the scan pipeline (parsing.extract.ocr); the page's title and
metadata block stay identity evidence, as for any document a page offers. A page that holds its tables in HTML
keeps its own parse (its images are illustrations). A report also offered as a PDF keeps both renditions: the
PDF is an attachment parsed on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kernel import report as rk
from kernel.errors import ParseError
from parsing.extract import extract, ocr
from parsing.identity import KnownUnits
from parsing.report import SOURCE_KINDS, ParseResult, parse_extraction


def parse_report_page(page: bytes, images: Sequence[bytes], *, url: str | None = None,
                      media_type: str | None = None, known_units: KnownUnits = ()) -> ParseResult:
    """The page's parse, or — when it holds no table and shows ``images`` (its content images, in page order) —
    the parse of those images joined. Raises kernel.errors.ParseError when the page or an image cannot be read."""
    own = extract(page, media_type=media_type, filename=url)
    result = parse_extraction(own, source_kind=SOURCE_KINDS.get(own.source_kind, own.source_kind), url=url,
                              known_units=known_units)
    if not images or _has_tables(result.record):
        return result
    try:
        scan = ocr.extract_image_pages(list(images))
        scanned = parse_extraction(scan, source_kind=rk.KIND_IMAGE, url=url, page_meta=own.meta,
                                   known_units=known_units)
    except ParseError as exc:  # not a scan of the report (a photo, a banner): the page's own parse stands
        result.warnings.append(f"the page's {len(images)} image(s) not read as its report: {exc}")
        return result
    if not _has_tables(scanned.record):
        result.warnings.append(f"the page's {len(images)} image(s) hold no report table: the page's own parse")
        return result
    scanned.warnings.insert(0, f"report shown as {len(images)} image(s) on its page: parsed from them, joined")
    return scanned


def _has_tables(record: dict[str, Any]) -> bool:
    return any(record.get(table) for table in rk.TABLES)
