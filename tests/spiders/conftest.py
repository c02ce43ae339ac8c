"""Fixtures of the spider tests: the one crawl of generated sites (tests/spiders/generated_crawl.py)."""

from __future__ import annotations

import pytest

from tests.spiders.generated_crawl import GeneratedCrawl, crawl_generated


@pytest.fixture(scope="session")
def generated_crawl(tmp_path_factory: pytest.TempPathFactory) -> GeneratedCrawl:
    """`nianbao crawl --all` over the generated module and sub-column sites, once per session."""
    return crawl_generated(tmp_path_factory.mktemp("generated-crawl"))
