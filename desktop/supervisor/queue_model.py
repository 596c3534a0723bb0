"""Every queue's live statistics as a table model, fed by list_queues and the ``queue`` stream."""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor

from desktop.icons import icon
from desktop.state_timer import format_duration
from desktop.texts import localized_name
from edge_server.contract.messages import QueueStatus

_Index = QModelIndex | QPersistentModelIndex


class QueueColumn(enum.IntEnum):
    NAME = 0
    OPEN = 1
    WAITING = 2
    OFFERED = 3
    LONGEST = 4
    SERVICE_LEVEL = 5
    ANSWERED = 6
    ABANDONED = 7
    AHT = 8
    STAFFED = 9
    EWT = 10


#: Role giving a value that sorts naturally (numbers; missing values first).
SORT_ROLE = Qt.ItemDataRole.UserRole
#: Role giving the row's QueueStatus.
QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1

_NUMERIC = {
    QueueColumn.WAITING, QueueColumn.OFFERED, QueueColumn.LONGEST, QueueColumn.SERVICE_LEVEL,
    QueueColumn.ANSWERED, QueueColumn.ABANDONED, QueueColumn.AHT, QueueColumn.STAFFED, QueueColumn.EWT,
}
_BELOW_GOAL_FG = QBrush(QColor("#9c2f2d"))
_BELOW_GOAL_BG = QBrush(QColor("#fbeaea"))
_MET_GOAL_FG = QBrush(QColor("#1f6e37"))
_CLOSED_FG = QBrush(QColor("#8a8f98"))
_NONE = "–"  # a statistic with no data yet (no calls answered today...)


def below_goal(q: QueueStatus) -> bool:
    return q.service_level_pct is not None and q.service_level_pct < q.sl_goal_pct


class QueueTableModel(QAbstractTableModel):
    """One row per queue, keyed by queue id; the longest wait ticks with the edge's clock."""

    def __init__(
        self, now_ms: Callable[[], int], *, tick_ms: int = 1000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._now_ms = now_ms
        self._rows: list[QueueStatus] = []
        self._row_of: dict[str, int] = {}
        self._tick = QTimer(self)
        self._tick.setObjectName("queue_model_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)

    # --- feeding ------------------------------------------------------------------------

    def set_queues(self, queues: Iterable[QueueStatus]) -> None:
        self.beginResetModel()
        self._rows = list(queues)
        self._row_of = {q.queue: i for i, q in enumerate(self._rows)}
        self.endResetModel()
        self._update_tick()

    def upsert(self, status: QueueStatus) -> None:
        row = self._row_of.get(status.queue)
        if row is None:
            row = len(self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.append(status)
            self._row_of[status.queue] = row
            self.endInsertRows()
        else:
            # Statistics carry no version: the stream sends the latest on every change.
            self._rows[row] = status
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(QueueColumn) - 1))
        self._update_tick()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(QueueColumn) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(QueueColumn) - 1))

    def status_at(self, row: int) -> QueueStatus:
        return self._rows[row]

    def row_of(self, queue: str) -> int | None:
        return self._row_of.get(queue)

    # --- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(QueueColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _header(QueueColumn(section))
        if role == Qt.ItemDataRole.ToolTipRole:
            return _header_tip(QueueColumn(section))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q = self._rows[index.row()]
        col = QueueColumn(index.column())
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return self._display(q, col)
            case Qt.ItemDataRole.TextAlignmentRole:
                if col in _NUMERIC:
                    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            case Qt.ItemDataRole.ForegroundRole:
                if col == QueueColumn.SERVICE_LEVEL and q.service_level_pct is not None:
                    return _BELOW_GOAL_FG if below_goal(q) else _MET_GOAL_FG
                if col == QueueColumn.OPEN and not q.open:
                    return _CLOSED_FG
            case Qt.ItemDataRole.BackgroundRole:
                if col == QueueColumn.SERVICE_LEVEL and below_goal(q):
                    return _BELOW_GOAL_BG
            case Qt.ItemDataRole.DecorationRole:
                if col == QueueColumn.OPEN:
                    return icon("dot-green" if q.open else "dot-grey")
            case Qt.ItemDataRole.ToolTipRole:
                if col == QueueColumn.NAME:
                    return q.queue
                if col == QueueColumn.SERVICE_LEVEL:
                    return QCoreApplication.translate(
                        "QueueTableModel", "Goal: {goal}% answered within {target} s"
                    ).format(goal=_pct(q.sl_goal_pct), target=_num(q.sl_target_s))
            case _ if role == SORT_ROLE:
                return self._sort_key(q, col)
            case _ if role == QUEUE_ROLE:
                return q
        return None

    # --- internals ----------------------------------------------------------------------------

    def _longest_ms(self, q: QueueStatus) -> int | None:
        if q.oldest_arrival_ms is None or q.waiting + q.offered == 0:
            return None
        return max(0, self._now_ms() - q.oldest_arrival_ms)

    def _display(self, q: QueueStatus, col: QueueColumn) -> str:
        match col:
            case QueueColumn.NAME:
                return localized_name(q.name_en, q.name_zh, q.queue)
            case QueueColumn.OPEN:
                if q.open:
                    return QCoreApplication.translate("QueueTableModel", "Open")
                return QCoreApplication.translate("QueueTableModel", "Closed")
            case QueueColumn.WAITING:
                return str(q.waiting)
            case QueueColumn.OFFERED:
                return str(q.offered)
            case QueueColumn.LONGEST:
                longest = self._longest_ms(q)
                return format_duration(longest) if longest is not None else _NONE
            case QueueColumn.SERVICE_LEVEL:
                if q.service_level_pct is None:
                    return _NONE
                return f"{_pct(q.service_level_pct)}%"
            case QueueColumn.ANSWERED:
                return str(q.answered)
            case QueueColumn.ABANDONED:
                return str(q.abandoned)
            case QueueColumn.AHT:
                return format_duration(int(q.aht_s * 1000)) if q.aht_s is not None else _NONE
            case QueueColumn.STAFFED:
                return str(q.staffed)
            case QueueColumn.EWT:
                return format_duration(int(q.ewt_next_s * 1000)) if q.ewt_next_s is not None else _NONE
        return ""

    def _sort_key(self, q: QueueStatus, col: QueueColumn) -> Any:
        match col:
            case QueueColumn.NAME:
                return self._display(q, col).casefold()
            case QueueColumn.OPEN:
                return int(q.open)
            case QueueColumn.LONGEST:
                longest = self._longest_ms(q)
                return -1 if longest is None else longest
            case QueueColumn.SERVICE_LEVEL:
                return -1.0 if q.service_level_pct is None else q.service_level_pct
            case QueueColumn.AHT:
                return -1.0 if q.aht_s is None else q.aht_s
            case QueueColumn.EWT:
                return -1.0 if q.ewt_next_s is None else q.ewt_next_s
            case QueueColumn.WAITING:
                return q.waiting
            case QueueColumn.OFFERED:
                return q.offered
            case QueueColumn.ANSWERED:
                return q.answered
            case QueueColumn.ABANDONED:
                return q.abandoned
            case QueueColumn.STAFFED:
                return q.staffed
        return 0

    def _update_tick(self) -> None:
        ticking = any(q.oldest_arrival_ms is not None for q in self._rows)
        if ticking and not self._tick.isActive():
            self._tick.start()
        elif not ticking:
            self._tick.stop()

    def _on_tick(self) -> None:
        if self._rows:
            col = QueueColumn.LONGEST
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))


