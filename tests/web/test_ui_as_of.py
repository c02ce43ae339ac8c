"""The "as of" picker on the coverage and report pages, in headless Chromium: two same-day crawls told apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.storage.storage_helpers import T0, Doc, FakeSite, report_record
from tests.web.conftest import config_for, serve_app

UNIT = "平罗县人民政府办公室"


def _offer(granted: int, pdf_sha: str) -> list[Doc]:
    return [Doc("t1.html", "p" * 64, report_record(UNIT, 2020, None, published_at="2021-01-20")),
            Doc("P1.pdf", pdf_sha, report_record(UNIT, 2020, granted), kind="attachment", page="t1.html")]


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The UI over a catalogue whose one report changed between crawls at 08:00 and 14:00 UTC on 2021-03-01."""
    config = config_for(tmp_path)
    site = FakeSite(config.database_url)
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + timedelta(hours=6), _offer(6, "2" * 64))
    with serve_app(config) as url:
        yield url


def _pick(page: Any, moment: str) -> None:
    page.fill("form.as-of input[name=as_of]", moment)
    page.click("form.as-of button[type=submit]")
    page.wait_for_load_state()


def test_the_coverage_picker_passes_the_moment_to_the_report(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator(".as-of-banner").count() == 0
    _pick(page, "2021-03-01T12:00:00")
    assert "as_of=2021-03-01T12%3A00" in page.url  # Chromium leaves out ":00" seconds
    assert "2021-03-01 12:00:00 UTC" in page.inner_text(".as-of-banner")
    assert page.input_value("form.as-of input[name=as_of]").startswith("2021-03-01T12:00")
    page.click("table.matrix td.found a")
    page.wait_for_load_state()
    assert "as_of=2021-03-01T12%3A00" in page.url
    assert page.inner_text(".version-line").startswith("version 1 of 2")
    assert "2021-03-01 12:00:00 UTC" in page.inner_text(".as-of-banner")

    _pick(page, "2021-03-01T14:00:01")
    assert page.inner_text(".version-line").startswith("version 2 of 2")
    page.click("form.as-of a:text('now')")
    page.wait_for_load_state()
    assert page.inner_text(".version-line").startswith("version 2 of 2")
    assert page.locator(".as-of-banner").count() == 0

    page.goto(base_url + "/?as_of=2021-03-01T07:59:59Z")
    assert "holds no reports yet" in page.inner_text("main")


def test_a_crawl_id_and_a_wayback_timestamp_in_the_url(page: Any, base_url: str) -> None:
    page.goto(base_url + "/reports/1?as_of=crawl:1")
    assert page.inner_text(".version-line").startswith("version 1 of 2")
    assert "(the end of crawl 1)" in page.inner_text(".as-of-banner")
    page.goto(base_url + "/reports/1?as_of=20210301150000")
    assert page.inner_text(".version-line").startswith("version 2 of 2")
    response = page.goto(base_url + "/reports/1?as_of=noon")
    assert response.status == 400 and "YYYY-MM-DD" in page.inner_text("main")
