"""The agent's assigned tasks as a list model, keyed by task id, in the order they arrived."""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer

from desktop.icons import channel_icon
from desktop.state_timer import format_duration
from desktop.texts import customer_name, localized_name, task_end_reason
from desktop.workspace.conversation import MESSAGING_CHANNELS
from edge_server.contract.messages import OfferMade, TaskAssigned, TaskEnded, TaskInfo, WrapUpStarted

if TYPE_CHECKING:
    from desktop.workspace.conversation import Conversation

_Index = QModelIndex | QPersistentModelIndex

#: Role giving the row's WorkItem.
ITEM_ROLE = Qt.ItemDataRole.UserRole
#: Role giving the row's task id.
TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role giving the row's unread count (messages from others past the read mark).
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 2
#: Role giving the row's (ms, SlaLevel) timer.
SLA_ROLE = Qt.ItemDataRole.UserRole + 3
#: The service-level target when the queue's own is not known (QueueStatus's default).
DEFAULT_SL_TARGET_S = 20.0


class TaskPhase(enum.StrEnum):
    #: Ringing at this agent: shown with its countdown until accepted, declined or gone.
    OFFERED = "offered"
    ACTIVE = "active"
    #: The agent completed it and the edge agreed; wrap-up may still follow.
    COMPLETED = "completed"
    WRAPUP = "wrapup"
    #: The other side ended it (customer hung up, supervisor cancelled).
    ENDED = "ended"


@dataclass(slots=True)
class WorkItem:
    task: TaskInfo
    phase: TaskPhase
    assigned_ms: int  # edge clock when this desktop first saw the assignment
    offer_id: int = 0
    end_reason: str = ""
    wrapup: WrapUpStarted | None = None
    #: Known by id only: a wrap-up or end push overtook the assignment it belongs to.
    placeholder: bool = False
    #: Ringing offer (phase OFFERED): its expiry drives the row's countdown.
    offer: OfferMade | None = None
    #: This agent consults/conferences on someone else's interaction (no routing task of its own).
    participation: bool = False

    @property
    def task_id(self) -> str:
        return self.task.task_id

    @property
    def interaction_id(self) -> str:
        """The interaction this row shows ("" for a bare routing task, which has no transcript)."""
        return self.task.interaction_id

    @property
    def is_chat(self) -> bool:
        """Shown as a chat: a messaging channel with an interaction behind it."""
        return bool(self.task.interaction_id) and is_messaging(self.task.channel)


class SlaLevel(enum.StrEnum):
    PLAIN = "plain"  # time with the agent, nobody waiting on a reply
    OK = "ok"  # the customer waits, within the queue's service-level target
    WARN = "warn"  # past the target (amber)
    LATE = "late"  # past twice the target (red)
    RING = "ring"  # an offer's countdown


def is_messaging(channel: str) -> bool:
    return channel in MESSAGING_CHANNELS


def phase_name(item: WorkItem) -> str:
    match item.phase:
        case TaskPhase.OFFERED:
            return QCoreApplication.translate("Work", "Ringing")
        case TaskPhase.ACTIVE:
            return QCoreApplication.translate("Work", "Active")
        case TaskPhase.COMPLETED:
            return QCoreApplication.translate("Work", "Completed")
        case TaskPhase.WRAPUP:
            return QCoreApplication.translate("Work", "Wrap-up")
        case TaskPhase.ENDED:
            if item.end_reason:
                return QCoreApplication.translate("Work", "Ended: {reason}").format(
                    reason=task_end_reason(item.end_reason)
                )
            return QCoreApplication.translate("Work", "Ended")
    return str(item.phase)


def queue_label(task: TaskInfo) -> str:
    return localized_name(task.queue_name_en, task.queue_name_zh, task.queue)


