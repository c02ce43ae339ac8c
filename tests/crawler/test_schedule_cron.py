"""Registry schedules as triggers: the default (weekly, daily in January–March), cron day numbers, bad input."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.errors import ConfigError
from crawler.scheduling.cron import DEFAULT_SCHEDULE, cron_trigger, next_run, site_schedule
from spiders.registry import Site

TZ = ZoneInfo("Asia/Shanghai")
PLAIN = Site(id="helan", name="贺兰县", home_url="http://www.nxhl.gov.cn/")


def test_default_is_daily_in_january_to_march_and_weekly_after() -> None:
    assert site_schedule(PLAIN) == DEFAULT_SCHEDULE
    # Wednesday 5 February 2025, 12:00: daily season, next is Thursday 02:00.
    assert next_run(PLAIN, datetime(2025, 2, 5, 12, tzinfo=TZ), TZ) == datetime(2025, 2, 6, 2, tzinfo=TZ)
    # Wednesday 4 June 2025: weekly, next is Monday 9 June 02:00.
    assert next_run(PLAIN, datetime(2025, 6, 4, 12, tzinfo=TZ), TZ) == datetime(2025, 6, 9, 2, tzinfo=TZ)


def test_registry_schedule_with_seconds_and_cron_day_numbers() -> None:
    site = Site(id="x", name="x", home_url="http://x.gov.cn/", overrides={"schedule": ["*/2 * * * * *", "0 5 * * 0"]})
    now = datetime(2025, 6, 4, 12, 0, 1, tzinfo=TZ)
    assert next_run(site, now, TZ) == datetime(2025, 6, 4, 12, 0, 2, tzinfo=TZ)
    # cron's 0 is Sunday (APScheduler's own 0 would be Monday).
    assert cron_trigger("0 5 * * 0", TZ).get_next_fire_time(None, now) == datetime(2025, 6, 8, 5, tzinfo=TZ)
    assert cron_trigger("0 5 * * 5-7", TZ).get_next_fire_time(None, now) == datetime(2025, 6, 6, 5, tzinfo=TZ)


@pytest.mark.parametrize("expression", ["* * *", "0 25 * * *", "0 5 * * 1-5/2"])
def test_bad_expression_says_what_to_fix(expression: str) -> None:
    with pytest.raises(ConfigError, match="schedule"):
        cron_trigger(expression)
