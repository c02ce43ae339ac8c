"""Operator actions in Chromium: login, CSRF and origin checks, crawl-target refusal, on-demand crawl, add a site."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sampleweb.server import SampleWebServer
from spiders.registry import REGISTRY_FILE, load_registry
from tests.web.conftest import config_for, serve_app
from web.app import UiOptions

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def operator_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The UI's NIANBAO_HOME: the registry in use is the shipped one with <home>/sites.toml on top."""
    return tmp_path_factory.mktemp("operator-home")


@pytest.fixture(scope="module")
def ui_url(sampleweb: SampleWebServer, operator_home: Path) -> Iterator[str]:
    """An empty archive whose on-demand crawls go through the sample web."""
    config = config_for(operator_home, ui_password=PASSWORD, ui_secret="test-secret", proxy=sampleweb.proxy_url)
    with serve_app(config, UiOptions()) as url:
        yield url


def log_in(page: Any, ui_url: str, password: str = PASSWORD) -> None:
    page.goto(ui_url + "/operator")
    page.wait_for_url("**/login?next=/operator")
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")


def test_operator_pages_need_login(page: Any, ui_url: str) -> None:
    page.goto(ui_url + "/operator")
    assert "/login" in page.url
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    refused = page.request.post(ui_url + "/operator/crawl", form={"target": "pingluo", "csrf": csrf or ""},
                                max_redirects=0)
    assert refused.status == 403
    log_in(page, ui_url, "wrong")
    assert page.locator("p.error").inner_text() == "Wrong password."
    assert page.locator("a[href='/operator']").count() == 0


def test_csrf_token_and_origin_are_checked(page: Any, ui_url: str) -> None:
    log_in(page, ui_url)
    page.wait_for_url("**/operator")
    csrf = page.locator("form[action='/operator/crawl'] input[name=csrf]").get_attribute("value") or ""
    no_token = page.request.post(ui_url + "/operator/crawl", form={"target": "pingluo"}, max_redirects=0)
    assert no_token.status == 403 and "CSRF" in no_token.text()
    wrong = page.request.post(ui_url + "/operator/crawl", form={"target": "pingluo", "csrf": csrf + "x"},
                              max_redirects=0)
    assert wrong.status == 403
    cross = page.request.post(ui_url + "/operator/crawl", form={"target": "pingluo", "csrf": csrf},
                              headers={"Origin": "http://attacker.example"}, max_redirects=0)
    assert cross.status == 403 and "cross-origin" in cross.text()
    page.reload()
    assert page.locator("table.jobs tbody").inner_text().strip() == "none yet"


def test_crawl_of_non_public_address_is_refused(page: Any, ui_url: str) -> None:
    log_in(page, ui_url)
    page.wait_for_url("**/operator")
    for target, why in [("http://127.0.0.1:9/", "not a public address"), ("http://169.254.169.254/latest/", "not a "
                        "public address"), ("http://10.1.2.3/", "not a public address"), ("file:///etc/passwd",
                        "not a registry site nor an http(s) URL")]:
        page.fill("form[action='/operator/crawl'] input[name=target]", target)
        page.click("form[action='/operator/crawl'] button")
        assert why in page.locator("p.error").inner_text(), target
    assert page.locator("table.jobs tbody").inner_text().strip() == "none yet"


def test_operator_crawls_a_registry_site_and_adds_a_site(page: Any, ui_url: str, operator_home: Path,
                                                         tmp_path: Path) -> None:
    shipped = REGISTRY_FILE.read_bytes()
    log_in(page, ui_url)
    page.wait_for_url("**/operator")
    page.fill("form[action='/operator/crawl'] input[name=target]", "pingluo")
    page.click("form[action='/operator/crawl'] button")
    assert "crawl 1 started" in page.locator("p.message").inner_text()
    deadline = time.monotonic() + 120
    while (status := page.locator("td.job-status").first.inner_text()) == "running":
        assert time.monotonic() < deadline, "the on-demand crawl did not finish in 120 s"
        time.sleep(1)
        page.reload()
    assert status == "finished", page.locator("pre.log").first.inner_text()
    page.screenshot(path=str(tmp_path / "operator-crawl.png"), full_page=True)
    page.goto(ui_url + "/")
    assert page.locator("#site-pingluo td.found").count() == 15

    page.goto(ui_url + "/operator")
    page.fill("input[name=home_url]", "http://www.xinxian.gov.cn/")
    page.fill("input[name=name]", "新县")
    page.fill("input[name=region_code]", "411523")
    page.click("form[action='/operator/sites'] button")
    assert "site xinxian added" in page.locator("p.message").inner_text()
    # Added to the operator's NIANBAO_HOME/sites.toml, read on top of the shipped registry, which stays untouched.
    assert load_registry(operator_home / "sites.toml")["xinxian"].name == "新县"
    assert load_registry(config=config_for(operator_home))["xinxian"].region_code == "411523"
    assert REGISTRY_FILE.read_bytes() == shipped
    page.fill("input[name=home_url]", "http://www.xinxian.gov.cn/")
    page.click("form[action='/operator/sites'] button")
    assert "already" in page.locator("p.error").inner_text()
    page.goto(ui_url + "/")
    assert "新县" in page.locator("ul.sites").inner_text()
