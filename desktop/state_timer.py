"""Time in the current state, counting up once a second."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget


def format_duration(ms: int) -> str:
    """mm:ss, or h:mm:ss from one hour on; negative (clock skew) counts as zero."""
    total = max(0, ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


class StateTimer(QLabel):
    """Shows now − since_ms; ``now_ms`` is the edge-corrected clock."""

    def __init__(
        self, now_ms: Callable[[], int], *, tick_ms: int = 1000, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("state_timer")
        self.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self._now_ms = now_ms
        self._since_ms = 0
        self._timer = QTimer(self)
        self._timer.setObjectName("state_timer_tick")
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_tick)
        self._retranslate()
        self._on_tick()

    def set_since(self, since_ms: int) -> None:
        self._since_ms = since_ms
        if since_ms > 0:
            self._timer.start()
        else:
            self._timer.stop()
        self._on_tick()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setToolTip(self.tr("Time in the current state"))
        self.setAccessibleName(self.toolTip())

    def _on_tick(self) -> None:
        if self._since_ms <= 0:
            self.setText("--:--")
        else:
            self.setText(format_duration(self._now_ms() - self._since_ms))
