"""The bare baseline: a Scrapy spider that fetches every same-host link of its start pages and writes nothing.

    scrapy runspider bench/bare_spider.py -a hosts=www.a.gov.cn,www.b.gov.cn -s LOG_LEVEL=WARNING

The proxy comes from $http_proxy (Scrapy's HttpProxyMiddleware), as for the other contenders.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {"ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                       "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7"}

    def __init__(self, hosts: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hosts = [h for h in hosts.split(",") if h]
        self.links = LinkExtractor(allow_domains=self.hosts, deny_extensions=[],
                                   tags=("a", "area", "img", "link", "script"), attrs=("href", "src"))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for host in self.hosts:
            yield scrapy.Request(f"http://{host}/")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):  # a PDF, an image: nothing to follow
            return
        host = urlsplit(response.url).hostname
        for link in self.links.extract_links(response):
            if urlsplit(link.url).hostname == host:
                yield scrapy.Request(link.url)
