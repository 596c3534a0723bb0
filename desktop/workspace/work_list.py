"""The agent's interaction list on the left, the selected one's pane (chat or task) on the right.

Rows: ringing offers (with their countdown), assigned tasks, and interactions this
agent consults on. Chat-like channels get a ChatView over their Conversation,
the rest the TaskView.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.reasons import ReasonCatalog
from desktop.tasks import spawn
from desktop.workspace.chat_view import ChatView
from desktop.workspace.conversation import Conversation
from desktop.workspace.conversations import ConversationStore
from desktop.workspace.task_view import TaskView
from desktop.workspace.work_delegate import WorkItemDelegate
from desktop.workspace.work_model import TASK_ID_ROLE, TaskPhase, WorkItem, WorkListModel
from edge_server.contract.interactions import InteractionDetail, InteractionInfo, ParticipantRole
from edge_server.contract.messages import (
    OfferMade,
    OfferRescinded,
    QueueStatus,
    Snapshot,
    TaskAssigned,
    TaskEnded,
    TaskInfo,
    WrapUpEnded,
    WrapUpStarted,
)

if TYPE_CHECKING:
    from desktop.session import EdgeSession

DetailView = TaskView | ChatView

log = logging.getLogger("sb.ui")

#: Ctrl+1 .. Ctrl+9 select the first nine tasks.
SELECT_KEYS = 9


class WorkList(QWidget):
    """Observes the session's work signals; sends complete and wrap-up back to it."""

    #: The number of tasks changed (the workspace shows its empty page at 0).
    count_changed = Signal(int)
    #: The selected row changed: its WorkItem, or None (the screen-pop follows it).
    current_changed = Signal(object)
    #: A line for the status bar (from a chat view).
    notice_posted = Signal(str)

    def __init__(
        self,
        session: EdgeSession,
        *,
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        store: ConversationStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("work_list")
        self._session = session
        self._now_ms = now_ms
        self._tick_ms = tick_ms
        self._reasons = ReasonCatalog()
        self._views: dict[str, DetailView] = {}
        self.store = store
        self.model = WorkListModel(now_ms, tick_ms=tick_ms, parent=self)
        self.model.conversation_for = self._conversation_for

        self._title = QLabel(self)
        self._title.setObjectName("work_title")
        self.list_view = QListView(self)
        self.list_view.setObjectName("work_list_view")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(WorkItemDelegate(self.model))
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setUniformItemSizes(True)
        self.list_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(self._title)
        left_layout.addWidget(self.list_view, 1)

        self.details = QStackedWidget(self)
        self.details.setObjectName("task_details_stack")
        self._nothing = QLabel(self.details)
        self._nothing.setObjectName("empty_hint")
        self._nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details.addWidget(self._nothing)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("work_splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 600])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._shortcuts: list[QShortcut] = []
        for n in range(1, SELECT_KEYS + 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.setObjectName(f"select_task_{n}")
            # The whole window: the agent may be typing in a chat when switching tasks.
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=n: self.select_row(n - 1))
            self._shortcuts.append(shortcut)
        # Next / previous, as browsers' tabs and as Chatwoot's Alt+J/K (both pairs: habits differ).
        for keys, step, name in (
            ("Ctrl+Tab", 1, "next_task"), ("Ctrl+Shift+Tab", -1, "previous_task"),
            ("Ctrl+Backtab", -1, "previous_task_backtab"),
            ("Alt+Down", 1, "next_task_alt"), ("Alt+Up", -1, "previous_task_alt"),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setObjectName(name)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda step=step: self.select_next(step))
            self._shortcuts.append(shortcut)

        self._tick = QTimer(self)
        self._tick.setObjectName("task_view_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)

        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            sig.connect(self._on_rows_changed)
        session.task_assigned.connect(self._on_task_assigned)
        session.task_ended.connect(self._on_task_ended)
        session.wrapup_started.connect(self._on_wrapup_started)
        session.wrapup_ended.connect(self._on_wrapup_ended)
        session.logged_in.connect(self._on_snapshot)
        session.snapshot_refreshed.connect(self._on_snapshot)
        session.logged_out.connect(self.clear)
        session.offer_received.connect(self._on_offer_received)
        session.offer_rescinded.connect(self._on_offer_rescinded)
        session.queue_status_published.connect(self._on_queue_status_published)
        session.queues_listed.connect(self._on_queues_listed)
        if store is not None:
            store.conversation_added.connect(self._on_conversation_added)
            store.interaction_listed.connect(self._on_interaction_listed)
            store.rebuilt.connect(self._on_rebuilt)
        self._retranslate()

    # --- public ---------------------------------------------------------------------------

    def count(self) -> int:
        return self.model.rowCount()

    def view_for(self, task_id: str) -> DetailView | None:
        return self._views.get(task_id)

    def chat_for(self, interaction_id: str) -> ChatView | None:
        row = self.model.row_of_interaction(interaction_id)
        if row is None:
            return None
        view = self._views.get(self.model.item_at(row).task_id)
        return view if isinstance(view, ChatView) else None

    def current_item(self) -> WorkItem | None:
        return self.model.item(self.current_task_id() or "")

    def select_next(self, step: int) -> bool:
        """Ctrl+Tab and friends: the next (or previous) row, wrapping around."""
        n = self.model.rowCount()
        if not n:
            return False
        index = self.list_view.currentIndex()
        row = index.row() if index.isValid() else -1
        return self.select_row((row + step) % n)

    def select_interaction(self, interaction_id: str) -> bool:
        row = self.model.row_of_interaction(interaction_id)
        return row is not None and self.select_row(row)

    def offer_closed(self, offer_id: int) -> None:
        """The offer stack closed an offer (declined, run out, accept refused): drop its row."""
        task_id = self.model.drop_offer(offer_id)
        if task_id is not None:
            self._drop_view(task_id)

    def join(self, detail: InteractionDetail) -> WorkItem | None:
        """An accepted invite: the interaction joins the list as a participation row."""
        if self.store is None:
            return None
        self.store.apply_detail(detail)
        return self._add_participation(detail.info)

    def current_task_id(self) -> str | None:
        index = self.list_view.currentIndex()
        return index.data(TASK_ID_ROLE) if index.isValid() else None

    def current_view(self) -> DetailView | None:
        task_id = self.current_task_id()
        return self._views.get(task_id) if task_id else None

    def select_row(self, row: int) -> bool:
        if not 0 <= row < self.model.rowCount():
            return False
        self.list_view.selectionModel().setCurrentIndex(
            self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    def select_task(self, task_id: str) -> bool:
        row = self.model.row_of(task_id)
        return row is not None and self.select_row(row)

    def set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        for view in self._views.values():
            view.set_reasons(reasons)

    def clear(self) -> None:
        self.model.clear()
        for task_id in list(self._views):
            self._drop_view(task_id)

    # --- Qt overrides -------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.model.retranslate()
        super().changeEvent(event)

    # --- session slots --------------------------------------------------------------------------

    def _on_offer_received(self, offer: OfferMade) -> None:
        if offer.expires_ms <= self._now_ms():
            return  # the offer stack does not show it either
        self.model.offer(offer)

    def _on_offer_rescinded(self, rescinded: OfferRescinded) -> None:
        self.offer_closed(rescinded.offer_id)

    def _on_queue_status_published(self, status: QueueStatus) -> None:
        self.model.sl_targets[status.queue] = status.sl_target_s

    def _on_queues_listed(self, statuses: list[QueueStatus]) -> None:
        for status in statuses:
            self._on_queue_status_published(status)

    def _on_task_assigned(self, assigned: TaskAssigned) -> None:
        before = self.model.item(assigned.task.task_id)
        was_offer = before is not None and before.phase == TaskPhase.OFFERED
        item, added = self.model.assign(assigned)
        added = added or was_offer
        self._load_conversation(item)
        self._refresh_view(item)
        if added:
            log.info("task %s assigned (%s)", item.task_id, item.task.queue)
            current = self.model.item(self.current_task_id() or "")
            # Bring new work forward unless the agent is busy with another active task.
            if current is None or current.phase != TaskPhase.ACTIVE:
                self.select_task(item.task_id)

    def _on_task_ended(self, ended: TaskEnded) -> None:
        item = self.model.item(ended.task_id)
        if ended.reason == "completed" and item is not None and item.phase == TaskPhase.COMPLETED:
            # The edge confirms no wrap-up follows the agent's own Complete: nothing left to show.
            self._remove(ended.task_id)
            return
        self._refresh_view(self.model.end(ended))

    def _on_wrapup_started(self, wrapup: WrapUpStarted) -> None:
        item = self.model.start_wrapup(wrapup)
        self._refresh_view(item)
        if self.current_task_id() is None:
            self.select_task(item.task_id)

    def _on_wrapup_ended(self, ended: WrapUpEnded) -> None:
        self._remove(ended.task_id)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        # The snapshot is the truth: drop what it lacks; its tasks and wrap-ups follow as
        # task_assigned / wrapup_started and redraw the rest.
        in_wrapup = {w.task_id for w in snapshot.wrapups}
        keep = {t.task_id for t in snapshot.tasks} | in_wrapup | {o.task.task_id for o in snapshot.offers}
        # Consultations are not routing tasks: the interactions rebuild confirms or drops them.
        keep |= {i.task_id for i in self.model.items() if i.participation}
        for task_id in self.model.retain(keep):
            self._drop_view(task_id)
        for item in self.model.items():
            if item.participation or item.phase == TaskPhase.OFFERED:
                continue
            if item.task_id not in in_wrapup and item.phase != TaskPhase.ACTIVE:
                self.model.set_phase(item.task_id, TaskPhase.ACTIVE)
                self._refresh_view(item)

    # --- view slots --------------------------------------------------------------------------------

    def _on_complete_requested(self, task_id: str) -> None:
        view = self._views.get(task_id)
        if view is not None:
            view.set_busy(True)
        spawn(self._complete(task_id), name=f"complete-{task_id}")

    def _on_leave_requested(self, task_id: str) -> None:
        view = self._views.get(task_id)
        if view is not None:
            view.set_busy(True)
        spawn(self._leave(task_id), name=f"leave-{task_id}")

    def _on_dismiss_requested(self, task_id: str) -> None:
        self._remove(task_id)

    def _on_wrapup_submitted(self, task_id: str, code: str, notes: str, follow_up: bool) -> None:
        view = self._views.get(task_id)
        if view is not None:
            view.set_busy(True)
        spawn(self._submit(task_id, code, notes, follow_up), name=f"wrapup-{task_id}")

    # --- widget slots ------------------------------------------------------------------------------

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        view = self.current_view()
        self.details.setCurrentWidget(view if view is not None else self._nothing)
        self._retranslate()
        self.current_changed.emit(self.current_item())

    # --- store slots ----------------------------------------------------------------------------------

    def _on_conversation_added(self, interaction_id: str) -> None:
        conv = self.store.get(interaction_id) if self.store is not None else None
        if conv is None:
            return
        conv.unread_changed.connect(lambda _n, i=interaction_id: self._refresh_row(i))
        conv.waiting_changed.connect(lambda i=interaction_id: self._refresh_row(i))
        conv.info_changed.connect(lambda i=interaction_id: self._refresh_row(i))

    def _on_interaction_listed(self, info: InteractionInfo) -> None:
        if self.model.row_of_interaction(info.interaction_id) is not None or self.store is None:
            return
        me = self.store.me
        if any(p.username == me and p.role != ParticipantRole.OWNER for p in info.participants):
            self._add_participation(info)

    def _on_rebuilt(self) -> None:
        if self.store is None:
            return
        listed = set(self.store.ids())
        for item in self.model.items():
            conv = self.store.get(item.interaction_id)
            if item.participation and (item.interaction_id not in listed or conv is None or conv.info is None):
                self._remove(item.task_id)

    def _on_rows_changed(self) -> None:
        if self.current_task_id() is None and self.model.rowCount():
            self.select_row(0)
        elif not self.model.rowCount():
            self.details.setCurrentWidget(self._nothing)
        if self.model.rowCount():
            self._tick.start()
        else:
            self._tick.stop()
        self._retranslate()
        self.count_changed.emit(self.model.rowCount())

    def _on_tick(self) -> None:
        view = self.current_view()
        if view is not None:
            view.tick()

    # --- internals ------------------------------------------------------------------------------------

    async def _complete(self, task_id: str) -> None:
        item = self.model.item(task_id)
        if item is not None and item.is_chat and self.store is not None:
            # End chat: the edge closes it for the customer (rating) and starts wrap-up.
            ok = await self.store.hub.end_interaction(item.interaction_id)
        else:
            ok = await self._session.complete_task(task_id)
        item = self.model.item(task_id)
        if item is None:
            return
        if ok and item.phase == TaskPhase.ACTIVE:
            # Wrap-up (if the queue wants one) arrives as wrapup_started; until then the
            # task shows as completed and can be closed.
            self.model.set_phase(task_id, TaskPhase.COMPLETED)
        self._refresh_view(item)
        view = self._views.get(task_id)
        if view is not None and not ok:
            view.set_busy(False)

    async def _submit(self, task_id: str, code: str, notes: str, follow_up: bool) -> None:
        ok = await self._session.submit_wrapup(task_id, code, notes, follow_up)
        if ok:
            # The edge took it: the work is done (WrapUpEnded may follow and finds nothing).
            self._remove(task_id)
            return
        view = self._views.get(task_id)
        if view is not None:
            view.set_busy(False)

    async def _leave(self, task_id: str) -> None:
        item = self.model.item(task_id)
        if item is None or self.store is None:
            return
        if await self.store.hub.leave(item.interaction_id):
            self._remove(task_id)
            return
        view = self._views.get(task_id)
        if view is not None:
            view.set_busy(False)

    def _conversation_for(self, item: WorkItem) -> Conversation | None:
        if self.store is None or not item.interaction_id:
            return None
        return self.store.get(item.interaction_id)

    def _load_conversation(self, item: WorkItem) -> None:
        if self.store is None or not item.is_chat or not item.interaction_id:
            return
        conv = self.store.get(item.interaction_id)
        # Not "no info yet": the edge pushes the connected InteractionInfo to the new owner
        # before the assignment reply, and the messages written before accept come only by a load.
        if conv is None or not conv.loaded:
            self.store.ensure(item.interaction_id)
            spawn(self.store.load(item.interaction_id), name=f"load-{item.interaction_id}")

    def _add_participation(self, info: InteractionInfo) -> WorkItem:
        task = TaskInfo(
            task_id=info.interaction_id, interaction_id=info.interaction_id, queue=info.queue,
            channel=str(info.channel), customer_name=info.customer_name, customer_id=info.customer_id,
            subject=info.subject, arrived_ms=info.created_ms,
        )
        item, added = self.model.add_participation(task)
        if added:
            self._refresh_view(item)
            self.select_task(item.task_id)
        return item

    def _refresh_row(self, interaction_id: str) -> None:
        row = self.model.row_of_interaction(interaction_id)
        if row is not None:
            self.model.refresh(self.model.item_at(row))

    def _refresh_view(self, item: WorkItem) -> None:
        if item.phase == TaskPhase.OFFERED:
            return  # nothing to act on before accepting; the screen-pop shows who it is
        view = self._views.get(item.task_id)
        if view is None:
            if item.is_chat and self.store is not None and item.interaction_id:
                conv = self.store.ensure(item.interaction_id)
                chat = ChatView(item, self._reasons, conv, agent_name=self._agent_name,
                                now_ms=self._now_ms, tick_ms=self._tick_ms, parent=self.details)
                chat.leave_requested.connect(self._on_leave_requested)
                # The old leg ended without wrap-up (TaskEnded "transferred"): nothing left to do here.
                chat.transferred.connect(self._remove)
                chat.notice_posted.connect(self.notice_posted)
                view = chat
            else:
                view = TaskView(item, self._reasons, now_ms=self._now_ms, tick_ms=self._tick_ms,
                                parent=self.details)
            view.complete_requested.connect(self._on_complete_requested)
            view.dismiss_requested.connect(self._on_dismiss_requested)
            view.wrapup_submitted.connect(self._on_wrapup_submitted)
            self._views[item.task_id] = view
            self.details.addWidget(view)
            if self.current_task_id() == item.task_id:
                self.details.setCurrentWidget(view)
        else:
            view.show_item(item)

    def _agent_name(self) -> str:
        snap = self._session.snapshot
        return snap.me.display_name if snap is not None else ""

    def _remove(self, task_id: str) -> None:
        item = self.model.item(task_id)
        self.model.remove(task_id)
        self._drop_view(task_id)
        if item is not None and item.interaction_id and self.store is not None:
            if self.model.row_of_interaction(item.interaction_id) is None:
                self.store.drop(item.interaction_id)

    def _drop_view(self, task_id: str) -> None:
        view = self._views.pop(task_id, None)
        if view is not None:
            self.details.removeWidget(view)
            view.deleteLater()
        if self.current_view() is None:
            self.details.setCurrentWidget(self._nothing)

    def _retranslate(self) -> None:
        n = self.model.rowCount()
        self._title.setText(self.tr("My work ({count})").format(count=n))
        current = self.current_item()
        if current is not None and current.phase == TaskPhase.OFFERED:
            self._nothing.setText(self.tr("Accept the offer to start working on it."))
        else:
            self._nothing.setText(self.tr("Select a task to see it here."))
