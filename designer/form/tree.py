"""The structure tree: pages -> sections -> rows/columns/tabs -> fields, edited by drag and drop.

The model is redrawn from the document after every edit (the document, not the model,
is the truth; a 300-field form redraws in a few milliseconds). Drops are not applied
here: the tree works out where a drop would go, refuses what the structure rules forbid
(with the reason as status tip) and asks the editor, which pushes an undo command.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QMimeData, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QStandardItem,
    QStandardItemModel,
    QStatusTipEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QTreeView, QWidget

from designer.form import ops
from designer.form.palette import BY_NAME, MIME_ITEM, MIME_PALETTE
from desktop.forms.texts import pick
from edge_server.contract.designs import FormDoc, LayoutItem, LayoutKind, Problem, Severity

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
FIELD_ROLE = Qt.ItemDataRole.UserRole + 3



def kind_name(kind: str, chinese: bool) -> str:
    names = {
        LayoutKind.PAGE: ("Page", "页面"), LayoutKind.SECTION: ("Section", "分组"), LayoutKind.ROW: ("Row", "行"),
        LayoutKind.COLUMNS: ("Columns", "分栏"), LayoutKind.COLUMN: ("Column", "栏"),
        LayoutKind.TABS: ("Tabs", "选项卡组"), LayoutKind.TAB: ("Tab", "选项卡"),
        LayoutKind.HEADING: ("Heading", "标题"), LayoutKind.FIELD: ("Field", "字段"),
    }
    en, zh = names.get(kind, (kind, kind))  # type: ignore[call-overload]
    return zh if chinese else en


def refusal(parent_kind: str, child_kind: LayoutKind, chinese: bool) -> str:
    """Why ``child_kind`` may not go into ``parent_kind`` (a sentence for the status tip)."""
    child = kind_name(child_kind, chinese)
    if parent_kind == ops.ROOT:
        return QCoreApplication.translate(
            "FormTree", "Only a page can stand at the top; put the {child} into a section.").format(child=child)
    allowed = ", ".join(kind_name(k, chinese) for k in sorted(ops.ALLOWED.get(parent_kind, ())))
    return QCoreApplication.translate(
        "FormTree", "A {child} cannot go directly into a {parent} (it takes: {allowed}).").format(
        child=child, parent=kind_name(parent_kind, chinese), allowed=allowed or "-")


@dataclass(frozen=True)
class DropTarget:
    parent_id: str
    index: int
    ok: bool
    reason: str = ""


class StructureModel(QStandardItemModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chinese = False

    def rebuild(self, doc: FormDoc, chinese: bool, problems: dict[str, list[Problem]]) -> None:
        self._chinese = chinese
        lang = "zh-CN" if chinese else "en"
        fields = {f.id: f for f in doc.fields}
        self.clear()
        root = self.invisibleRootItem()
        style = QApplication.style()
        icons = {Severity.ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
                 Severity.WARNING: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)}

        def add(parent: QStandardItem, item: LayoutItem) -> None:
            if item.kind == LayoutKind.FIELD:
                f = fields.get(item.field)
                text = (f"{pick(f.label, lang) or f.key}  ·  {f.key}  ·  {f.type.value}" if f is not None
                        else QCoreApplication.translate("FormTree", "(missing field)"))
            else:
                title = pick(item.title, lang)
                text = f"{kind_name(item.kind, chinese)}: {title}" if title else kind_name(item.kind, chinese)
            node = QStandardItem(text)
            node.setEditable(False)
            node.setData(item.id, ID_ROLE)
            node.setData(str(item.kind), KIND_ROLE)
            node.setData(item.field, FIELD_ROLE)
            node.setDragEnabled(True)
            node.setDropEnabled(item.kind in ops.CONTAINERS)
            found = problems.get(item.id, []) + (problems.get(item.field, []) if item.field else [])
            if found:
                worst = Severity.ERROR if any(p.severity == Severity.ERROR for p in found) else Severity.WARNING
                if any(p.severity in (Severity.ERROR, Severity.WARNING) for p in found):
                    node.setIcon(icons[worst])
                node.setToolTip("\n".join((p.message_zh if chinese and p.message_zh else p.message) for p in found))
                node.setData(str(worst), Qt.ItemDataRole.AccessibleDescriptionRole)
            parent.appendRow(node)
            for child in item.children:
                add(node, child)

        for page in doc.pages:
            add(root, page)

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_ITEM, MIME_PALETTE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        if indexes:
            mime.setData(MIME_ITEM, str(indexes[0].data(ID_ROLE)).encode())
        return mime

    def index_of(self, element_id: str) -> QModelIndex:
        """The index of a layout item, or of the FIELD item placing the field ``element_id``."""
        for role in (ID_ROLE, FIELD_ROLE):
            hits = self.match(self.index(0, 0), role, element_id, 1,
                              Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
            if hits and element_id:
                return hits[0]
        return QModelIndex()


class StructureTree(QTreeView):
    """Signals: drop_requested(str format, str payload, str parent_id, int index) for an allowed drop;
    drop_refused(str reason)."""

    drop_requested = Signal(str, str, str, int)
    drop_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_structure")
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._doc: FormDoc | None = None
        self._chinese = False

    def set_document(self, doc: FormDoc, chinese: bool) -> None:
        self._doc = doc
        self._chinese = chinese

    # --- where a drop goes -------------------------------------------------------------------

    def dragged_kind(self, mime: QMimeData) -> tuple[str, str, LayoutKind | None]:
        """(format, payload, kind of the dragged thing) or ("", "", None)."""
        if mime.hasFormat(MIME_PALETTE):
            name = bytes(mime.data(MIME_PALETTE).data()).decode()
            entry = BY_NAME.get(name)
            return MIME_PALETTE, name, entry.kind if entry else None
        if mime.hasFormat(MIME_ITEM) and self._doc is not None:
            item_id = bytes(mime.data(MIME_ITEM).data()).decode()
            item = ops.item_by_id(self._doc, item_id)
            return MIME_ITEM, item_id, item.kind if item else None
        return "", "", None

    def target_at(self, pos: QPoint, kind: LayoutKind, moving: str = "") -> DropTarget:
        """Where something of ``kind`` dropped at ``pos`` (viewport coordinates) goes, and whether it may."""
        doc = self._doc
        if doc is None:
            return DropTarget(ops.ROOT, 0, False, "")
        index = self.indexAt(pos)
        candidates: list[tuple[str, int]] = []
        if not index.isValid():
            candidates.append((ops.ROOT, len(doc.pages)))
        else:
            item_id = index.data(ID_ROLE)
            found = ops.find(doc, item_id)
            if found is None:
                return DropTarget(ops.ROOT, 0, False, "")
            parent_id, row, item = found
            rect = self.visualRect(index)
            y = pos.y() - rect.top()
            into = (item.id, len(item.children))
            before, after = (parent_id, row), (parent_id, row + 1)
            if y < rect.height() / 4:
                candidates += [before, into]
            elif y > rect.height() * 3 / 4:
                candidates += [after, into]
            else:
                candidates += [into, after]
        for parent_id, idx in candidates:
            if moving:
                if parent_id and ops.is_within(doc, parent_id, moving):
                    continue  # into itself
                where = ops.find(doc, moving)
                if where is not None and where[0] == parent_id and where[1] < idx:
                    idx -= 1  # the list shrinks by the moved item before it is reinserted
            if ops.can_contain(ops.kind_of(doc, parent_id), kind):
                return DropTarget(parent_id, idx, True)
        parent_id = candidates[0][0]
        if moving and parent_id and ops.is_within(doc, parent_id, moving):
            reason = QCoreApplication.translate("FormTree", "An item cannot be moved into itself.")
        else:
            reason = refusal(ops.kind_of(doc, parent_id), kind, self._chinese)
        return DropTarget(parent_id, candidates[0][1], False, reason)

    def _evaluate(self, event: QDragMoveEvent | QDropEvent) -> tuple[str, str, DropTarget | None]:
        fmt, payload, kind = self.dragged_kind(event.mimeData())
        if kind is None:
            return fmt, payload, None
        return fmt, payload, self.target_at(event.position().toPoint(), kind, payload if fmt == MIME_ITEM else "")

    def _tell(self, reason: str) -> None:
        self.setStatusTip(reason)
        # Up the parent chain to the main window's status bar, as hovering a status tip would.
        QApplication.sendEvent(self, QStatusTipEvent(reason))

    # --- Qt overrides ---------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        fmt, _payload, _kind = self.dragged_kind(event.mimeData())
        if fmt:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        super().dragMoveEvent(event)  # auto-scroll and the drop indicator
        _fmt, _payload, target = self._evaluate(event)
        if target is None or not target.ok:
            self._tell(target.reason if target else "")
            event.ignore()
        else:
            self._tell("")
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        fmt, payload, target = self._evaluate(event)
        if target is None:
            event.ignore()
            return
        if not target.ok:
            self._tell(target.reason)
            self.drop_refused.emit(target.reason)
            event.ignore()
            return
        self._tell("")
        # Accept as a copy: a MoveAction would make Qt delete the dragged rows itself, but the
        # document (through the undo command) is what moves them.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.drop_requested.emit(fmt, payload, target.parent_id, target.index)
