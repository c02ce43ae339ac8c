"""Per-site cron schedules: the registry's `schedule` key (or the default) as APScheduler triggers."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from kernel.errors import ConfigError
from spiders.registry import Site

# The schedule of a site without a `schedule` key: weekly on Monday, plus daily during January–March, when the
# reports of the previous year appear (they are due by 31 January). The time of day is the site's own, spread over
# the night hours below by a digest of its id (stable across restarts), so that thousands of sites do not all
# start at one minute. Cron fields, local time of the server.
DEFAULT_DAYS = ("* * mon", "* 1-3 *")
DEFAULT_HOURS = range(1, 6)  # 01:00–05:59

FIELDS_5 = ("minute", "hour", "day", "month", "day_of_week")
FIELDS_6 = ("second", *FIELDS_5)
# Standard cron numbers days of the week from Sunday (0 or 7); APScheduler 3 from Monday (0). Names are safe.
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def site_schedule(site: Site) -> tuple[str, ...]:
    """The cron expressions of a site: its registry `schedule` (one string or a list) or the default."""
    value = site.overrides.get("schedule")
    if value is None:
        return default_schedule(site.id)
    return (value,) if isinstance(value, str) else tuple(value)


def default_schedule(site_id: str) -> tuple[str, ...]:
    """DEFAULT_DAYS at the site's own minute of the night hours."""
    spot = int.from_bytes(hashlib.sha256(site_id.encode()).digest()[:4], "big") % (len(DEFAULT_HOURS) * 60)
    hour, minute = DEFAULT_HOURS[spot // 60], spot % 60
    return tuple(f"{minute} {hour} {days}" for days in DEFAULT_DAYS)


def cron_trigger(expression: str, timezone: tzinfo | None = None) -> CronTrigger:
    """One cron expression: 5 fields (minute … day of week) or 6 with seconds first; in `timezone` (default:
    the server's local time)."""
    parts = expression.split()
    if len(parts) not in (5, 6):
        raise ConfigError(f"cron expression {expression!r} needs 5 fields (min hour day month dow) or 6 "
                          "(seconds first); fix the site's `schedule` in the registry")
    names = FIELDS_6 if len(parts) == 6 else FIELDS_5
    fields = dict(zip(names, parts, strict=True))
    if "/" in fields["day_of_week"] and fields["day_of_week"] != "*":
        # APScheduler 3 drops a step on a day-of-week range silently; refuse it instead.
        raise ConfigError(f"cron expression {expression!r}: steps in the day of week are not supported; list the "
                          "days instead (mon,wed,fri) in the site's `schedule`")
    fields["day_of_week"] = _cron_days(fields["day_of_week"])
    try:
        return CronTrigger(**fields, timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"cron expression {expression!r}: {exc}; fix the site's `schedule`") from exc


def _cron_days(field: str) -> str:
    """Standard cron day numbers (0/7 Sunday) as names, so APScheduler reads them as cron does."""
    def name(match: re.Match[str]) -> str:
        return DAY_NAMES[int(match.group())] if int(match.group()) < 8 else match.group()

    return re.sub(r"\d+", name, field)


def site_trigger(site: Site, timezone: tzinfo | None = None) -> BaseTrigger:
    """The site's schedule as one trigger (the union of its expressions)."""
    triggers = [cron_trigger(e, timezone) for e in site_schedule(site)]
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)


def next_run(site: Site, now: datetime, timezone: tzinfo | None = None) -> datetime | None:
    """When the site's schedule fires next after `now` (timezone-aware)."""
    return site_trigger(site, timezone).get_next_fire_time(None, now)
