"""The outline: the flow as a tree (nodes from the entry, each with its exits and their targets).

It is the keyboard and screen-reader path through the graph: every node, wire and problem
count is reachable with arrow keys and read out by name, without the canvas.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from designer.flow.model import FlowModel
from designer.flow.scene import FlowScene
from edge_server.contract.designs import Severity

NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
REBUILD_MS = 120  # coalesces the bursts of model events one command makes (and typing in properties)
# A rebuild of 1,000 nodes costs ~60 ms, so it happens only while the outline is on screen
# (or when asked with flush()); hidden, the tree is just marked stale.


class FlowOutline(QTreeView):
    node_activated = Signal(str)  # the user selected a node here

    def __init__(self, model: FlowModel, scene: FlowScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._flow = model
        self._scene = scene
        self._items = QStandardItemModel(self)
        self._rows: dict[str, QStandardItem] = {}
        self._syncing = False
        self._stale = True
        self._pending_select: str | None = None
        self.setModel(self._items)
        self.setUniformRowHeights(True)  # cheap layout for 1,000 rows
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName(self.tr("Flow outline"))
        self.setAccessibleDescription(self.tr("Every node from the start, with its exits and where they lead"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REBUILD_MS)
        self._timer.timeout.connect(self.rebuild)
        model.subscribe(self._on_model_changed)
        self.selectionModel().currentChanged.connect(self._on_current_changed)

    def detach(self) -> None:
        self._flow.unsubscribe(self._on_model_changed)

    def _on_model_changed(self, event: str, _ids: tuple[str, ...]) -> None:
        if event != "nodes_moved":  # positions are not in the outline
            self.schedule()

    def schedule(self) -> None:
        self._stale = True
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Rebuild now if the tree is out of date (before reading it)."""
        self._timer.stop()
        if self._stale:
            self.rebuild()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.flush()

    def _name(self, nid: str) -> str:
        node = self._flow.nodes.get(nid)
        if node is None:
            return nid
        type_label = self._scene.type_label(node.type)
        return f"{node.label} ({type_label})" if node.label else type_label

    def rebuild(self) -> None:
        self._stale = False
        expanded = {nid for nid, row in self._rows.items() if self.isExpanded(row.index())}
        current = self._pending_select if self._pending_select is not None else self.current_node()
        self._pending_select = None
        self._items.clear()
        self._items.setHorizontalHeaderLabels([self.tr("Node"), self.tr("Problems")])
        self._rows = {}
        root = self._items.invisibleRootItem()
        not_connected = self.tr("(not connected)")
        for nid in self._flow.order():
            node = self._flow.nodes[nid]
            row = QStandardItem(self._name(nid))
            row.setData(nid, NODE_ID_ROLE)
            probs = self._scene.problems_of(nid)
            errors = sum(1 for p in probs if p.severity == Severity.ERROR)
            warnings = sum(1 for p in probs if p.severity == Severity.WARNING)
            count = QStandardItem(self.tr("%n error(s)", "", errors) if errors else
                                  (self.tr("%n warning(s)", "", warnings) if warnings else ""))
            count.setData(nid, NODE_ID_ROLE)
            for e in self._flow.exit_names(nid):
                target = node.exits.get(e)
                child = QStandardItem(f"{e} → {self._name(target) if target else not_connected}")
                child.setData(target or nid, NODE_ID_ROLE)
                row.appendRow([child, QStandardItem("")])
            root.appendRow([row, count])
            self._rows[nid] = row
        for nid in expanded & self._rows.keys():
            self.setExpanded(self._rows[nid].index(), True)
        if current:
            self.select_node(current)

    def node_ids(self) -> list[str]:
        """Top-level node ids in outline order."""
        self.flush()
        return [self._items.item(r).data(NODE_ID_ROLE) for r in range(self._items.rowCount())]

    def row_text(self, nid: str) -> str:
        self.flush()
        return self._rows[nid].text()

    def problems_text(self, nid: str) -> str:
        self.flush()
        row = self._rows[nid]
        return self._items.item(row.row(), 1).text()

    def current_node(self) -> str:
        self.flush()
        idx = self.currentIndex()
        return str(idx.data(NODE_ID_ROLE) or "") if idx.isValid() and not idx.parent().isValid() else ""

    def select_node(self, nid: str) -> None:
        """Follow the canvas selection without echoing it back."""
        if self._stale:
            self._pending_select = nid  # applied by the next rebuild
            return
        row = self._rows.get(nid)
        self._syncing = True
        try:
            if row is None:
                self.selectionModel().clearSelection()
            else:
                self.selectionModel().setCurrentIndex(
                    row.index(), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.scrollTo(row.index())
        finally:
            self._syncing = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        nid = current.data(NODE_ID_ROLE)
        if nid:
            self.node_activated.emit(str(nid))
