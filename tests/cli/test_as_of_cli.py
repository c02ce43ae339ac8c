"""`nianbao reports|coverage --as-of`: a time between two same-day crawls, a Wayback timestamp, a crawl id, errors."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import run_nianbao
from tests.storage.storage_helpers import T0, Doc, FakeSite, report_record

UNIT = "平罗县人民政府办公室"


def _offer(granted: int, pdf_sha: str) -> list[Doc]:
    return [Doc("t1.html", "p" * 64, report_record(UNIT, 2020, None, published_at="2021-01-20")),
            Doc("P1.pdf", pdf_sha, report_record(UNIT, 2020, granted), kind="attachment", page="t1.html")]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A catalogue with one site crawled at 08:00 and 14:00 UTC on 2021-03-01; the report changed in between."""
    site = FakeSite(f"sqlite:///{tmp_path / 'nianbao.db'}")
    site.crawl(T0, _offer(5, "1" * 64))
    site.crawl(T0 + timedelta(hours=6), _offer(6, "2" * 64))
    return tmp_path


def _versions(home: Path, *args: str) -> list[int]:
    out = run_nianbao(["reports", "--format", "json", *args], {"NIANBAO_HOME": str(home)}, timeout=120)
    assert out.returncode == 0, out.stderr
    return [json.loads(line)["version"] for line in out.stdout.splitlines()]


def test_reports_as_of_a_time_a_timestamp_and_a_crawl(home: Path) -> None:
    assert _versions(home, "--as-of", "2021-03-01T19:00:00+08:00") == [1]
    assert _versions(home, "--as-of", "2021-03-01T14:00:01Z") == [2]
    assert _versions(home, "--as-of", "20210301120000") == [1]
    assert _versions(home, "--as-of", "crawl:1") == [1]
    assert _versions(home, "--as-of", "2") == [2]
    assert _versions(home, "--as-of", "2021-03-01") == [2]
    assert _versions(home) == [2]


def test_coverage_as_of(home: Path) -> None:
    def rows(value: str) -> list[dict[str, object]]:
        out = run_nianbao(["coverage", "--format", "json", "--as-of", value], {"NIANBAO_HOME": str(home)})
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    assert rows("2021-03-01T07:00:00Z") == []
    assert [r["state"] for r in rows("crawl:1")] == ["found"]


@pytest.mark.parametrize("value", ["2021-03-01T12:00", "tomorrow", "crawl:99"])
def test_a_malformed_or_unknown_as_of_exits_2_naming_the_forms(home: Path, value: str) -> None:
    for command in ("reports", "coverage"):
        out = run_nianbao([command, "--as-of", value], {"NIANBAO_HOME": str(home)})
        assert out.returncode == 2 and out.stdout == ""
        assert "YYYY-MM-DD" in out.stderr and "20260105100000" in out.stderr and "crawl:123" in out.stderr
