from __future__ import annotations

from desktop.state_timer import StateTimer, format_duration
from desktop_fakes import FakeClock
from pytestqt.qtbot import QtBot


def test_format_duration() -> None:
    assert format_duration(0) == "00:00"
    assert format_duration(65_999) == "01:05"
    assert format_duration(59 * 60_000 + 59_000) == "59:59"
    assert format_duration(3_600_000 + 61_000) == "1:01:01"
    assert format_duration(-5_000) == "00:00"  # edge clock slightly ahead


def test_ticks_from_since_ms(qtbot: QtBot, clock: FakeClock) -> None:
    timer = StateTimer(clock.now_ms, tick_ms=20)
    qtbot.addWidget(timer)
    assert timer.text() == "--:--"
    timer.set_since(clock.ms - 65_000)
    assert timer.text() == "01:05"
    clock.advance(2_000)
    # The label follows the clock only when its QTimer fires: wait for that tick.
    qtbot.waitUntil(lambda: timer.text() == "01:07", timeout=2000)


def test_no_since_stops_ticking(qtbot: QtBot, clock: FakeClock) -> None:
    timer = StateTimer(clock.now_ms, tick_ms=20)
    qtbot.addWidget(timer)
    timer.set_since(clock.ms)
    timer.set_since(0)
    assert timer.text() == "--:--"
    assert not timer.findChild(type(timer._timer), "state_timer_tick").isActive()
