"""Every agent of the site as a table model, fed by list_agents and live status updates."""
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

from desktop.icons import icon, state_icon
from desktop.reasons import ReasonCatalog
from desktop.state_timer import format_duration
from desktop.texts import state_name
from edge_server.contract.messages import AgentState, AgentStatus

_Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    NAME = 0
    TEAM = 1
    STATE = 2
    REASON = 3
    TIME = 4
    CONNECTED = 5


#: Role giving a value that sorts naturally (numbers for times, rank for states).
SORT_ROLE = Qt.ItemDataRole.UserRole
#: Role giving the row's username.
USERNAME_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role giving the row's AgentStatus.
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2

_STATE_RANK = {AgentState.READY: 0, AgentState.ACW: 1, AgentState.NOT_READY: 2, AgentState.LOGGED_OUT: 3}
_OFFLINE = QBrush(QColor("#8a8f98"))


class AgentTableModel(QAbstractTableModel):
    """One row per agent, keyed by username; the time column ticks once a second."""

    def __init__(
        self, now_ms: Callable[[], int], *, tick_ms: int = 1000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._now_ms = now_ms
        self._rows: list[AgentStatus] = []
        self._row_of: dict[str, int] = {}
        self._reasons = ReasonCatalog()
        self._tick = QTimer(self)
        self._tick.setObjectName("agent_model_tick")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)

    # --- feeding ------------------------------------------------------------------------

    def set_agents(self, agents: Iterable[AgentStatus]) -> None:
        self.beginResetModel()
        self._rows = list(agents)
        self._row_of = {a.username: i for i, a in enumerate(self._rows)}
        self.endResetModel()
        self._update_tick()

    def upsert(self, status: AgentStatus) -> None:
        row = self._row_of.get(status.username)
        if row is None:
            row = len(self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.append(status)
            self._row_of[status.username] = row
            self.endInsertRows()
            self._update_tick()
            return
        # An out-of-order older status (a PUB message overtaken by a reply) must not win.
        if status.since_ms < self._rows[row].since_ms:
            return
        self._rows[row] = status
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        self._refresh_column(Column.REASON)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        self._refresh_column(Column.STATE)
        self._refresh_column(Column.REASON)
        self._refresh_column(Column.CONNECTED)

    def status_at(self, row: int) -> AgentStatus:
        return self._rows[row]

    def row_of(self, username: str) -> int | None:
        return self._row_of.get(username)

    # --- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        match section:
            case Column.NAME:
                return QCoreApplication.translate("AgentTableModel", "Agent")
            case Column.TEAM:
                return QCoreApplication.translate("AgentTableModel", "Team")
            case Column.STATE:
                return QCoreApplication.translate("AgentTableModel", "State")
            case Column.REASON:
                return QCoreApplication.translate("AgentTableModel", "Reason")
            case Column.TIME:
                return QCoreApplication.translate("AgentTableModel", "Time in state")
            case Column.CONNECTED:
                return QCoreApplication.translate("AgentTableModel", "Connected")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a = self._rows[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, col)
        if role == SORT_ROLE:
            return self._sort_key(a, col)
        if role == USERNAME_ROLE:
            return a.username
        if role == STATUS_ROLE:
            return a
        if role == Qt.ItemDataRole.DecorationRole:
            if col == Column.STATE:
                return state_icon(a.state)
            if col == Column.CONNECTED:
                return icon("dot-green" if a.connected else "dot-grey")
        if role == Qt.ItemDataRole.ForegroundRole and not a.connected:
            return _OFFLINE
        if role == Qt.ItemDataRole.ToolTipRole and col == Column.NAME:
            return a.username
        return None

    # --- internals ----------------------------------------------------------------------------

    def _display(self, a: AgentStatus, col: Column) -> str:
        match col:
            case Column.NAME:
                return a.display_name or a.username
            case Column.TEAM:
                return a.team
            case Column.STATE:
                return state_name(a.state)
            case Column.REASON:
                return self._reasons.label(a.reason)
            case Column.TIME:
                if a.since_ms <= 0 or a.state == AgentState.LOGGED_OUT:
                    return ""
                return format_duration(self._now_ms() - a.since_ms)
            case Column.CONNECTED:
                if a.connected:
                    return QCoreApplication.translate("AgentTableModel", "Yes")
                return QCoreApplication.translate("AgentTableModel", "No")

    def _sort_key(self, a: AgentStatus, col: Column) -> Any:
        match col:
            case Column.STATE:
                return _STATE_RANK.get(a.state, 9)
            case Column.TIME:
                # Duration, not since_ms, so ascending means "shortest in state first".
                return self._now_ms() - a.since_ms if a.since_ms > 0 else -1
            case Column.CONNECTED:
                return int(a.connected)
        return self._display(a, col).casefold()

    def _refresh_column(self, col: Column) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    def _update_tick(self) -> None:
        if self._rows and not self._tick.isActive():
            self._tick.start()
        elif not self._rows:
            self._tick.stop()

    def _on_tick(self) -> None:
        self._refresh_column(Column.TIME)
