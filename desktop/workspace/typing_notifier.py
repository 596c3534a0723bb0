"""Tells the edge the agent is typing, throttled: "on" at most every 2 s, "off" after 5 s idle or on send."""
from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, QTimer

from desktop.tasks import spawn

#: An "on" is repeated at most this often while the agent keeps typing (the edge expires it).
THROTTLE_MS = 2000
#: No keystroke for this long means the agent stopped typing.
IDLE_MS = 5000


class TypingNotifier(QObject):
    def __init__(
        self,
        send: Callable[[bool], Coroutine[Any, Any, object]],
        *,
        throttle_ms: int = THROTTLE_MS,
        idle_ms: int = IDLE_MS,
        clock_ms: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._send = send
        self._throttle_ms = throttle_ms
        self._clock = clock_ms or (lambda: time.monotonic() * 1000)
        self._typing = False
        self._last_on = -1e18
        self._idle = QTimer(self)
        self._idle.setObjectName("typing_idle")
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.stop)
        self.sent: list[bool] = []  # what went out, for the log and tests

    @property
    def typing(self) -> bool:
        return self._typing

    def keystroke(self) -> None:
        self._idle.start()
        now = self._clock()
        if not self._typing or now - self._last_on >= self._throttle_ms:
            self._typing = True
            self._last_on = now
            self._emit(True)

    def stop(self) -> None:
        self._idle.stop()
        if self._typing:
            self._typing = False
            self._emit(False)

    def _emit(self, typing: bool) -> None:
        self.sent.append(typing)
        spawn(self._send(typing), name=f"set-typing-{typing}")
