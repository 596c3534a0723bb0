"""A frame FIFO between two audio clocks (PortAudio's and pjmedia's) with a target fill.

The two clocks never run at exactly the same rate (crystals differ by up to ~0.1-0.5 %), so one side
slowly overfills or drains the FIFO. We watch a smoothed fill level and, when it leaves
[low, high], drop one frame (producer fast) or repeat one (producer slow); one 20 ms frame per
correction is inaudible in speech, a full under/overrun is a click. Corrections are counted.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BufferStats:
    fill: int
    dropped: int  # frames dropped for drift (producer faster)
    duplicated: int  # frames repeated for drift (producer slower)
    underruns: int  # consumer found the FIFO empty after priming (a gap was played)
    overflows: int  # FIFO hit capacity (the oldest frame was discarded)


class FrameBuffer:
    """Thread-safe FIFO of fixed-size PCM frames: producer ``push``es, consumer ``pop``s.

    ``target``: frames buffered before playing starts (jitter margin); ``low``/``high``: bounds
    of the smoothed fill outside which one frame is repeated/dropped; at most one correction every
    ``cooldown`` pops so a correction can take effect before the next is decided.
    """

    def __init__(self, frame_bytes: int = 640, target: int = 3, low: float = 1.5, high: float = 6.0,
                 capacity: int = 50, cooldown: int = 25, smoothing: float = 0.05) -> None:
        if not 0 < low < target < high < capacity:
            raise ValueError("need 0 < low < target < high < capacity")
        self.frame_bytes = frame_bytes
        self.target, self.low, self.high, self.capacity = target, low, high, capacity
        self.cooldown, self.smoothing = cooldown, smoothing
        self._q: deque[bytes] = deque()
        self._lock = threading.Lock()
        self._silence = bytes(frame_bytes)
        self._last = self._silence
        self._primed = False
        self._avg = float(target)
        self._since_fix = 0
        self._dropped = self._duplicated = self._underruns = self._overflows = 0

    def push(self, frame: bytes) -> None:
        if len(frame) != self.frame_bytes:  # a short block at stream start/stop: pad, never misalign
            frame = frame[: self.frame_bytes].ljust(self.frame_bytes, b"\0")
        with self._lock:
            if len(self._q) >= self.capacity:
                self._q.popleft()
                self._overflows += 1
            self._q.append(frame)

    def pop(self) -> bytes:
        with self._lock:
            n = len(self._q)
            if not self._primed:
                if n < self.target:
                    return self._silence
                self._primed = True
                self._avg = float(n)
            if n == 0:
                self._underruns += 1
                self._primed = False  # re-prime: build the margin again instead of stuttering
                return self._silence
            self._avg += self.smoothing * (n - self._avg)
            self._since_fix += 1
            if self._since_fix >= self.cooldown:
                if self._avg > self.high and n > 1:
                    self._q.popleft()
                    self._dropped += 1
                    self._avg -= 1.0
                    self._since_fix = 0
                elif self._avg < self.low:
                    self._duplicated += 1
                    self._avg += 1.0
                    self._since_fix = 0
                    return self._last  # repeat the previous frame, keep the FIFO one frame fuller
            self._last = self._q.popleft()
            return self._last

    def clear(self) -> None:
        with self._lock:
            self._q.clear()
            self._primed = False

    @property
    def stats(self) -> BufferStats:
        with self._lock:
            return BufferStats(len(self._q), self._dropped, self._duplicated, self._underruns, self._overflows)
