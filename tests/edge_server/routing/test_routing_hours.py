"""Business hours and holidays, per queue time zone, and what a closed queue does."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from edge_server.routing import decisions as dec
from edge_server.routing.hours import is_open, next_change_ms, parse_hhmm
from edge_server.routing.model import BusinessHours, ClosedAction, OpenInterval, QueueConfig
from tests.edge_server.routing.routing_sim import Host, agent, arrive, login, of, offered, site

SH = ZoneInfo("Asia/Shanghai")
WEEKDAYS = BusinessHours(
    tz="Asia/Shanghai",
    open=tuple(OpenInterval(day=d, start="09:00", end="18:00") for d in range(5)),
    holidays=("2026-10-01",),
)


def ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0, tz: dt.tzinfo = SH) -> int:
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=tz).timestamp() * 1000)


def test_parse_hhmm() -> None:
    assert parse_hhmm("00:00") == 0 and parse_hhmm("24:00") == 1440 and parse_hhmm("09:30") == 570
    for bad in ("9", "24:01", "12:60", "ab:cd", "12:5"):
        with pytest.raises(ValueError):
            parse_hhmm(bad)


def test_open_on_weekdays_closed_on_weekends_and_holidays() -> None:
    assert is_open(None, 0)
    assert is_open(WEEKDAYS, ms(2026, 9, 30, 10))  # Wednesday
    assert not is_open(WEEKDAYS, ms(2026, 9, 30, 8, 59))
    assert not is_open(WEEKDAYS, ms(2026, 9, 30, 18))
    assert not is_open(WEEKDAYS, ms(2026, 10, 3, 10))  # Saturday
    assert not is_open(WEEKDAYS, ms(2026, 10, 1, 10))  # holiday (Thursday)
    # 10:00 in Shanghai is 02:00 UTC: the zone, not UTC, decides.
    assert is_open(WEEKDAYS, ms(2026, 9, 30, 2, tz=dt.timezone.utc))


def test_next_change_skips_weekends_and_holidays() -> None:
    assert next_change_ms(WEEKDAYS, ms(2026, 10, 2, 17)) == ms(2026, 10, 2, 18)
    assert next_change_ms(WEEKDAYS, ms(2026, 10, 2, 18)) == ms(2026, 10, 5, 9)
    assert next_change_ms(WEEKDAYS, ms(2026, 9, 30, 18)) == ms(2026, 10, 2, 9)  # Thursday is a holiday
    assert next_change_ms(None, 0) is None
    assert next_change_ms(BusinessHours(tz="UTC"), 0) is None  # never open


def test_daylight_saving_is_honoured() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    daily = BusinessHours(tz="Europe/Berlin", open=tuple(OpenInterval(day=d, start="09:00", end="17:00") for d in range(7)))
    # 29 March 2026: clocks go forward, 09:00 local is 07:00 UTC (the day before: 08:00 UTC).
    assert next_change_ms(daily, ms(2026, 3, 28, 17, tz=berlin)) == ms(2026, 3, 29, 7, tz=dt.timezone.utc)
    assert next_change_ms(daily, ms(2026, 3, 27, 17, tz=berlin)) == ms(2026, 3, 28, 8, tz=dt.timezone.utc)


def test_whole_day_and_contiguous_intervals() -> None:
    h = BusinessHours(tz="UTC", open=(OpenInterval(day=0, start="00:00", end="12:00"),
                                      OpenInterval(day=0, start="12:00", end="24:00")))
    monday = ms(2026, 1, 5, tz=dt.timezone.utc)
    assert is_open(h, monday) and is_open(h, monday + 86_399_000)
    assert next_change_ms(h, monday) == monday + 86_400_000


def closed_site(action: ClosedAction) -> Host:
    q = QueueConfig(queue="q", hours=WEEKDAYS, closed_action=action, closed_overflow_queue="night")
    return Host(site([agent("ann")], [q, QueueConfig(queue="night")]))


def test_closed_queue_rejects_then_opens_on_its_timer() -> None:
    h = closed_site(ClosedAction.VOICEMAIL)
    saturday = ms(2026, 10, 3, 10)
    out = h.send(login(saturday, "ann"))
    assert dec.SetTimer(key="hours:q", at_ms=ms(2026, 10, 5, 9)) in out
    out = h.send(arrive(saturday + 1, "t1"))
    assert of(out, dec.TaskRejected) == [dec.TaskRejected(task_id="t1", queue="q", reason="closed", action="voicemail")]
    assert h.engine.queue_stats("q").open is False
    out = h.advance(ms(2026, 10, 5, 9))
    assert [d.stats.open for d in of(out, dec.StatsChanged)] == [True]
    assert dec.SetTimer(key="hours:q", at_ms=ms(2026, 10, 5, 18)) in out
    assert offered(h.send(arrive(ms(2026, 10, 5, 9, 1), "t2"))) == [("t2", "ann")]


def test_closed_queue_overflows_or_admits() -> None:
    h = closed_site(ClosedAction.OVERFLOW)
    out = h.send(arrive(ms(2026, 10, 3, 10), "t1"))
    assert of(out, dec.Overflowed) == [dec.Overflowed(task_id="t1", from_queue="q", to_queue="night", step=-1)]
    assert h.engine.waiting("night") == ["t1"]
    h = closed_site(ClosedAction.QUEUE)
    h.send(arrive(ms(2026, 10, 3, 10), "t1"))
    assert h.engine.waiting("q") == ["t1"]
