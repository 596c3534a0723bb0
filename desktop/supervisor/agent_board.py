"""The supervisor's live table of agents, with a context menu to force their state."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import state_icon
from desktop.reasons import ReasonCatalog
from desktop.supervisor.agent_model import SORT_ROLE, STATUS_ROLE, AgentTableModel, Column
from desktop.tasks import spawn
from desktop.texts import LINK_UP, state_name
from edge_server.contract.messages import AgentState, AgentStatus, ReasonKind, Snapshot

if TYPE_CHECKING:
    from desktop.session import EdgeSession

log = logging.getLogger("sb.ui")

_Index = QModelIndex | QPersistentModelIndex


class AgentFilterProxy(QSortFilterProxyModel):
    """Sorts by SORT_ROLE; filters by free text (name, team, reason) and by state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._state: AgentState | None = None

    def set_text(self, text: str) -> None:
        # begin/endFilterChange replace invalidateRowsFilter (deprecated in Qt 6.10).
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state(self, state: AgentState | None) -> None:
        self.beginFilterChange()
        self._state = state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        status: AgentStatus = model.data(model.index(source_row, 0, source_parent), STATUS_ROLE)
        if self._state is not None and status.state != self._state:
            return False
        if not self._text:
            return True
        for col in (Column.NAME, Column.TEAM, Column.REASON):
            shown = model.data(model.index(source_row, col, source_parent)) or ""
            if self._text in str(shown).casefold():
                return True
        return self._text in status.username.casefold()


class AgentBoard(QWidget):
    """Every agent with state, reason, time in state and connection; supervisors force states here."""

    def __init__(
        self,
        session: EdgeSession,
        *,
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agent_board")
        self._session = session
        self._reasons = ReasonCatalog()
        self._link = LINK_UP
        self.model = AgentTableModel(now_ms, tick_ms=tick_ms, parent=self)
        self.proxy = AgentFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("agent_filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("state_filter")
        self.state_filter.currentIndexChanged.connect(self._on_state_filter_changed)
        self._refresh_button = QPushButton(self)
        self._refresh_button.setObjectName("refresh_agents")
        self._refresh_button.clicked.connect(self.refresh)
        self._count = QLabel(self)
        self._count.setObjectName("agent_count")

        self.table = QTableView(self)
        self.table.setObjectName("agent_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu_requested)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.state_filter)
        bar.addWidget(self._refresh_button)
        bar.addWidget(self._count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        for signal in (self.model.rowsInserted, self.model.modelReset, self.proxy.layoutChanged,
                       self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._update_count)
        session.agents_listed.connect(self._on_agents_listed)
        session.agent_status_published.connect(self._on_agent_status_published)
        session.link_state_changed.connect(self._on_link_state_changed)
        session.snapshot_refreshed.connect(self._on_snapshot_refreshed)
        self._retranslate()

    # --- public -------------------------------------------------------------------------

    def set_reasons(self, reasons: ReasonCatalog) -> None:
        self._reasons = reasons
        self.model.set_reasons(reasons)

    def refresh(self) -> None:
        """Reload every agent from the edge (at start, after a reconnect, on demand)."""
        spawn(self._session.list_agents(), name="list-agents")

    def menu_for(self, username: str) -> QMenu:
        """The context menu of one agent's row (built fresh: reasons and language may change)."""
        row = self.model.row_of(username)
        name = self.model.status_at(row).display_name if row is not None else username
        menu = QMenu(self)
        menu.setObjectName("agent_menu")
        menu.setTitle(name)
        ready = menu.addAction(state_icon(AgentState.READY), self.tr("Force Ready"))
        ready.setObjectName("force_ready")
        ready.triggered.connect(lambda: self._force(username, AgentState.READY, ""))
        not_ready = self._reasons.of_kind(ReasonKind.NOT_READY)
        if not_ready:
            sub = menu.addMenu(state_icon(AgentState.NOT_READY), self.tr("Force Not Ready"))
            sub.setObjectName("force_not_ready_menu")
            for rc in not_ready:
                act = sub.addAction(self._reasons.label(rc.code))
                act.setObjectName(f"force_not_ready_{rc.code}")
                act.triggered.connect(
                    lambda _c=False, code=rc.code: self._force(username, AgentState.NOT_READY, code)
                )
        else:
            act = menu.addAction(state_icon(AgentState.NOT_READY), self.tr("Force Not Ready"))
            act.setObjectName("force_not_ready")
            act.triggered.connect(lambda: self._force(username, AgentState.NOT_READY, ""))
        menu.addSeparator()
        out = menu.addAction(state_icon(AgentState.LOGGED_OUT), self.tr("Force log out"))
        out.setObjectName("force_logout")
        out.triggered.connect(lambda: self._force_logout(username, name))
        return menu

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.model.retranslate()
        super().changeEvent(event)

    # --- slots ----------------------------------------------------------------------------

    def _on_agents_listed(self, agents: list[AgentStatus]) -> None:
        self.model.set_agents(agents)

    def _on_agent_status_published(self, status: AgentStatus) -> None:
        self.model.upsert(status)

    def _on_link_state_changed(self, link: str) -> None:
        # PUB messages sent while we were away are gone for good: reload on the way back up.
        if link == LINK_UP and self._link != LINK_UP:
            self.refresh()
        self._link = link

    def _on_snapshot_refreshed(self, snapshot: Snapshot) -> None:
        self.set_reasons(ReasonCatalog(snapshot.reason_codes))
        self.refresh()

    def _on_state_filter_changed(self, _index: int) -> None:
        value = self.state_filter.currentData()
        self.proxy.set_state(AgentState(value) if value else None)

    def _on_context_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        status: AgentStatus = self.proxy.data(index, STATUS_ROLE)
        menu = self.menu_for(status.username)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- internals ------------------------------------------------------------------------

    def _force(self, username: str, state: AgentState, reason: str) -> None:
        log.info("forcing %s to %s %s", username, state, reason)
        spawn(self._session.force_state(username, state, reason), name=f"force-{username}")

    def _force_logout(self, username: str, name: str) -> None:
        if self._confirm_force_logout(name):
            self._force(username, AgentState.LOGGED_OUT, "")

    def _confirm_force_logout(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Force log out"),
            self.tr("Log {name} out? Work offered to them goes back to the queue.").format(name=name),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _update_count(self) -> None:
        self._count.setText(
            self.tr("{shown} of {total} agents").format(
                shown=self.proxy.rowCount(), total=self.model.rowCount()
            )
        )

    def _retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, team or reason"))
        self._refresh_button.setText(self.tr("Refresh"))
        current = self.state_filter.currentData()
        self.state_filter.blockSignals(True)
        self.state_filter.clear()
        self.state_filter.addItem(self.tr("All states"), "")
        for state in (AgentState.READY, AgentState.NOT_READY, AgentState.ACW, AgentState.LOGGED_OUT):
            self.state_filter.addItem(state_icon(state), state_name(state), state.value)
        found = self.state_filter.findData(current if current is not None else "")
        self.state_filter.setCurrentIndex(max(0, found))
        self.state_filter.blockSignals(False)
        self._update_count()
