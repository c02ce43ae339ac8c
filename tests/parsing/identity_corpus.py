"""Every document we have, with the page that offers it: the parser's fixture documents (seeds, research corpus,
golden set) and every page and attachment of every sample site, rendered in memory by sampleweb."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from parsing.extract import extract
from parsing.normalize import label_key
from sampleweb.resources import build_site, site_endpoints
from sampleweb.truth import SITES, SiteSpec, expected_decoy_urls, expected_reports
from tests.parsing.golden import DOCUMENTS


@dataclass(frozen=True)
class Offered:
    """A document, the metadata and text of the page that offers it, and the truth when the sample web knows it."""

    name: str
    data: bytes
    media_type: str | None
    page_meta: Mapping[str, str] = field(default_factory=dict)
    page_text: str = ""
    truth: tuple[str, int] | None = None
    published_at: str | None = None


def fixture_documents() -> Iterator[Offered]:
    """The parser's fixture documents (the five seeds, the research corpus, the golden set's files)."""
    for path in sorted(DOCUMENTS.iterdir()):
        yield Offered(path.name, path.read_bytes(), None)


def served(spec: SiteSpec, url: str) -> tuple[bytes, str]:
    """The body and media type the sample site serves at ``url`` (a page, a file or a query endpoint)."""
    path = url.removeprefix(spec.home_url.rstrip("/"))
    resources = build_site(spec)
    if path in resources:
        return resources[path].body, resources[path].content_type
    endpoint, _, query = path.partition("?")
    reply = site_endpoints(spec)[endpoint].respond({k: v[0] for k, v in urllib.parse.parse_qs(query).items()})
    assert reply is not None, url
    return reply.body, reply.content_type


def sample_site_documents() -> Iterator[Offered]:
    """Every report page, its attachments (with the page's metadata) and every decoy page of every sample site.

    The truth is given for the document of record (the first attachment, else the page)."""
    for site_id, spec in sorted(SITES.items()):
        for report in expected_reports(site_id):
            body, media_type = served(spec, report.page_url)
            page = extract(body, media_type=media_type)
            record_url = report.attachment_urls[0] if report.attachment_urls else report.page_url
            truth = (report.unit_name, report.report_year)
            for url in (report.page_url, *report.attachment_urls):
                data, kind = (body, media_type) if url == report.page_url else served(spec, url)
                yield Offered(f"{site_id} {url}", data, kind, {} if url == report.page_url else page.meta,
                              page.text, truth if url == record_url else None, report.published_at)
        for url in expected_decoy_urls(site_id):
            data, kind = served(spec, url)
            yield Offered(f"{site_id} {url}", data, kind)


def points_at(unit: str, *texts: str) -> bool:
    """True if ``unit`` occurs in one of ``texts`` after normalisation (label_key: NFKC, no whitespace)."""
    return any(label_key(unit) in label_key(t) for t in texts)
