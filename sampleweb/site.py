"""The model every site module fills in: planned resources, ground truth, and the site's registry row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

HTML = "text/html; charset=utf-8"
HTML_GBK = "text/html; charset=gbk"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
OFD = "application/ofd"
GIF = "image/gif"
JPEG = "image/jpeg"
PNG = "image/png"
TEXT = "text/plain; charset=utf-8"
XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
JS = "application/javascript; charset=utf-8"
CONTENT_TYPES = {"html": HTML, "pdf": PDF, "docx": DOCX, "doc": DOC, "ofd": OFD, "gif": GIF, "jpg": JPEG, "png": PNG,
                 "txt": TEXT}


@dataclass(frozen=True)
class ExpectedReport:
    """One annual report the site publishes, as a correct crawl + parse should find it.

    ``source_kind`` is the document of record: the attachment's format when there is one (a page that has the
    report inline *and* a PDF says "pdf" and sets ``has_inline_text``), else "html_inline".
    """

    unit_name: str
    report_year: int
    page_url: str
    attachment_urls: tuple[str, ...]
    source_kind: str
    published_at: str
    seed: str
    title: str = ""
    has_inline_text: bool = False
    variant_urls: tuple[str, ...] = ()  # 解读 / 图解 pages about this report (never reports themselves)
    image_urls: tuple[str, ...] = ()  # images the report page shows in its content (page requisites, no documents)


@dataclass(frozen=True)
class Planned:
    """A resource the site will serve: its path, type, date, and how to render its bytes."""

    path: str
    content_type: str
    last_modified: dt.date
    render: Callable[[], bytes]
    status: int = 200
    delay_s: float = 0.0  # the server waits this long before answering (slow-page trap)


@dataclass(frozen=True)
class Reply:
    """What a query-dependent endpoint answers for one request."""

    body: bytes
    content_type: str
    last_modified: dt.date
    status: int = 200


@dataclass(frozen=True)
class Endpoint:
    """A path whose answer depends on the query string and form body (jpage dataproxy, downfile.jsp, JSON APIs).

    ``respond`` gets the merged GET and POST parameters (first value of each) and returns None for "not found".
    """

    path: str
    respond: Callable[[Mapping[str, str]], Reply | None]


@dataclass(frozen=True)
class SitePlan:
    """Everything a site serves (rendered lazily) plus what a crawler must and must not find there."""

    pages: tuple[Planned, ...]
    reports: tuple[ExpectedReport, ...]
    decoy_urls: tuple[str, ...]
    endpoints: tuple[Endpoint, ...] = ()
    endpoint_urls: tuple[str, ...] = ()  # every URL (with query) the endpoints answer with 200
    list_pages: tuple[str, ...] = ()  # every list page of the report column(s), in reading order


@dataclass(frozen=True)
class SiteSpec:
    """A row of the sample-web registry: a real county site and the function that plans its content."""

    site_id: str
    hostname: str
    name: str
    region_code: str
    family: str
    plan: Callable[[Path], SitePlan]
    parent: str = ""

    @property
    def home_url(self) -> str:
        return f"http://{self.hostname}/"

    def url(self, path: str) -> str:
        return f"http://{self.hostname}{path}"
