"""What task and chat views share: the wrap-up panel (shown during wrap-up only), busy state, elapsed time."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QBoxLayout, QWidget

from desktop.state_timer import format_duration
from desktop.workspace.work_model import TaskPhase, WorkItem
from desktop.workspace.wrapup_panel import WrapUpPanel


def sync_wrapup_panel(
    view: QWidget,
    panel: WrapUpPanel | None,
    item: WorkItem,
    *,
    layout: QBoxLayout,
    slot: int,
    reasons: Any,
    now_ms: Callable[[], int],
    tick_ms: int,
    submitted: Any,
) -> WrapUpPanel | None:
    """The panel the view should hold now: created, updated or removed for ``item``'s phase."""
    if item.phase == TaskPhase.WRAPUP and item.wrapup is not None:
        if panel is None:
            panel = WrapUpPanel(item.wrapup, reasons, now_ms=now_ms, tick_ms=tick_ms, parent=view)
            # The 4-argument signal: the follow-up flag must reach the edge too.
            panel.wrapup_submitted.connect(submitted)
            layout.insertWidget(slot, panel)
        else:
            panel.update_wrapup(item.wrapup)
        return panel
    if panel is not None:
        layout.removeWidget(panel)
        panel.deleteLater()
    return None


class WrapUpHost:
    """Mixin for TaskView and ChatView (which set the attributes named here in their __init__)."""

    wrapup_panel: WrapUpPanel | None
    _item: WorkItem
    _shown_phase: TaskPhase | None
    _busy: bool
    _reasons: Any
    _now_ms: Callable[[], int]
    _tick_ms: int
    _layout: QBoxLayout
    _wrapup_slot: int
    elapsed_label: Any
    wrapup_submitted: Any

    def _adopt_item(self, item: WorkItem) -> bool:
        """Take ``item`` (the model updates items in place, so the phase shown last is kept apart) and
        place the wrap-up panel; True when the phase changed (what was on its way has been answered)."""
        phase_changed = item.phase != self._shown_phase
        self._shown_phase = item.phase
        self._item = item
        self.wrapup_panel = sync_wrapup_panel(
            self, self.wrapup_panel, item, layout=self._layout, slot=self._wrapup_slot,  # type: ignore[arg-type]
            reasons=self._reasons, now_ms=self._now_ms, tick_ms=self._tick_ms, submitted=self.wrapup_submitted)
        if phase_changed:
            self._busy = False
        return phase_changed

    def set_reasons(self, reasons: Any) -> None:
        self._reasons = reasons
        if self.wrapup_panel is not None:
            self.wrapup_panel.set_reasons(reasons)

    def set_busy(self, busy: bool) -> None:
        """A command for this task is on its way: nothing else can be sent meanwhile."""
        self._busy = busy
        if self.wrapup_panel is not None:
            self.wrapup_panel.set_busy(busy)
        self._update_buttons()  # type: ignore[attr-defined] - every host has its own

    def tick(self) -> None:
        self.elapsed_label.setText(format_duration(self._now_ms() - self._item.assigned_ms))
