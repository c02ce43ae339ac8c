"""The items spiders yield: small typed records of what was found, never the bytes themselves."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.recorder import PayloadRecord


@dataclass
class DocumentItem:
    """A report-column article page or an attachment it offers, already archived as `capture_id`."""

    url: str
    # page / attachment
    kind: str
    capture_id: int | None
    title: str | None = None
    page_url: str | None = None
    anchor_text: str | None = None
    # The discovery rule that recognised it: for a page how its title was read ("report-title",
    # "variant-title", "period-line"), for an attachment how its link was found ("anchor", "appendix",
    # "js-variable", "script-html", "download-endpoint").
    rule: str = ""
    # report / variant (解读, 图解: recorded beside their report, never as one) / attachment.
    role: str = ""
    # The statistics year read from the title (a hint for the parser; never the URL's folder).
    report_year: int | None = None
    # The column (list) the page was found in, and the rule that led to the page's link ("article:anchor").
    column_url: str = ""
    found_by: str = ""
    # A report page that holds no table but shows content images (图片版): their URLs in page order; the page is
    # parsed from them joined, once the crawl has them (crawler/pipelines.py).
    images: list[str] = field(default_factory=list)
    # The capture's payload and where it is archived in full, as the recorder handed it on (crawler.meta.PAYLOAD);
    # None: the pipeline looks it up.
    payload: PayloadRecord | None = None
