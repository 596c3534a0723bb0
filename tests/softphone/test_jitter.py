"""FrameBuffer under synthetic clocks: jitter absorbed, drift corrected by counted drops/repeats."""
from __future__ import annotations

import heapq

import pytest

from softphone.jitter import FrameBuffer

FRAME = 640


def _run(producer_period: float, consumer_period: float, seconds: float, burst: int = 1,
         buf: FrameBuffer | None = None) -> tuple[FrameBuffer, list[int], int]:
    """Event-driven simulation of two clocks; returns the buffer, fill after each pop, silent pops."""
    buf = buf or FrameBuffer(FRAME)
    events: list[tuple[float, int, str]] = [(0.0, 0, "p"), (0.0, 1, "c")]
    fills: list[int] = []
    silent = seq = 0
    produced = 0
    while events:
        t, _, kind = heapq.heappop(events)
        if t > seconds:
            break
        seq += 1
        if kind == "p":
            for _ in range(burst):
                produced += 1
                buf.push(produced.to_bytes(4, "little") * (FRAME // 4))
            heapq.heappush(events, (t + producer_period * burst, seq, "p"))
        else:
            frame = buf.pop()
            if frame == bytes(FRAME):
                silent += 1
            fills.append(buf.stats.fill)
            heapq.heappush(events, (t + consumer_period, seq, "c"))
    return buf, fills, silent


def test_same_clock_with_bursty_producer_needs_no_correction() -> None:
    buf, fills, silent = _run(0.020, 0.020, 60.0, burst=2)  # PortAudio delivering 2 blocks at once
    s = buf.stats
    assert s.dropped == s.duplicated == s.underruns == s.overflows == 0
    assert silent <= 3  # only while priming to the target fill
    assert max(fills[10:]) <= 6


@pytest.mark.parametrize("ppm", [1000, 5000])
def test_fast_producer_drops_frames_to_stay_bounded(ppm: int) -> None:
    seconds = 120.0
    buf, fills, _ = _run(0.020 * (1 - ppm / 1e6), 0.020, seconds)
    s = buf.stats
    excess = seconds / 0.020 * ppm / 1e6  # frames the fast clock produced in excess
    assert abs(s.dropped - excess) <= 8, (s, excess)
    assert s.duplicated == 0 and s.underruns == 0 and s.overflows == 0
    assert max(fills[200:]) <= 8


@pytest.mark.parametrize("ppm", [1000, 5000])
def test_slow_producer_repeats_frames_without_underrun(ppm: int) -> None:
    seconds = 120.0
    buf, fills, silent = _run(0.020 * (1 + ppm / 1e6), 0.020, seconds)
    s = buf.stats
    shortfall = seconds / 0.020 * ppm / 1e6
    assert abs(s.duplicated - shortfall) <= 8, (s, shortfall)
    assert s.dropped == 0 and s.underruns == 0
    assert silent <= 3 and min(fills[200:]) >= 0


def test_producer_stall_underruns_then_reprimes() -> None:
    buf = FrameBuffer(FRAME, target=3)
    for i in range(5):
        buf.push(bytes([i + 1]) * FRAME)
    out = [buf.pop() for _ in range(7)]
    assert out[0] == bytes([1]) * FRAME and out[4] == bytes([5]) * FRAME
    assert out[5] == bytes(FRAME) and buf.stats.underruns == 1
    buf.push(b"\x09" * FRAME)
    assert buf.pop() == bytes(FRAME)  # re-priming: waits for the target fill again
    buf.push(b"\x0a" * FRAME)
    buf.push(b"\x0b" * FRAME)
    assert buf.pop() == b"\x09" * FRAME


def test_overflow_and_odd_sizes() -> None:
    buf = FrameBuffer(FRAME, target=2, low=1, high=3, capacity=4)
    for _ in range(6):
        buf.push(b"\x01" * 100)  # short block: padded to a whole frame
    assert buf.stats.overflows == 2 and buf.stats.fill == 4
    assert len(buf.pop()) == FRAME
    with pytest.raises(ValueError):
        FrameBuffer(FRAME, target=1, low=2, high=3)
