"""Link extraction from one fetched page (HTML, jpage XML or JSON): anchors, anchors drawn by scripts,
attachments in all their disguises, and redirect shells. Pure functions of (url, text); a page's <a href> links
are read by the archive's one HTML link extractor (archive/html_links.py, rules TO_FOLLOW)."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from archive.html_links import TO_FOLLOW, absolute_url, clean_text, html_links, html_tree, one_per_url
from spiders import discovery as rules


@dataclass(frozen=True)
class Link:
    """A link found on a page: absolute URL, its anchor text, and the rule that found it."""

    url: str
    text: str
    rule: str


_ANCHOR_IN_TEXT = re.compile(r"<a\b[^>]*?href\s*=\s*\\?[\"']([^\"'\\]+)\\?[\"'][^>]*>(.*?)</a>", re.I | re.S)
_WORD_SPLIT = re.compile(r"[\s_-]+")
# Text node queries made of every page, compiled once and run on the lxml tree (parsel would wrap each of a page's
# hundreds of text nodes in a Selector).
_BODY_TEXT_BUT_SCRIPTS = etree.XPath("//body//text()[not(ancestor::script)]", smart_strings=False)
_VISIBLE_TEXT = etree.XPath("//body//text()[not(ancestor::script)][not(ancestor::style)]", smart_strings=False)


def anchors(url: str, text: str) -> list[Link]:
    """Every link on the page: <a href> (archive.html_links.TO_FOLLOW), plus <a> markup inside scripts, CDATA
    and JSON strings."""
    if _looks_like_json(text):
        return _json_anchors(url, text)
    sel = html_tree(text)
    found = [Link(link.url, link.text, "appendix" if link.appendix else "anchor")
             for link in html_links(sel, url, TO_FOLLOW)]
    for script in sel.css("script::text").getall():
        found.extend(_anchors_in_markup(url, script, "script-html"))
    if "<![CDATA[" in text:
        found.extend(_anchors_in_markup(url, text, "cdata-html"))
    return one_per_url(found)


def _anchors_in_markup(base: str, markup: str, rule: str) -> Iterator[Link]:
    for href, label in _ANCHOR_IN_TEXT.findall(markup):
        target = absolute_url(base, htmllib.unescape(href))
        if target:
            yield Link(target, clean_text(label), rule)


def _looks_like_json(text: str) -> bool:
    head = text.lstrip()[:1]
    return head in ("{", "[")


def _json_anchors(base: str, text: str) -> list[Link]:
    """Links in a JSON list (Kaipu jpaas and the like): HTML fragments, or objects with a url and a title."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found: list[Link] = []
    for node in _walk(data):
        if isinstance(node, str) and "<a" in node:
            found.extend(_anchors_in_markup(base, node, "json-html"))
        elif isinstance(node, dict):
            href = next((node[k] for k in ("url", "link", "href", "linkUrl", "docUrl") if isinstance(node.get(k), str)),
                        None)
            title = next((node[k] for k in ("title", "name", "docTitle") if isinstance(node.get(k), str)), "")
            target = absolute_url(base, href) if href else None
            if target:
                found.append(Link(target, clean_text(title), "json-record"))
    return one_per_url(found)


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    if rules.ATTACHMENT_EXT.search(parts.path):
        return True
    if rules.DOWNLOAD_ENDPOINT.search(parts.path):
        m = rules.DOWNLOAD_NAME_PARAM.search(parts.query)
        return m is None or bool(rules.ATTACHMENT_EXT.search(unquote(m.group(3))))
    return False


def attachments(url: str, text: str) -> list[Link]:
    """Files a page offers: plain and appendix="true" links anywhere on the page, download endpoints
    (downfile.jsp?filename=…), and file URLs held in JS variables."""
    found = [link for link in anchors(url, text) if is_attachment_url(link.url)]
    found = [Link(link.url, link.text, "download-endpoint") if not rules.ATTACHMENT_EXT.search(
        urlsplit(link.url).path) else link for link in found]
    known = {link.url for link in found}
    for script in html_tree(text).css("script::text").getall():
        for match in rules.JS_FILE_STRING.finditer(script):
            target = absolute_url(url, match.group(1))
            if target and target not in known:
                known.add(target)
                found.append(Link(target, "", "js-variable"))
    return found


def content_images(url: str, text: str) -> list[Link]:
    """The raster images a page shows as content (<img src>, and lazy data-src / original), as page requisites
    to archive with it: the rule is "img-src" or "img-lazy", the text the image's alt; a thumbnail that links
    to its full-size image brings that too ("img-link"). Site chrome is left out by the CHROME_* rules
    (containers, template folders, file names); hosts are the caller's to check."""
    found: list[Link] = []
    for img in html_tree(text).xpath("//img"):
        if _in_chrome(img.root):
            continue
        alt = clean_text(img.attrib.get("alt", ""))
        sources = [(img.attrib.get(attr, ""), "img-src" if attr == "src" else "img-lazy") for attr in rules.IMAGE_ATTRS]
        sources.append((img.xpath("ancestor::a[1]/@href").get() or "", "img-link"))
        for href, rule in sources:
            target = absolute_url(url, href)
            if target and is_content_image_url(target):
                found.append(Link(target, alt, rule))
    return one_per_url(found)


def is_content_image_url(url: str) -> bool:
    """A raster image URL outside the chrome folders and not named like chrome (logo, ewm, icon …)."""
    path = unquote(urlsplit(url).path)
    name = path.rsplit("/", 1)[-1]
    return bool(rules.IMAGE_EXT.search(path)) and not rules.CHROME_IMAGE_PATH.search(path) and \
        not rules.CHROME_IMAGE_NAME.match(name)


def _in_chrome(element: Any) -> bool:
    """The element (an <img>) or one of its ancestors is a chrome tag or has a chrome word in its class or id."""
    for node in (element, *element.iterancestors()):
        if str(node.tag).lower() in rules.CHROME_TAGS:
            return True
        words = _WORD_SPLIT.split(f"{node.get('class', '')} {node.get('id', '')}")
        if any(rules.CHROME_CONTAINER.match(word) for word in words if word):
            return True
    return False


def redirect_target(url: str, text: str) -> str | None:
    """Where a meta-refresh or JavaScript redirect shell sends the reader; None for a real page."""
    if len(text) > 20_000:
        return None
    sel = html_tree(text)
    visible = "".join(_BODY_TEXT_BUT_SCRIPTS(sel.root))
    if len(visible.strip()) > rules.SHELL_MAX_TEXT:
        return None
    m = rules.META_REFRESH.search(text)
    if m:
        return absolute_url(url, htmllib.unescape(m.group(1)))
    for script in sel.css("script::text").getall():
        m = rules.JS_REDIRECT.search(script)
        if m:
            return absolute_url(url, m.group(1) or m.group(2))
    return None


def page_title(text: str) -> str:
    """The article's own title: TRS/Hanweb meta tags, then the <title> element."""
    sel = html_tree(text)
    for css in ('meta[name="ArticleTitle"]::attr(content)', 'meta[name="articletitle"]::attr(content)',
                'meta[property="og:title"]::attr(content)', "title::text"):
        value = sel.css(css).get()
        if value and value.strip():
            return " ".join(value.split())
    return ""


def body_text(text: str, limit: int = 4000) -> str:
    """The page's visible text (scripts and styles left out), cut at `limit` characters."""
    return " ".join(" ".join(_VISIBLE_TEXT(html_tree(text).root)).split())[:limit]
