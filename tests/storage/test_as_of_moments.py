"""`--as-of` moments on SQLite and PostgreSQL: two crawls of one site on one day are told apart by time and by crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.asof import AsOfError, resolve_as_of
from storage.coverage import coverage
from storage.crawls import start_crawl
from storage.queries import latest_reports
from tests.storage.storage_helpers import T0, Doc, FakeSite, report_record

UNIT = "平罗县人民政府办公室"
MORNING, AFTERNOON = T0, T0 + timedelta(hours=6)  # 2021-03-01 08:00:00.123456 and 14:00:00.123456 UTC


def _offer(granted: int, pdf_sha: str) -> list[Doc]:
    return [Doc("t1.html", "p" * 64, report_record(UNIT, 2020, None, published_at="2021-01-20")),
            Doc("P1.pdf", pdf_sha, report_record(UNIT, 2020, granted), kind="attachment", page="t1.html")]


def _granted(site: FakeSite, value: str) -> list[int]:
    objs = latest_reports(site.sessions, as_of=resolve_as_of(site.sessions, value))
    return [o["table3"]["results"]["granted"]["total"]["value"] for o in objs]


@pytest.fixture
def two_crawls(database_url: str) -> tuple[FakeSite, int, int]:
    """One site crawled twice on 2021-03-01; the report's numbers changed in between (5 → 6)."""
    site = FakeSite(database_url)
    return site, site.crawl(MORNING, _offer(5, "1" * 64)), site.crawl(AFTERNOON, _offer(6, "2" * 64))


@pytest.mark.parametrize(("value", "granted"), [
    ("2021-03-01T12:00:00Z", [5]), ("2021-03-01T20:00:00+08:00", [5]), ("20210301120000", [5]),
    ("2021-03-01T14:00:01Z", [6]), ("2021-03-01T22:30:00+08:00", [6]), ("20210301143000", [6]),
    ("2021-03-01T07:59:59Z", []), ("20210301075959", []),
    ("2021-03-01", [6]), ("2021-02-28", []),  # a date: the end of that day, UTC, as before
])
def test_a_time_between_two_same_day_crawls_returns_the_earlier_version(
        two_crawls: tuple[FakeSite, int, int], value: str, granted: list[int]) -> None:
    site, _, _ = two_crawls
    assert _granted(site, value) == granted


def test_the_second_named_includes_what_happened_during_it(two_crawls: tuple[FakeSite, int, int]) -> None:
    """Captures are stored to the microsecond; "14:00:00" means up to the end of that second."""
    site, _, _ = two_crawls
    assert _granted(site, "2021-03-01T14:00:00Z") == [6]
    assert _granted(site, "20210301140000") == [6]
    assert _granted(site, "2021-03-01T14:00:00.123456Z") == [6]
    assert _granted(site, "2021-03-01T14:00:00.123455Z") == [5]


def test_a_crawl_id_means_the_end_of_that_crawl(two_crawls: tuple[FakeSite, int, int]) -> None:
    site, first, second = two_crawls
    assert _granted(site, f"crawl:{first}") == [5] == _granted(site, str(first))
    assert _granted(site, f"crawl:{second}") == [6] == _granted(site, str(second))
    assert resolve_as_of(site.sessions, f"crawl:{first}") == MORNING + timedelta(microseconds=1)


def test_coverage_as_of_a_moment(database_url: str) -> None:
    site = FakeSite(database_url)
    first = site.crawl(MORNING, _offer(5, "1" * 64))
    site.crawl(AFTERNOON, [], status="finished")  # the report vanished: withdrawn by the second crawl
    [then] = coverage(site.sessions, as_of=resolve_as_of(site.sessions, f"crawl:{first}"))
    [now] = coverage(site.sessions)
    assert (then.state, now.state) == ("found", "withdrawn")
    assert coverage(site.sessions, as_of=resolve_as_of(site.sessions, "2021-03-01T08:00:00+08:00")) == []


@pytest.mark.parametrize("value", ["2021-03-01T12:00:00", "2021-13-01", "yesterday", "20210301", "2021030112000",
                                   "crawl:x", "12345678"])
def test_a_malformed_value_names_the_accepted_forms(database_url: str, value: str) -> None:
    site = FakeSite(database_url)
    with pytest.raises(AsOfError, match="YYYY-MM-DD.*ISO 8601.*Wayback.*crawl"):
        resolve_as_of(site.sessions, value)


def test_an_unknown_or_unfinished_crawl_is_refused(database_url: str) -> None:
    site = FakeSite(database_url)
    with pytest.raises(AsOfError, match="no crawl 9"):
        resolve_as_of(site.sessions, "crawl:9")
    running = start_crawl(site.sessions, "pingluo", datetime.now(UTC))
    with pytest.raises(AsOfError, match=f"crawl {running} has not ended"):
        resolve_as_of(site.sessions, f"crawl:{running}")
    assert resolve_as_of(site.sessions, None) is None and resolve_as_of(site.sessions, " ") is None
