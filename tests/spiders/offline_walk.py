"""Walk a sample-web site through the spider's callbacks without a network or a reactor: each request is answered
from the site's planned resources and endpoints (sampleweb.resources), in the order the spider asks, once per URL
(as Scrapy's duplicate filter would, unless the request says dont_filter). Fast enough to run on many generated
sites; a real crawl of a few of them checks the rest (archive, parse, storage)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler
from w3lib.url import canonicalize_url

from crawler.items import DocumentItem
from sampleweb.resources import build_site, site_endpoints
from sampleweb.site import SiteSpec
from spiders.annual_reports import AnnualReports


@dataclass
class Walk:
    """What a walk found: report and variant items by URL, attachments, every URL asked (with its rule)."""

    items: dict[str, DocumentItem] = field(default_factory=dict)
    attachments: dict[str, DocumentItem] = field(default_factory=dict)
    asked: Counter[str] = field(default_factory=Counter)
    rules: dict[str, str] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)


def _answer(spec: SiteSpec, cache: Path, request: Request) -> Response | None:
    parts = urlsplit(request.url)
    endpoint = site_endpoints(spec, cache).get(parts.path)
    if endpoint is not None:
        reply = endpoint.respond(dict(parse_qsl(parts.query)))
        if reply is None:
            return None
        body, ctype = reply.body, reply.content_type
    else:
        path = parts.path + "index.html" if parts.path.endswith("/") else parts.path
        resource = build_site(spec, cache).get(path)
        if resource is None or resource.status != 200:
            return None
        body, ctype = resource.body, resource.content_type
    headers = Headers({"Content-Type": ctype})
    cls = HtmlResponse if "html" in ctype else responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(request.url, body=body, headers=headers, request=request)


def walk(spec: SiteSpec, cache: Path, limit: int = 2000) -> Walk:
    """Every request the spider makes from the site's home page, answered offline."""
    crawler = get_crawler(AnnualReports, {"NIANBAO_BROWSER": True})  # renders are asked for (and counted), not run
    spider = AnnualReports.from_crawler(crawler, site=spec.home_url)
    assert isinstance(spider, AnnualReports)
    out, seen = Walk(), set[str]()
    queue: list[Request] = [Request(spec.home_url, callback=spider.parse_home)]
    while queue and len(seen) < limit:
        request = queue.pop(0)
        key = canonicalize_url(request.url)
        out.asked[key] += 1
        if request.meta.get("playwright"):
            out.rendered.append(request.url)
            continue
        if key in seen and not request.dont_filter:
            continue
        seen.add(key)
        out.rules.setdefault(request.url, str(request.meta.get("nianbao_rule", "")))
        response = _answer(spec, cache, request)
        if response is None:
            continue
        assert request.callback is not None
        for result in request.callback(response, **request.cb_kwargs) or ():
            if isinstance(result, DocumentItem):
                (out.attachments if result.kind == "attachment" else out.items)[result.url] = result
            elif isinstance(result, Request):
                queue.append(result)
    return out
