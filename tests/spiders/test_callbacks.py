"""The check Scrapy makes of every callback it calls, made once here for all of ours: the crawl switches it off
(WARN_ON_GENERATOR_RETURN_VALUE, crawler/settings.py) because it re-reads a callback's source per call once more
callables are bound than its cache holds."""

from __future__ import annotations

import inspect

from scrapy.utils.misc import is_generator_with_return_value

from crawler.site_spider import SiteSpider
from spiders.annual_reports import AnnualReports


def test_no_spider_callback_is_a_generator_that_returns_a_value() -> None:
    callables = [member for cls in (AnnualReports, SiteSpider) for _, member in inspect.getmembers(cls)
                 if inspect.isfunction(member)
                 and (member.__name__.startswith(("parse", "_")) or "err" in member.__name__)]
    generators = [c for c in callables if inspect.isgeneratorfunction(c)]
    assert len(generators) >= 8, [c.__name__ for c in generators]  # the callbacks are there to check
    assert [c.__qualname__ for c in generators if is_generator_with_return_value(c)] == []


def test_the_check_finds_a_generator_that_returns_a_value() -> None:
    def returns_a_value():  # type: ignore[no-untyped-def]
        yield 1
        return 2

    assert is_generator_with_return_value(returns_a_value)
