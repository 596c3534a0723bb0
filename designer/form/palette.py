"""The form designer's palette: what a supervisor drags into the structure tree, and what each entry creates."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QMimeData, Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from edge_server.contract.designs import FieldOption, FieldType, FormDoc, FormField, LayoutItem, LayoutKind
from edge_server.flows.ids import new_id

#: Mime type of a palette entry being dragged; the payload is the entry name (e.g. "field:text", "section").
MIME_PALETTE = "application/x-switchboard-form-palette"
#: Mime type of a structure-tree item being dragged; the payload is the layout item id.
MIME_ITEM = "application/x-switchboard-form-item"
#: Clipboard format of a copied item: JSON {"item": LayoutItem, "fields": [FormField]}.
MIME_CLIP = "application/x-switchboard-form-clip"



@dataclass(frozen=True)
class Entry:
    name: str
    kind: LayoutKind
    field_type: FieldType | None
    label_en: str  # also the default English label/title of what it creates
    label_zh: str


ENTRIES: tuple[Entry, ...] = (
    Entry("field:text", LayoutKind.FIELD, FieldType.TEXT, "Text", "文本"),
    Entry("field:number", LayoutKind.FIELD, FieldType.NUMBER, "Number", "数字"),
    Entry("field:date", LayoutKind.FIELD, FieldType.DATE, "Date", "日期"),
    Entry("field:choice", LayoutKind.FIELD, FieldType.CHOICE, "Choice", "单选"),
    Entry("field:multi_choice", LayoutKind.FIELD, FieldType.MULTI_CHOICE, "Multiple choice", "多选"),
    Entry("field:checkbox", LayoutKind.FIELD, FieldType.CHECKBOX, "Checkbox", "复选框"),
    Entry("field:long_text", LayoutKind.FIELD, FieldType.LONG_TEXT, "Long text", "多行文本"),
    Entry("field:phone", LayoutKind.FIELD, FieldType.PHONE, "Phone", "电话"),
    Entry("field:email", LayoutKind.FIELD, FieldType.EMAIL, "Email", "邮箱"),
    Entry("heading", LayoutKind.HEADING, None, "Heading", "标题"),
    Entry("section", LayoutKind.SECTION, None, "Section", "分组"),
    Entry("row", LayoutKind.ROW, None, "Row", "行"),
    Entry("columns", LayoutKind.COLUMNS, None, "Columns", "分栏"),
    Entry("tabs", LayoutKind.TABS, None, "Tabs", "选项卡"),
    Entry("page", LayoutKind.PAGE, None, "Page", "页面"),
)
BY_NAME = {e.name: e for e in ENTRIES}


def _both(en: str, zh: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def unique_key(doc: FormDoc, base: str = "field") -> str:
    """field_1, field_2...: the first number no field key uses yet."""
    taken = {f.key for f in doc.fields}
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def default_options() -> list[FieldOption]:
    """What a new choice starts with (a choice without options is a validation error)."""
    return [FieldOption(value=f"option_{i}", label=_both(f"Option {i}", f"选项 {i}")) for i in (1, 2)]


def create(entry: Entry, doc: FormDoc) -> tuple[LayoutItem, list[FormField]]:
    """A new layout item for ``entry`` with fresh ids (and its new field, for field entries)."""
    if entry.field_type is not None:
        key = unique_key(doc)
        n = key.rsplit("_", 1)[-1]
        f = FormField(id=new_id(), key=key, type=entry.field_type,
                      label=_both(f"{entry.label_en} {n}", f"{entry.label_zh} {n}"))
        if entry.field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE):
            f.options = default_options()
        return LayoutItem(id=new_id(), kind=LayoutKind.FIELD, field=f.id), [f]
    if entry.kind == LayoutKind.COLUMNS:
        cols = [LayoutItem(id=new_id(), kind=LayoutKind.COLUMN) for _ in range(2)]
        return LayoutItem(id=new_id(), kind=LayoutKind.COLUMNS, children=cols), []
    if entry.kind == LayoutKind.TABS:
        tabs = [LayoutItem(id=new_id(), kind=LayoutKind.TAB, title=_both(f"Tab {i}", f"选项卡 {i}")) for i in (1, 2)]
        return LayoutItem(id=new_id(), kind=LayoutKind.TABS, children=tabs), []
    if entry.kind == LayoutKind.PAGE:
        n = len(doc.pages) + 1
        return LayoutItem(id=new_id(), kind=LayoutKind.PAGE, title=_both(f"Page {n}", f"第 {n} 页")), []
    if entry.kind == LayoutKind.SECTION:
        return LayoutItem(id=new_id(), kind=LayoutKind.SECTION, title=_both("New section", "新分组")), []
    if entry.kind == LayoutKind.HEADING:
        return LayoutItem(id=new_id(), kind=LayoutKind.HEADING, title=_both("Heading", "标题")), []
    return LayoutItem(id=new_id(), kind=entry.kind), []


def palette_mime(entry_name: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_PALETTE, entry_name.encode())
    return mime


class FormPalette(QListWidget):
    """Entries to drag into the structure tree (double-click or Enter adds to the selected container)."""

    def __init__(self, chinese: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form_palette")
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName(QCoreApplication.translate("FormPalette", "Palette"))
        for entry in ENTRIES:
            item = QListWidgetItem(entry.label_zh if chinese else entry.label_en, self)
            item.setData(Qt.ItemDataRole.UserRole, entry.name)
            item.setToolTip(QCoreApplication.translate(
                "FormPalette", "Drag into the structure, or double-click to add"))

    def entry_names(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def mime_for(self, entry_name: str) -> QMimeData:
        return palette_mime(entry_name)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # noqa: N802 (Qt override)
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(palette_mime(item.data(Qt.ItemDataRole.UserRole)))
        drag.exec(Qt.DropAction.CopyAction)
