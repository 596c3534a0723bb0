"""Business hours: weekly spans, time zones, overnight spans, holidays, bad schedules."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from edge_server.flows.hours import HoursError, describe, is_open, minutes

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
WEEKDAYS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "18:00"}]


def at(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = SH) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


# 2026-11-23 is a Monday.
@pytest.mark.parametrize(("when", "expected"), [
    (at(2026, 11, 23, 9, 0), True),  # opening minute is open
    (at(2026, 11, 23, 8, 59), False),
    (at(2026, 11, 23, 17, 59), True),
    (at(2026, 11, 23, 18, 0), False),  # closing minute is closed
    (at(2026, 11, 28, 12, 0), False),  # Saturday
    (at(2026, 11, 27, 12, 0), True),  # Friday
])
def test_weekday_schedule(when: datetime, expected: bool) -> None:
    assert is_open(when, timezone="Asia/Shanghai", hours=WEEKDAYS) is expected


def test_the_instant_is_read_in_the_schedules_zone() -> None:
    instant = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Mon 10:00 Shanghai, Sun 21:00 New York
    assert is_open(instant, timezone="Asia/Shanghai", hours=WEEKDAYS)
    assert not is_open(instant, timezone="America/New_York", hours=WEEKDAYS)
    # The same local schedule in New York opens 13 hours later in UTC.
    assert is_open(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), timezone="America/New_York", hours=WEEKDAYS)
    # A naive instant is UTC.
    assert is_open(datetime(2026, 11, 23, 2, 0), timezone="Asia/Shanghai", hours=WEEKDAYS)


def test_daylight_saving_is_respected() -> None:
    # 2026-03-09 (Mon): New York is on EDT (UTC-4) since the 8th; 09:30 local = 13:30 UTC.
    assert is_open(datetime(2026, 3, 9, 13, 30, tzinfo=UTC), timezone="America/New_York", hours=WEEKDAYS)
    assert not is_open(datetime(2026, 3, 9, 12, 30, tzinfo=UTC), timezone="America/New_York", hours=WEEKDAYS)


OVERNIGHT = [{"days": ["fri"], "open": "22:00", "close": "02:00"}]


@pytest.mark.parametrize(("when", "expected"), [
    (at(2026, 11, 27, 21, 59), False),  # Fri before opening
    (at(2026, 11, 27, 22, 0), True),  # Fri evening
    (at(2026, 11, 27, 23, 59), True),
    (at(2026, 11, 28, 0, 0), True),  # past midnight: Saturday, still Friday's span
    (at(2026, 11, 28, 1, 59), True),
    (at(2026, 11, 28, 2, 0), False),
    (at(2026, 11, 28, 22, 30), False),  # Saturday evening: no span starts on Saturday
    (at(2026, 11, 27, 1, 0), False),  # Friday early morning belongs to Thursday, which has none
])
def test_overnight_span_crosses_midnight(when: datetime, expected: bool) -> None:
    assert is_open(when, timezone="Asia/Shanghai", hours=OVERNIGHT) is expected


def test_overnight_across_the_week_boundary() -> None:
    sunday_night = [{"days": ["sun"], "open": "20:00", "close": "06:00"}]
    assert is_open(at(2026, 11, 30, 5, 0), timezone="Asia/Shanghai", hours=sunday_night)  # Monday 05:00
    assert not is_open(at(2026, 11, 30, 20, 0), timezone="Asia/Shanghai", hours=sunday_night)


def test_holidays_close_the_day_and_the_overnight_tail() -> None:
    always = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "open": "20:00", "close": "04:00"}]
    holidays = ["2026-12-25"]
    assert is_open(at(2026, 12, 24, 23, 0), timezone="Asia/Shanghai", hours=always, holidays=holidays)
    # Christmas Eve's span would run into the holiday morning: closed on the holiday.
    assert not is_open(at(2026, 12, 25, 1, 0), timezone="Asia/Shanghai", hours=always, holidays=holidays)
    assert not is_open(at(2026, 12, 25, 21, 0), timezone="Asia/Shanghai", hours=always, holidays=holidays)
    # The span that starts on the holiday does not run, even past midnight.
    assert not is_open(at(2026, 12, 26, 1, 0), timezone="Asia/Shanghai", hours=always, holidays=holidays)
    assert is_open(at(2026, 12, 26, 21, 0), timezone="Asia/Shanghai", hours=always, holidays=holidays)


def test_holidays_are_local_dates() -> None:
    # 2026-10-01 00:30 in Shanghai is still 2026-09-30 in UTC: the holiday follows the local date.
    instant = datetime(2026, 9, 30, 16, 30, tzinfo=UTC)
    all_day = [{"days": ["thu"], "open": "00:00", "close": "24:00"}]
    assert is_open(instant, timezone="Asia/Shanghai", hours=all_day)
    assert not is_open(instant, timezone="Asia/Shanghai", hours=all_day, holidays=["2026-10-01"])


def test_whole_day_spans_and_several_spans() -> None:
    split = [{"days": ["mon"], "open": "09:00", "close": "12:00"}, {"days": ["mon"], "open": "13:00", "close": "18:00"}]
    assert is_open(at(2026, 11, 23, 11, 0), timezone="Asia/Shanghai", hours=split)
    assert not is_open(at(2026, 11, 23, 12, 30), timezone="Asia/Shanghai", hours=split)
    assert is_open(at(2026, 11, 23, 15, 0), timezone="Asia/Shanghai", hours=split)
    whole = [{"days": ["mon"], "open": "00:00", "close": "00:00"}]
    assert is_open(at(2026, 11, 23, 23, 59), timezone="Asia/Shanghai", hours=whole)
    assert not is_open(at(2026, 11, 24, 0, 0), timezone="Asia/Shanghai", hours=whole)
    assert not is_open(at(2026, 11, 23, 12, 0), timezone="Asia/Shanghai", hours=[])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"hours": [{"days": ["mon"], "open": "9am", "close": "18:00"}]}, "bad time"),
    ({"hours": [{"days": ["mon"], "open": "25:00", "close": "18:00"}]}, "bad time"),
    ({"hours": [{"days": ["someday"], "open": "09:00", "close": "18:00"}]}, "bad day"),
    ({"hours": [{"days": "mon", "open": "09:00", "close": "18:00"}]}, "bad days"),
    ({"holidays": ["25/12/2026"]}, "bad holiday"),
])
def test_bad_schedules_raise_hours_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"timezone": "Asia/Shanghai", "hours": WEEKDAYS, "holidays": []}
    args.update(kwargs)
    with pytest.raises(HoursError, match=message):
        is_open(at(2026, 11, 23, 12, 0), **args)  # type: ignore[arg-type]


def test_helpers() -> None:
    assert minutes("00:00") == 0 and minutes("24:00") == 1440 and minutes(" 09:30 ") == 570
    assert describe(datetime(2026, 11, 23, 2, 5, tzinfo=UTC), "Asia/Shanghai") == "2026-11-23 Mon 10:05 Asia/Shanghai"
    assert describe(datetime(2026, 11, 23, 2, 5, tzinfo=UTC), "") == "2026-11-23 Mon 10:05 Asia/Shanghai"
