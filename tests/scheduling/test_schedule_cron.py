"""Registry schedules as triggers: the default (weekly, daily in January–March), cron day numbers, bad input."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kernel.errors import ConfigError
from scheduling.cron import cron_trigger, default_schedule, next_run, site_schedule
from spiders.registry import Site

TZ = ZoneInfo("Asia/Shanghai")
PLAIN = Site(id="helan", name="贺兰县", home_url="http://www.nxhl.gov.cn/")


def test_default_is_daily_in_january_to_march_and_weekly_after() -> None:
    (weekly, daily) = site_schedule(PLAIN)
    minute, hour = (int(field) for field in weekly.split()[:2])
    assert 1 <= hour <= 5 and (weekly, daily) == (f"{minute} {hour} * * mon", f"{minute} {hour} * 1-3 *")
    # Wednesday 5 February 2025, 12:00: daily season, next is Thursday at the site's time.
    at = {"hour": hour, "minute": minute, "tzinfo": TZ}
    assert next_run(PLAIN, datetime(2025, 2, 5, 12, tzinfo=TZ), TZ) == datetime(2025, 2, 6, **at)
    # Wednesday 4 June 2025: weekly, next is Monday 9 June.
    assert next_run(PLAIN, datetime(2025, 6, 4, 12, tzinfo=TZ), TZ) == datetime(2025, 6, 9, **at)


def test_default_times_are_spread_over_sites_and_stable() -> None:
    times = [default_schedule(f"site{n}")[0] for n in range(300)]
    assert times == [default_schedule(f"site{n}")[0] for n in range(300)]  # the same after a restart
    # 300 minutes of night for 300 sites: spread as a random draw would be (~190 distinct), never bunched.
    assert len(set(times)) > 150 and max(Counter(times).values()) <= 6


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
