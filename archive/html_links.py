"""The one HTML link extractor: a page's ``<a href>`` (or ``<img src>``) links, resolved to absolute URLs.

The archive lists them in a page's `metadata` record (archive/page_metadata.py) and the spiders follow them
(spiders/links.py); what differs between the two is a `LinkRules` value, not a second extractor:

* ``AS_WRITTEN`` (metadata records): every link as the page wrote it — resolved against its ``<base href>``,
  any scheme, ``#fragment`` kept, made safe with ``safe_url_string``; one link per URL and text; the text
  whitespace-collapsed (the title, or an image's alt, when the element has none).
* ``TO_FOLLOW`` (spiders): the links a crawler can fetch — resolved against the page URL, http(s) only,
  ``#fragment`` dropped; one link per URL (the first that has a text); the text cleaned of markup and
  entities left in it (`clean_text`), else the title as written.

Both leave out ``javascript:``, ``mailto:``, ``tel:``, ``data:`` and bare ``#`` links. The attachment
file-extension rule (`ATTACHMENT_EXT`) lives here too, so that the archive and the spiders apply one rule.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from w3lib.url import safe_url_string

# A URL path ending like a document or an archive of them: an attachment.
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z)$", re.I)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class HtmlLink:
    """One link of a page: absolute URL, its text, and whether the element is marked ``appendix="true"``
    (how TRS article pages mark their attachments)."""

    url: str
    text: str
    appendix: bool = False


@dataclass(frozen=True)
class LinkRules:
    """How links are read off a page (see the module docstring for the two in use).

    ``label`` turns (the element's text nodes joined by a space, its title or alt attribute) into the text.
    """

    base_href: bool
    web_only: bool
    one_per_url: bool
    label: Callable[[str, str], str]


def clean_text(text: str) -> str:
    """Text with tags removed, entities unescaped and whitespace collapsed."""
    return " ".join(htmllib.unescape(_TAG.sub(" ", text)).split())


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, without its fragment; None unless it is an http(s) URL."""
    href = href.strip()
    if not href or href.lower().startswith(SKIP_SCHEMES):
        return None
    url = _joined(base, href)
    return url.split("#", 1)[0] if url and url.startswith(("http://", "https://")) else None


def _joined(base: str, href: str) -> str | None:
    """urljoin, or None for an href it refuses (``http://[::1`` raises "Invalid IPv6 URL")."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def has_attachment_extension(url: str) -> bool:
    """True when the URL's path ends in an attachment's file extension (ATTACHMENT_EXT)."""
    return bool(ATTACHMENT_EXT.search(urlsplit(url).path))


def _collapsed(text: str, fallback: str) -> str:
    return " ".join(text.split()) or " ".join(fallback.split())


def _cleaned(text: str, fallback: str) -> str:
    return clean_text(text) or fallback.strip()


AS_WRITTEN = LinkRules(base_href=True, web_only=False, one_per_url=False, label=_collapsed)
TO_FOLLOW = LinkRules(base_href=False, web_only=True, one_per_url=True, label=_cleaned)


@lru_cache(maxsize=16)
def html_tree(text: str) -> Selector:
    """The parsed tree of an HTML page's text. A page is read several times — its metadata record's links, then the
    spider's title, body text, attachments, images and redirect test — and parsed once: the last few pages' trees
    are kept (by their text; the crawler and the archive read a page's bytes by one charset rule,
    archive/charset.py). Treat it as read-only."""
    return Selector(text=text, type="html")


def html_links(page: Selector, url: str, rules: LinkRules, *, images: bool = False) -> list[HtmlLink]:
    """The ``<a href>`` links (``images``: the ``<img src>``, text from ``alt``) of an HTML page, in page order."""
    tag, attr, fallback = ("img", "src", "alt") if images else ("a", "href", "title")
    base = url
    if rules.base_href:
        base = _joined(url, (page.css("base::attr(href)").get() or "").strip()) or url
    links = []
    # The lxml tree itself, not a Selector per element: the same elements and text nodes as the CSS query
    # `a[href]` and `::text` (descendant text, comments left out), at a fraction of the cost.
    for element in page.root.iter(tag):
        value = element.get(attr)
        target = _resolved(base, value, rules.web_only) if value is not None else None
        if target:
            text = rules.label(" ".join(element.itertext()), element.get(fallback) or "")
            links.append(HtmlLink(target, text, element.get("appendix") == "true"))
    return one_per_url(links) if rules.one_per_url else _one_per_url_and_text(links)


def _resolved(base: str, href: str, web_only: bool) -> str | None:
    if web_only:
        return absolute_url(base, href)
    href = href.strip()
    if not href or href.lower().startswith(SKIP_SCHEMES):
        return None
    url = _joined(base, href)
    return _safe(url) if url else None


@lru_cache(maxsize=4096)
def _safe(url: str) -> str | None:
    """The URL made safe (w3lib), remembered: a site's navigation links recur on every one of its pages."""
    try:
        return safe_url_string(url)
    except ValueError:  # w3lib refuses some URLs (a port over 65535): not a link anyone can follow or replay
        return None


class _Link(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def text(self) -> str: ...


L = TypeVar("L", bound=_Link)


def one_per_url(links: Iterable[L]) -> list[L]:
    """One link per URL, in the order the URLs first appear: the first of its links that has a text, else the first."""
    seen: dict[str, L] = {}
    for link in links:
        if link.url not in seen or (not seen[link.url].text and link.text):
            seen[link.url] = link
    return list(seen.values())


def _one_per_url_and_text(links: list[HtmlLink]) -> list[HtmlLink]:
    seen: dict[tuple[str, str], HtmlLink] = {}
    for link in links:
        seen.setdefault((link.url, link.text), link)
    return list(seen.values())
