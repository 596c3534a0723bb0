"""The node palette: node types grouped by category, dragged onto the canvas or added with Enter."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from designer.flow.items import CATEGORY_COLORS
from designer.flow.view import NODE_TYPE_MIME
from desktop.i18n import ui_is_chinese
from edge_server.flows.nodetypes import CATEGORY_LABELS, NODE_TYPES

_TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


def _swatch(color: QColor) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(color)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(1, 1, 12, 12, 3, 3)
    p.end()
    return QIcon(pix)


class FlowPalette(QTreeWidget):
    add_requested = Signal(str)  # node type: add at the centre of the view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setAccessibleName(self.tr("Node palette"))
        self.setToolTip(self.tr("Drag a node onto the canvas, or press Enter to add it in the middle"))
        zh = ui_is_chinese()
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: dict[str, QTreeWidgetItem] = {}
        for cat, (en, cn) in CATEGORY_LABELS.items():
            group = QTreeWidgetItem(self, [cn if zh else en])
            self._groups[cat] = group
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for t in NODE_TYPES.values():
                if t.category != cat:
                    continue
                item = QTreeWidgetItem(group, [t.label_zh if zh else t.label_en])
                item.setData(0, _TYPE_ROLE, t.name)
                item.setIcon(0, _swatch(CATEGORY_COLORS[cat]))
                help_text = t.help_zh if zh else t.help_en
                if help_text:
                    item.setToolTip(0, help_text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                self._items[t.name] = item
            group.setExpanded(True)
        self.itemActivated.connect(self._on_item_activated)

    def retranslate(self) -> None:
        """Labels and help in the UI language now (a live language switch)."""
        zh = ui_is_chinese()
        self.setAccessibleName(self.tr("Node palette"))
        self.setToolTip(self.tr("Drag a node onto the canvas, or press Enter to add it in the middle"))
        for cat, (en, cn) in CATEGORY_LABELS.items():
            self._groups[cat].setText(0, cn if zh else en)
        for name, item in self._items.items():
            t = NODE_TYPES[name]
            item.setText(0, t.label_zh if zh else t.label_en)
            item.setToolTip(0, (t.help_zh if zh else t.help_en) or "")

    def item_for(self, type_name: str) -> QTreeWidgetItem:
        return self._items[type_name]

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        type_name = item.data(0, _TYPE_ROLE)
        if type_name:
            self.add_requested.emit(str(type_name))

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [NODE_TYPE_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        names = [str(i.data(0, _TYPE_ROLE)) for i in items if i.data(0, _TYPE_ROLE)]
        if names:
            data.setData(NODE_TYPE_MIME, names[0].encode())
        return data

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction
