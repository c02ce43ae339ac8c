"""What a page offered, as the warc-fields of its `metadata` record: outlinks, attachments, discovery rule.

Fields, in this order (values never hold CR or LF; a URL never holds a space, so the text after the
first space of an ``outlink`` or ``attachment`` value is the link's anchor text, whitespace-collapsed):

    via: <URL of the page that linked here>               (when known)
    discovery-rule: <the spider's rule name>              (when the spider names it)
    callback: <the spider callback that parses the page>  (its page type, when known)
    outlink: <absolute URL> <anchor text>                 (every <a href>, in page order, once per URL+text)
    attachment: <absolute URL> <anchor text>              (the outlinks that are documents)
    embed: <absolute URL> <alt text>                      (every <img src>, in page order: what the page showed,
                                                           whether or not the crawl fetched it)

A page fetched again with a payload identical to an earlier capture of the same URL (an
identical-payload `revisit`) has the same links, so its record lists no outlinks, attachments and embeds but

    links-as-in: <WARC-Record-ID of the earlier response>  (whose own metadata record lists them)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from archive.capture import CapturedExchange
from archive.charset import page_text
from archive.content_encoding import decode_content
from archive.html_links import AS_WRITTEN, HtmlLink, has_attachment_extension, html_links, html_tree
from kernel.errors import ArchiveError

__all__ = ["PageLinks", "decode_content", "exchange_metadata", "is_html", "metadata_fields", "page_links"]

logger = logging.getLogger(__name__)


def is_html(content_type: str | None) -> bool:
    """True for the media types whose links a metadata record lists."""
    return bool(content_type) and any(t in str(content_type).lower() for t in ("text/html", "xhtml"))


@dataclass(frozen=True)
class PageLinks:
    """What an HTML page refers to: its ``<a href>`` links, and the images it shows (``<img src>``, with alt)."""

    anchors: list[HtmlLink]
    embeds: list[HtmlLink]


def page_links(url: str, body: bytes, content_type: str | None) -> PageLinks:
    """Every ``<a href>`` and ``<img src>`` of an HTML page (body without content-encoding), resolved against
    ``url`` (or its ``<base href>``), each once per URL and text, in page order (archive.html_links.AS_WRITTEN)."""
    # Read as the crawler reads it (archive/charset.py), so the spider's callbacks find this page's tree made
    # (html_tree); a JSON body served as HTML is still read as HTML.
    selector = html_tree(page_text(content_type, body))
    return PageLinks(html_links(selector, url, AS_WRITTEN), html_links(selector, url, AS_WRITTEN, images=True))


def exchange_metadata(captured: CapturedExchange, *, links_as_in: str | None = None) -> dict[str, list[str]] | None:
    """The warc-fields of an exchange's metadata record: None unless it is an HTML 200 page whose
    content-encoding can be removed (a body that cannot be decoded is logged and gets no record)."""
    content_type = captured.response_header("Content-Type")
    if captured.http.status != 200 or not is_html(content_type):
        return None
    try:
        body = decode_content(captured.http.response_body, captured.response_header("Content-Encoding"))
    except ArchiveError as exc:
        logger.warning("event=metadata_skipped url=%s reason=%s", captured.http.url, exc)
        return None
    links = PageLinks([], []) if links_as_in else page_links(captured.http.url, body, content_type)
    return metadata_fields(links, is_attachment=has_attachment_extension, rule=captured.rule, via=captured.via,
                           callback=captured.callback, links_as_in=links_as_in)


def metadata_fields(
    links: PageLinks,
    *,
    is_attachment: Callable[[str], bool],
    rule: str | None = None,
    via: str | None = None,
    callback: str | None = None,
    links_as_in: str | None = None,
) -> dict[str, list[str]]:
    """The warc-fields of a page's metadata record (see the module docstring).

    ``links_as_in`` is the record id of an earlier response with the same URL and payload: its links
    are not listed again.
    """
    fields: dict[str, list[str]] = {}
    if via:
        fields["via"] = [via]
    if rule:
        fields["discovery-rule"] = [rule]
    if callback:
        fields["callback"] = [callback]
    if links_as_in:
        fields["links-as-in"] = [links_as_in]
        return fields
    fields["outlink"] = [_value(link) for link in links.anchors]
    fields["attachment"] = [_value(link) for link in links.anchors if is_attachment(link.url)]
    fields["embed"] = [_value(link) for link in links.embeds]
    return {name: values for name, values in fields.items() if values}


def _value(link: HtmlLink) -> str:
    return f"{link.url} {link.text}".rstrip()

