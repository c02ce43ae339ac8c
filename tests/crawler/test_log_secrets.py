"""Secrets in URLs are shown redacted (kernel.config.redact_url: the CLI's crawl summary, `nianbao serve`, Redis
errors). That a whole crawl's log and screen hold no secret is tested on the fault crawl
(tests/crawler/test_faults.py::test_no_secret_in_the_crawl_log_or_on_the_screen)."""

from __future__ import annotations

from kernel.config import redact_url


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgresql+psycopg://u:pw@db:5432/x?sslmode=require") == \
        "postgresql+psycopg://u:***@db:5432/x?sslmode=require"
    assert redact_url("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert redact_url("postgresql://u@db/x") == "postgresql://u@db/x"
    assert redact_url("sqlite:////data/nianbao.db") == "sqlite:////data/nianbao.db"
