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

import gzip
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector
from w3lib.encoding import html_to_unicode
from w3lib.url import safe_url_string

from kernel.errors import ArchiveError

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """One ``<a href>`` of a page: absolute URL and whitespace-collapsed anchor text (or its title)."""

    url: str
    text: str


def is_html(content_type: str | None) -> bool:
    """True for the media types whose links a metadata record lists."""
    return bool(content_type) and any(t in str(content_type).lower() for t in ("text/html", "xhtml"))


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """The body with its Content-Encoding (gzip, deflate, br, identity) removed."""
    coding = (content_encoding or "").strip().lower()
    try:
        if coding in ("", "identity"):
            return body
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
        if coding == "br":
            import brotli

            return bytes(brotli.decompress(body))
    except (OSError, EOFError, zlib.error, ImportError) as exc:
        raise ArchiveError(f"cannot remove content-encoding={coding}: {exc}") from exc
    raise ArchiveError(f"unknown content-encoding={coding}")


@dataclass(frozen=True)
class PageLinks:
    """What an HTML page refers to: its ``<a href>`` links, and the images it shows (``<img src>``, with alt)."""

    anchors: list[Link]
    embeds: list[Link]


def page_links(url: str, body: bytes, content_type: str | None) -> PageLinks:
    """Every ``<a href>`` and ``<img src>`` of an HTML page (body without content-encoding), resolved against
    ``url`` (or its ``<base href>``), each once per URL and text, in page order."""
    _, text = html_to_unicode(content_type, body)
    selector = Selector(text=text, base_url=url)
    base = urljoin(url, (selector.css("base::attr(href)").get() or "").strip())
    anchors = [(a.attrib.get("href"), " ".join(a.css("::text").getall()).strip() or a.attrib.get("title", ""))
               for a in selector.css("a[href]")]
    images = [(img.attrib.get("src"), img.attrib.get("alt", "")) for img in selector.css("img[src]")]
    return PageLinks(_resolved(base, anchors), _resolved(base, images))


def _resolved(base: str, refs: list[tuple[str | None, str]]) -> list[Link]:
    links, seen = [], set()
    for href, label in refs:
        href = (href or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        link = Link(safe_url_string(urljoin(base, href)), _SPACE.sub(" ", label).strip())
        if link not in seen:
            seen.add(link)
            links.append(link)
    return links


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


def _value(link: Link) -> str:
    return f"{link.url} {link.text}".rstrip()

