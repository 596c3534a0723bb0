"""The wrap-up panel's place in a task or chat view: shown during wrap-up, gone otherwise."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QBoxLayout, QWidget

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