def _pct(value: float) -> str:
    """85 rather than 85.0; one decimal only when it says something (87.5)."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _num(value: float) -> str:
    return f"{value:g}"


def _header(col: QueueColumn) -> str:
    match col:
        case QueueColumn.NAME:
            return QCoreApplication.translate("QueueTableModel", "Queue")
        case QueueColumn.OPEN:
            return QCoreApplication.translate("QueueTableModel", "Status")
        case QueueColumn.WAITING:
            return QCoreApplication.translate("QueueTableModel", "Waiting")
        case QueueColumn.OFFERED:
            return QCoreApplication.translate("QueueTableModel", "Ringing")
        case QueueColumn.LONGEST:
            return QCoreApplication.translate("QueueTableModel", "Longest wait")
        case QueueColumn.SERVICE_LEVEL:
            return QCoreApplication.translate("QueueTableModel", "Service level")
        case QueueColumn.ANSWERED:
            return QCoreApplication.translate("QueueTableModel", "Answered")
        case QueueColumn.ABANDONED:
            return QCoreApplication.translate("QueueTableModel", "Abandoned")
        case QueueColumn.AHT:
            return QCoreApplication.translate("QueueTableModel", "AHT")
        case QueueColumn.STAFFED:
            return QCoreApplication.translate("QueueTableModel", "Staffed")
        case QueueColumn.EWT:
            return QCoreApplication.translate("QueueTableModel", "EWT")
    return ""


def _header_tip(col: QueueColumn) -> str | None:
    match col:
        case QueueColumn.OFFERED:
            return QCoreApplication.translate("QueueTableModel", "Tasks ringing at an agent right now")
        case QueueColumn.SERVICE_LEVEL:
            return QCoreApplication.translate("QueueTableModel", "Share answered within the queue's target time; red below the goal")
        case QueueColumn.AHT:
            return QCoreApplication.translate("QueueTableModel", "Average handle time")
        case QueueColumn.STAFFED:
            return QCoreApplication.translate("QueueTableModel", "Agents in Ready who can take this queue's work")
        case QueueColumn.EWT:
            return QCoreApplication.translate("QueueTableModel", "Estimated wait of the next customer")
    return None
