"""Business hours: is a queue open at an instant, and when does that next change.

Pure functions of (hours, epoch ms). Local wall times are resolved with
zoneinfo, so daylight-saving shifts and holidays in the queue's own zone are
honoured; the result is always an absolute epoch millisecond.
"""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from edge_server.routing.errors import ConfigError
from edge_server.routing.model import BusinessHours

_DAY = dt.timedelta(days=1)
#: How far ahead next_change_ms looks; a queue closed longer than this is "closed until further notice".
_HORIZON_DAYS = 400


def parse_hhmm(text: str) -> int:
    """Minutes after local midnight for "HH:MM" (00:00..24:00); ValueError otherwise."""
    hh, sep, mm = text.partition(":")
    if sep != ":" or len(mm) != 2 or not hh.isdigit() or not mm.isdigit():
        raise ValueError(f"expected HH:MM, got {text!r}")
    minutes = int(hh) * 60 + int(mm)
    if int(mm) >= 60 or minutes > 24 * 60:
        raise ValueError(f"not a time of day: {text!r}")
    return minutes


@functools.lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError("hours.tz", f"unknown time zone {name!r}") from e


class _Compiled:
    """Hours pre-parsed into minute ranges per weekday and a holiday set."""

    __slots__ = ("tz", "week", "holidays")

    def __init__(self, hours: BusinessHours) -> None:
        self.tz = zone(hours.tz)
        self.week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for iv in hours.open:
            self.week[iv.day].append((parse_hhmm(iv.start), parse_hhmm(iv.end)))
        for day in self.week:
            day.sort()
        self.holidays = frozenset(dt.date.fromisoformat(d) for d in hours.holidays)

    def open_at_local(self, local: dt.datetime) -> bool:
        if local.date() in self.holidays:
            return False
        minute = local.hour * 60 + local.minute + local.second / 60.0
        return any(start <= minute < end for start, end in self.week[local.weekday()])


@functools.lru_cache(maxsize=256)
def _compiled(hours: BusinessHours) -> _Compiled:
    return _Compiled(hours)


def _local(c: _Compiled, now_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(now_ms / 1000.0, tz=c.tz)


def is_open(hours: BusinessHours | None, now_ms: int) -> bool:
    if hours is None:
        return True
    c = _compiled(hours)
    return c.open_at_local(_local(c, now_ms))


def _to_ms(local: dt.datetime) -> int:
    return int(local.timestamp() * 1000)


def next_change_ms(hours: BusinessHours | None, now_ms: int) -> int | None:
    """The first epoch ms after ``now_ms`` at which is_open() differs, or None within the horizon."""
    if hours is None:
        return None
    c = _compiled(hours)
    current = c.open_at_local(_local(c, now_ms))
    day = _local(c, now_ms).date()
    for offset in range(_HORIZON_DAYS):
        d = day + offset * _DAY
        midnight = dt.datetime(d.year, d.month, d.day, tzinfo=c.tz)
        # Candidate boundaries of this local day: midnight (holidays start/end) and interval edges.
        minutes = {0}
        for start, end in c.week[d.weekday()]:
            minutes.add(start)
            minutes.add(end)
        for minute in sorted(minutes):
            if minute >= 24 * 60:
                continue  # 24:00 is the next day's midnight, examined there
            wall = midnight + dt.timedelta(minutes=minute)
            # Re-attach the zone to get the wall-clock time (timedelta arithmetic on aware
            # datetimes is wall-clock in Python), then make it absolute.
            at = _to_ms(wall)
            if at <= now_ms:
                continue
            if c.open_at_local(_local(c, at)) != current:
                return at
    return None
