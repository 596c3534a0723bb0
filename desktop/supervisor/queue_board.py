"""The supervisor's live table of queues: load, service level, staffing, estimated wait."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.supervisor.queue_model import SORT_ROLE, QueueColumn, QueueTableModel
from desktop.tasks import spawn
from desktop.texts import LINK_UP
from edge_server.contract.messages import QueueStatus, Snapshot

if TYPE_CHECKING:
    from desktop.session import EdgeSession


class QueueBoard(QWidget):
    """Loaded with list_queues, then kept live by the PUB stream (reloaded after a reconnect)."""

    def __init__(
        self,
        session: EdgeSession,
        *,
        now_ms: Callable[[], int],
        tick_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queue_board")
        self._session = session
        self._link = LINK_UP
        self.model = QueueTableModel(now_ms, tick_ms=tick_ms, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)

        self._summary = QLabel(self)
        self._summary.setObjectName("queue_summary")
        self._refresh_button = QPushButton(self)
        self._refresh_button.setObjectName("refresh_queues")
        self._refresh_button.clicked.connect(self.refresh)

        self.table = QTableView(self)
        self.table.setObjectName("queue_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(QueueColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(QueueColumn.NAME, QHeaderView.ResizeMode.Stretch)

        bar = QHBoxLayout()
        bar.addWidget(self._summary, 1)
        bar.addWidget(self._refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.dataChanged):
            signal.connect(self._update_summary)
        session.queues_listed.connect(self._on_queues_listed)
        session.queue_status_published.connect(self._on_queue_status_published)
        session.link_state_changed.connect(self._on_link_state_changed)
        session.snapshot_refreshed.connect(self._on_snapshot_refreshed)
        self._retranslate()

    # --- public -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload every queue from the edge (at start, after a reconnect, on demand)."""
        spawn(self._session.list_queues(), name="list-queues")

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.model.retranslate()
        super().changeEvent(event)

    # --- slots ----------------------------------------------------------------------------

    def _on_queues_listed(self, queues: list[QueueStatus]) -> None:
        self.model.set_queues(queues)

    def _on_queue_status_published(self, status: QueueStatus) -> None:
        self.model.upsert(status)

    def _on_link_state_changed(self, link: str) -> None:
        # Fan-out sent while we were away is gone for good: reload on the way back up.
        if link == LINK_UP and self._link != LINK_UP:
            self.refresh()
        self._link = link

    def _on_snapshot_refreshed(self, _snapshot: Snapshot) -> None:
        self.refresh()

    # --- internals ------------------------------------------------------------------------

    def _update_summary(self) -> None:
        waiting = sum(self.model.status_at(r).waiting for r in range(self.model.rowCount()))
        self._summary.setText(
            self.tr("{queues} queues, {waiting} customers waiting").format(
                queues=self.model.rowCount(), waiting=waiting
            )
        )

    def _retranslate(self) -> None:
        self._refresh_button.setText(self.tr("Refresh"))
        self._update_summary()