class WorkListModel(QAbstractListModel):
    """One row per task; the elapsed time ticks while there are rows."""

    def __init__(
        self, now_ms: Callable[[], int], *, tick_ms: int = 1000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._now_ms = now_ms
        self._items: list[WorkItem] = []
        #: How a row finds its conversation (unread, waiting since); set by the work list.
        self.conversation_for: Callable[[WorkItem], Conversation | None] = lambda _item: None
        #: Service-level target per queue id, in seconds (from queue statuses when the agent gets them).
        self.sl_targets: dict[str, float] = {}
        self._tick = QTimer(self)
        self._tick.setObjectName("work_model_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)

    # --- reading ------------------------------------------------------------------------

    def items(self) -> list[WorkItem]:
        return list(self._items)

    def item(self, task_id: str) -> WorkItem | None:
        row = self.row_of(task_id)
        return self._items[row] if row is not None else None

    def item_at(self, row: int) -> WorkItem:
        return self._items[row]

    def row_of(self, task_id: str) -> int | None:
        for row, item in enumerate(self._items):
            if item.task_id == task_id:
                return row
        return None

    def elapsed_ms(self, item: WorkItem) -> int:
        return self._now_ms() - item.assigned_ms

    def unread(self, item: WorkItem) -> int:
        conv = self.conversation_for(item)
        return conv.unread if conv is not None else 0

    def sla(self, item: WorkItem) -> tuple[int, SlaLevel]:
        """The row's timer: ring countdown, the customer's wait for a reply, or time with the agent."""
        now = self._now_ms()
        if item.phase == TaskPhase.OFFERED and item.offer is not None:
            return max(0, item.offer.expires_ms - now), SlaLevel.RING
        conv = self.conversation_for(item)
        if item.phase == TaskPhase.ACTIVE and conv is not None and conv.waiting_since_ms:
            waited = max(0, now - conv.waiting_since_ms)
            target_ms = self.sl_targets.get(item.task.queue, DEFAULT_SL_TARGET_S) * 1000
            if waited > 2 * target_ms:
                return waited, SlaLevel.LATE
            if waited > target_ms:
                return waited, SlaLevel.WARN
            return waited, SlaLevel.OK
        return self.elapsed_ms(item), SlaLevel.PLAIN

    def refresh(self, item: WorkItem) -> None:
        """Redraw one row (its conversation changed)."""
        self._changed(item)

    def row_of_interaction(self, interaction_id: str) -> int | None:
        for row, item in enumerate(self._items):
            if interaction_id and item.interaction_id == interaction_id:
                return row
        return None

    def offer(self, offer: OfferMade) -> WorkItem | None:
        """A ringing offer becomes a row (or refreshes its row); None if its task is already here."""
        existing = self.item(offer.task.task_id)
        if existing is not None:
            if existing.phase == TaskPhase.OFFERED:
                existing.offer = offer
                existing.task = offer.task
                self._changed(existing)
            return existing if existing.phase == TaskPhase.OFFERED else None
        item = WorkItem(offer.task, TaskPhase.OFFERED, self._now_ms(), offer_id=offer.offer_id, offer=offer)
        self._append(item)
        return item

    def drop_offer(self, offer_id: int) -> str | None:
        """The offer stopped ringing without becoming work: remove its row; returns its task id."""
        for item in self._items:
            if item.phase == TaskPhase.OFFERED and item.offer_id == offer_id:
                self.remove(item.task_id)
                return item.task_id
        return None

    def add_participation(self, task: TaskInfo) -> tuple[WorkItem, bool]:
        """This agent joined someone else's interaction (consult/conference)."""
        existing = self.item(task.task_id)
        if existing is not None:
            return existing, False
        item = WorkItem(task, TaskPhase.ACTIVE, self._now_ms(), participation=True)
        self._append(item)
        return item, True

    # --- feeding ------------------------------------------------------------------------

    def assign(self, assigned: TaskAssigned) -> tuple[WorkItem, bool]:
        """Add the task, or refresh its details (its phase stays); returns (item, added)."""
        existing = self.item(assigned.task.task_id)
        if existing is not None:
            if existing.phase == TaskPhase.OFFERED:
                # Accepted: the ring is over, the work starts now.
                existing.phase = TaskPhase.ACTIVE
                existing.offer = None
                existing.assigned_ms = self._now_ms()
            existing.task = assigned.task
            existing.offer_id = assigned.offer_id or existing.offer_id
            existing.placeholder = False
            self._changed(existing)
            return existing, False
        item = WorkItem(assigned.task, TaskPhase.ACTIVE, self._now_ms(), offer_id=assigned.offer_id)
        self._append(item)
        return item, True

    def start_wrapup(self, wrapup: WrapUpStarted) -> WorkItem:
        item = self._item_or_placeholder(wrapup.task_id, TaskPhase.WRAPUP)
        item.phase = TaskPhase.WRAPUP
        item.wrapup = wrapup
        self._changed(item)
        return item

    def end(self, ended: TaskEnded) -> WorkItem:
        item = self._item_or_placeholder(ended.task_id, TaskPhase.ENDED)
        item.end_reason = ended.reason
        # A wrap-up already under way stays what the agent acts on; the reason is shown with it.
        if item.phase != TaskPhase.WRAPUP:
            item.phase = TaskPhase.ENDED
        self._changed(item)
        return item

    def set_phase(self, task_id: str, phase: TaskPhase) -> None:
        item = self.item(task_id)
        if item is not None and item.phase != phase:
            item.phase = phase
            if phase != TaskPhase.WRAPUP:
                item.wrapup = None
            self._changed(item)

    def remove(self, task_id: str) -> bool:
        row = self.row_of(task_id)
        if row is None:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()
        self._update_tick()
        return True

    def retain(self, task_ids: Iterable[str]) -> list[str]:
        """Drop every task not in ``task_ids``; returns the dropped ids."""
        keep = set(task_ids)
        dropped = [i.task_id for i in self._items if i.task_id not in keep]
        for task_id in dropped:
            self.remove(task_id)
        return dropped

    def clear(self) -> None:
        self.beginResetModel()
        self._items.clear()
        self.endResetModel()
        self._update_tick()

    def retranslate(self) -> None:
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))

    # --- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return customer_name(item.task.customer_name)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            text = QCoreApplication.translate("Work", "{customer}, {queue}, {state}, {time}").format(
                customer=customer_name(item.task.customer_name), queue=queue_label(item.task),
                state=phase_name(item), time=format_duration(self.elapsed_ms(item)),
            )
            unread = self.unread(item)
            if unread:
                text += QCoreApplication.translate("Work", ", {count} unread").format(count=unread)
            return text
        if role == UNREAD_ROLE:
            return self.unread(item)
        if role == SLA_ROLE:
            return self.sla(item)
        if role == Qt.ItemDataRole.DecorationRole:
            return channel_icon(item.task.channel)
        if role == ITEM_ROLE:
            return item
        if role == TASK_ID_ROLE:
            return item.task_id
        return None

    # --- internals --------------------------------------------------------------------------

    def _item_or_placeholder(self, task_id: str, phase: TaskPhase) -> WorkItem:
        item = self.item(task_id)
        if item is None:
            item = WorkItem(TaskInfo(task_id=task_id, queue=""), phase, self._now_ms(), placeholder=True)
            self._append(item)
        return item

    def _append(self, item: WorkItem) -> None:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(item)
        self.endInsertRows()
        self._update_tick()

    def _changed(self, item: WorkItem) -> None:
        row = self.row_of(item.task_id)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def _update_tick(self) -> None:
        if self._items and not self._tick.isActive():
            self._tick.start()
        elif not self._items:
            self._tick.stop()

    def _on_tick(self) -> None:
        self.retranslate()
