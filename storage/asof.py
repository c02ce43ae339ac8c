"""`--as-of`: the moment a user names (a date, a date-time, a Wayback timestamp, a crawl) as an exclusive UTC cutoff.

Every as-of query (`nianbao reports`, `coverage`, `export`, the UI's "as of" picker) reads the catalogue as it
was just before the datetime `resolve_as_of` returns: what was first seen, changed or withdrawn strictly before
it counts. The accepted forms:

- `YYYY-MM-DD`: the end of that day in UTC (the next midnight UTC), as `--as-of` always meant;
- an ISO 8601 date-time with a zone (`2026-01-05T10:00:00+08:00`, `…Z`): the end of the second it names (the end
  of the microsecond when it names fractions), since captures are stored to the microsecond and a user means
  everything that happened during "10:00:00";
- a Wayback timestamp, 14 digits (`20260105100000`, UTC as in pywb and the Wayback Machine): the end of that second;
- a crawl, `crawl:123`, or a bare integer of at most 7 digits (a 14-digit number is a timestamp, and no other
  length of digits is read as a date): the end of that crawl, i.e. just after the last thing it recorded (its
  close, and the withdrawals noted after it). A crawl that has not ended is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kernel.errors import NianbaoError
from storage.models import Crawl, ReportEvent

__all__ = ["ACCEPTED_FORMS", "AsOfError", "resolve_as_of"]

ACCEPTED_FORMS = ("YYYY-MM-DD, an ISO 8601 date-time with a zone (2026-01-05T10:00:00+08:00 or …Z), "
                  "a 14-digit Wayback timestamp (20260105100000, UTC) or a crawl id (crawl:123 or 123)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WAYBACK = re.compile(r"\d{14}")
_CRAWL = re.compile(r"(?:crawl:)?(\d{1,7})")
_SECOND = timedelta(seconds=1)
T = TypeVar("T")
_MICROSECOND = timedelta(microseconds=1)


class AsOfError(NianbaoError):
    """Raised by resolve_as_of when an `--as-of` value is malformed, names an unknown crawl or one still running."""


def resolve_as_of(sessions: sessionmaker[Session], value: str | None) -> datetime | None:
    """The exclusive UTC cutoff meant by `value` (see the module docstring); None for no value (the present)."""
    text = (value or "").strip()
    if not text:
        return None
    if _DATE.fullmatch(text):
        return datetime.combine(_parse(date.fromisoformat, text) + timedelta(days=1), time(), tzinfo=UTC)
    if _WAYBACK.fullmatch(text):
        return _parse(lambda t: datetime.strptime(t, "%Y%m%d%H%M%S"), text).replace(tzinfo=UTC) + _SECOND
    crawl = _CRAWL.fullmatch(text)
    if crawl:
        return crawl_end(sessions, int(crawl.group(1)))
    return _datetime_end(text)


def _datetime_end(text: str) -> datetime:
    """The end of the second (or microsecond, when fractions are given) an ISO 8601 date-time with a zone names."""
    moment = _parse(datetime.fromisoformat, text.replace("z", "Z"))
    if "T" not in text.upper() and " " not in text:
        raise AsOfError(f"--as-of {text!r}: not a date-time; use {ACCEPTED_FORMS}")
    if moment.tzinfo is None:
        raise AsOfError(f"--as-of {text!r}: a date-time needs a zone (Z or +08:00); use {ACCEPTED_FORMS}")
    moment = moment.astimezone(UTC)
    return moment + _MICROSECOND if moment.microsecond else moment + _SECOND


def crawl_end(sessions: sessionmaker[Session], crawl_id: int) -> datetime:
    """Just after the last moment crawl `crawl_id` recorded: its close or a later event of its own (withdrawals)."""
    with sessions() as s:
        crawl = s.get(Crawl, crawl_id)
        if crawl is None:
            raise AsOfError(f"--as-of: there is no crawl {crawl_id}; use {ACCEPTED_FORMS}")
        if crawl.finished_at is None:
            raise AsOfError(f"--as-of: crawl {crawl_id} has not ended (status {crawl.status})")
        last_event = s.scalar(select(func.max(ReportEvent.occurred_at)).where(ReportEvent.crawl_id == crawl_id))
    ends = [_utc(crawl.finished_at)] + ([_utc(last_event)] if last_event else [])
    return max(ends) + _MICROSECOND


def _parse(parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except ValueError as exc:
        raise AsOfError(f"--as-of {text!r} is not a valid moment ({exc}); use {ACCEPTED_FORMS}") from exc


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; nianbao stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
