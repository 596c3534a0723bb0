"""The detail pane of one task: who and what, how long, and what the agent can do next."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import channel_icon
from desktop.reasons import ReasonCatalog
from desktop.state_timer import format_duration
from desktop.texts import channel_name, customer_name, task_end_reason
from desktop.workspace.work_model import TaskPhase, WorkItem, phase_name, queue_label
from desktop.workspace.wrapup_host import WrapUpHost
from desktop.workspace.wrapup_panel import WrapUpPanel


class TaskView(WrapUpHost, QWidget):
    """One per task, so a half-typed wrap-up survives switching to another task and back."""

    #: The agent finished the task: task_id.
    complete_requested = Signal(str)
    #: The agent put away a task that ended without wrap-up: task_id.
    dismiss_requested = Signal(str)
    #: The wrap-up panel submitted: (task_id, code, notes, follow_up).
    wrapup_submitted = Signal(str, str, str, bool)

    def __init__(
        self,
        item: WorkItem,
        reasons: ReasonCatalog,
        *,
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("task_view")
        self._item = item
        self._shown_phase = item.phase
        self._reasons = reasons
        self._now_ms = now_ms
        self._tick_ms = tick_ms
        self._busy = False
        self.wrapup_panel: WrapUpPanel | None = None

        self._icon = QLabel(self)
        self._icon.setFixedSize(QSize(40, 40))
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("task_customer")
        self.priority_badge = QLabel(self)
        self.priority_badge.setObjectName("priority_badge")
        self.queue_label = QLabel(self)
        self.queue_label.setObjectName("task_queue")
        self.elapsed_label = QLabel(self)
        self.elapsed_label.setObjectName("task_elapsed")
        self.elapsed_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.phase_label = QLabel(self)
        self.phase_label.setObjectName("task_phase")
        self.subject_label = QLabel(self)
        self.subject_label.setObjectName("task_subject")
        self.subject_label.setWordWrap(True)
        self.subject_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._details = QFrame(self)
        self._details.setObjectName("task_details")
        self._details_form = QFormLayout(self._details)
        self._details_form.setContentsMargins(0, 0, 0, 0)
        self._details_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)

        self.complete_button = QPushButton(self)
        self.complete_button.setObjectName("task_complete")
        self.complete_button.clicked.connect(self._on_complete_clicked)
        self.dismiss_button = QPushButton(self)
        self.dismiss_button.setObjectName("task_dismiss")
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)

        who = QVBoxLayout()
        who.setSpacing(2)
        name_row = QHBoxLayout()
        name_row.setSpacing(8)
        name_row.addWidget(self.customer_label)
        name_row.addWidget(self.priority_badge)
        name_row.addStretch(1)
        who.addLayout(name_row)
        who.addWidget(self.queue_label)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addLayout(who, 1)
        time_box = QVBoxLayout()
        time_box.setSpacing(2)
        time_box.addWidget(self.elapsed_label)
        time_box.addWidget(self.phase_label, 0, Qt.AlignmentFlag.AlignRight)
        head.addLayout(time_box)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.complete_button)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 14, 16, 14)
        self._layout.setSpacing(10)
        self._layout.addLayout(head)
        self._layout.addWidget(self.subject_label)
        self._layout.addWidget(self._details)
        self._wrapup_slot = self._layout.count()  # the wrap-up panel goes right under the details
        self._layout.addStretch(1)
        self._layout.addLayout(actions)
        self.show_item(item)

    # --- public ---------------------------------------------------------------------------

    @property
    def task_id(self) -> str:
        return self._item.task_id

    def show_item(self, item: WorkItem) -> None:
        """Redraw from the item (phase, details, wrap-up)."""
        self._adopt_item(item)
        self._show()

    # --- Qt overrides -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._show()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        # Only the shown view ticks; one brought forward must not show a stale time first.
        self.tick()
        super().showEvent(event)

    # --- slots ----------------------------------------------------------------------------------

    def _on_complete_clicked(self) -> None:
        if not self._busy and self._item.phase == TaskPhase.ACTIVE:
            self.complete_requested.emit(self._item.task_id)

    def _on_dismiss_clicked(self) -> None:
        if not self._busy and self._item.phase in (TaskPhase.ENDED, TaskPhase.COMPLETED):
            self.dismiss_requested.emit(self._item.task_id)

    # --- internals --------------------------------------------------------------------------------

    def _show(self) -> None:
        item, task = self._item, self._item.task
        self._icon.setPixmap(channel_icon(task.channel).pixmap(QSize(40, 40)))
        self._icon.setToolTip(channel_name(task.channel))
        self.customer_label.setText(customer_name(task.customer_name))
        self.priority_badge.setText(self.tr("VIP"))
        self.priority_badge.setToolTip(self.tr("Priority {priority}").format(priority=task.priority))
        self.priority_badge.setVisible(task.priority > 0)
        parts = [p for p in (queue_label(task), channel_name(task.channel)) if p]
        if task.kind == "outbound":
            parts.append(self.tr("Outbound"))
        self.queue_label.setText(" · ".join(parts))
        self.subject_label.setText(task.subject)
        self.subject_label.setVisible(bool(task.subject))
        self.phase_label.setText(phase_name(item))
        self.phase_label.setProperty("phase", item.phase.value)
        self.phase_label.style().unpolish(self.phase_label)
        self.phase_label.style().polish(self.phase_label)
        self.elapsed_label.setToolTip(self.tr("Time since the task was assigned to you"))
        self._fill_details()
        self.complete_button.setText(self.tr("Complete"))
        self.complete_button.setToolTip(self.tr("The work with the customer is done; wrap-up may follow"))
        self.dismiss_button.setText(self.tr("Close"))
        self.dismiss_button.setToolTip(self.tr("Remove this finished task from your list"))
        self._update_buttons()
        self.tick()

    def _fill_details(self) -> None:
        while self._details_form.rowCount():
            self._details_form.removeRow(0)
        task = self._item.task
        rows: list[tuple[str, str]] = []
        if self._item.phase in (TaskPhase.ENDED, TaskPhase.WRAPUP) and self._item.end_reason:
            rows.append((self.tr("Ended:"), task_end_reason(self._item.end_reason)))
        if task.customer_id:
            rows.append((self.tr("Customer ID:"), task.customer_id))
        if task.arrived_ms and self._item.assigned_ms >= task.arrived_ms:
            rows.append((self.tr("Waited:"), format_duration(self._item.assigned_ms - task.arrived_ms)))
        rows.append((self.tr("Task:"), task.task_id))
        for key in sorted(task.attributes):
            rows.append((f"{key}:", task.attributes[key]))
        for caption, value in rows:
            value_label = QLabel(value, self._details)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption_label = QLabel(caption, self._details)
            caption_label.setObjectName("detail_caption")
            self._details_form.addRow(caption_label, value_label)

    def _update_buttons(self) -> None:
        phase = self._item.phase
        self.complete_button.setVisible(phase == TaskPhase.ACTIVE)
        self.complete_button.setEnabled(not self._busy)
        self.dismiss_button.setVisible(phase in (TaskPhase.ENDED, TaskPhase.COMPLETED))
        self.dismiss_button.setEnabled(not self._busy)
