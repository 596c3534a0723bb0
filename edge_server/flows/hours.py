"""Business hours: is a weekly schedule with holidays open at a given instant, in the schedule's time zone.

A span ``{"days": ["mon", ...], "open": "09:00", "close": "18:00"}`` opens on each
named day from ``open`` up to (not including) ``close``. When ``close`` is earlier
than ``open`` the span runs overnight: it starts on the named day and ends on the
next day at ``close`` (fri 22:00-02:00 covers Saturday 01:00). ``open == close``
means the whole day; ``close`` may be "24:00". Holidays are local dates on which
the service is closed all day, including the tail of an overnight span begun the
evening before; a span that starts on a holiday does not run at all.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIMEZONE = "Asia/Shanghai"


class HoursError(ValueError):
    """The schedule cannot be read (bad time zone, time, day or date)."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise HoursError(f"unknown time zone {name!r}") from e


def minutes(text: str) -> int:
    """ "HH:MM" -> minutes after midnight (0..1440; "24:00" allowed)."""
    try:
        hh, mm = str(text).strip().split(":")
        h, m = int(hh), int(mm)
    except ValueError as e:
        raise HoursError(f"bad time {text!r} (want HH:MM)") from e
    if not (0 <= m < 60 and (0 <= h < 24 or (h == 24 and m == 0))):
        raise HoursError(f"bad time {text!r} (want HH:MM)")
    return h * 60 + m


def _holidays(items: Sequence[str]) -> set[date]:
    out: set[date] = set()
    for item in items:
        try:
            out.add(date.fromisoformat(str(item).strip()))
        except ValueError as e:
            raise HoursError(f"bad holiday {item!r} (want YYYY-MM-DD)") from e
    return out


def _day_indexes(days: Any) -> set[int]:
    if not isinstance(days, Sequence) or isinstance(days, str):
        raise HoursError(f"bad days {days!r} (want a list of mon..sun)")
    out: set[int] = set()
    for d in days:
        name = str(d).strip().lower()[:3]
        if name not in DAYS:
            raise HoursError(f"bad day {d!r} (want mon..sun)")
        out.add(DAYS.index(name))
    return out


def local_time(instant: datetime, timezone: str) -> datetime:
    """The aware instant as wall-clock time in ``timezone`` (naive input is taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo("UTC"))
    return instant.astimezone(zone(timezone))


def is_open(instant: datetime, *, timezone: str, hours: Sequence[Mapping[str, Any]],
            holidays: Sequence[str] = ()) -> bool:
    """True when ``instant`` falls in one of the spans, in ``timezone``, and not on a holiday."""
    local = local_time(instant, timezone)
    today = local.date()
    closed = _holidays(holidays)
    if today in closed:
        return False
    now_min = local.hour * 60 + local.minute
    yesterday = today - timedelta(days=1)
    for span in hours:
        days = _day_indexes(span.get("days", []))
        start, end = minutes(str(span.get("open", ""))), minutes(str(span.get("close", "")))
        if start == end or (start == 0 and end == 1440):
            # The whole day (a "00:00"-"00:00" span is how people write 24 hours).
            if today.weekday() in days:
                return True
            continue
        if start < end:
            if today.weekday() in days and start <= now_min < end:
                return True
            continue
        # Overnight: the evening part belongs to today's span, the morning part to yesterday's.
        if today.weekday() in days and now_min >= start:
            return True
        if yesterday.weekday() in days and yesterday not in closed and now_min < end:
            return True
    return False


def describe(instant: datetime, timezone: str) -> str:
    """For traces: the local wall-clock time the decision was made on, e.g. "2026-11-23 Mon 09:30 Asia/Shanghai"."""
    local = local_time(instant, timezone)
    return f"{local:%Y-%m-%d} {DAYS[local.weekday()].capitalize()} {local:%H:%M} {timezone or DEFAULT_TIMEZONE}"
