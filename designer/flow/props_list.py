"""List fields (menu options, branches, intents, hours...): one card per item with a sub-form.

Every change of an item, and every add / remove / move, emits the whole new list
(the canvas makes one undo command of it). Cards are reused by position, so an
undo that changes an item updates its card in place and keeps the focus there.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.flow.props_base import FieldEditor
from designer.flow.props_common import EditorContext, field_help, field_label, zh
from edge_server.flows.nodetypes import ConfigField

#: Editors too wide to sit beside their label in a card (seven day buttons).
_WIDE_KINDS = frozenset({"days"})

EditorFactory = Callable[[ConfigField, EditorContext, QWidget], FieldEditor]

_EMPTY: dict[str, Any] = {"ltext": {}, "strings": [], "days": [], "list": [], "skills": {}, "int": 0, "bool": False}


def empty_item(fields: tuple[ConfigField, ...], existing: list[dict[str, Any]]) -> dict[str, Any]:
    """A new item: defaults, the next free digit for a key, a fresh name for a name (exits must be unique)."""
    item: dict[str, Any] = {}
    for f in fields:
        if f.default is not None:
            item[f.key] = copy.deepcopy(f.default)
        else:
            item[f.key] = copy.deepcopy(_EMPTY.get(f.kind, ""))
    taken = {str(x.get(f.key, "")) for x in existing for f in fields if isinstance(x, dict)}
    if any(f.key == "key" for f in fields):
        item["key"] = next((d for d in "1234567890*#" if d not in taken), "")
    if any(f.key == "name" and f.kind == "text" for f in fields):
        n = len(existing) + 1
        while f"item{n}" in taken:
            n += 1
        item["name"] = f"item{n}"
    return item


class ItemCard(QFrame):
    """One list item: a header (number, summary, move and remove buttons) over a sub-form of its fields."""

    def __init__(self, owner: ListEditor, factory: EditorFactory) -> None:
        super().__init__(owner.cards_host)
        self.owner = owner
        self.setObjectName("list_item")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("item_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        head.addWidget(self.title, 1)
        style = self.style()
        self.up_button = self._tool(style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp), "item_up")
        self.down_button = self._tool(style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown), "item_down")
        self.remove_button = self._tool(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton),
                                        "item_remove")
        for b in (self.up_button, self.down_button, self.remove_button):
            head.addWidget(b)
        outer.addLayout(head)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        for f in owner.cfg.items:
            ed = factory(f, owner.ctx, self)
            label = QLabel(self)
            label.setBuddy(ed.focus_widget())
            if f.kind in _WIDE_KINDS:
                # Label above, editor across the card: beside a label the row would not fit a narrow dock.
                form.addRow(label)
                form.addRow(ed)
            else:
                form.addRow(label, ed)
            ed.edited.connect(functools.partial(self._on_field_edited, f.key))
            self.editors[f.key] = ed
            self.labels[f.key] = label
        outer.addLayout(form)
        self.up_button.clicked.connect(lambda: owner.move(self, -1))
        self.down_button.clicked.connect(lambda: owner.move(self, +1))
        self.remove_button.clicked.connect(lambda: owner.remove(self))
        self._place = (-1, -1)  # (index, count) the names were last made for

    def _tool(self, icon: Any, name: str) -> QToolButton:
        b = QToolButton(self)
        b.setIcon(icon)
        b.setObjectName(name)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return b

    def _on_field_edited(self, key: str, value: Any) -> None:
        self.owner.item_edited(self, key, value)

    def show_item(self, item: dict[str, Any]) -> None:
        for f in self.owner.cfg.items:
            self.editors[f.key].set_value(item.get(f.key, copy.deepcopy(_EMPTY.get(f.kind, ""))))

    def first_editor(self) -> QWidget:
        return next(iter(self.editors.values())).focus_widget() if self.editors else self.remove_button

    def update_header(self, index: int, count: int, item: dict[str, Any]) -> None:
        """Title and move buttons for the card's place; names are re-read only when the place changed."""
        summary = summarize(item)
        self.title.setText(f"{index + 1}. {summary}" if summary else f"{index + 1}.")
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(index < count - 1)
        if self._place != (index, count):
            self._place = (index, count)
            self.retranslate()

    def retranslate(self) -> None:
        index = self._place[0]
        noun = field_label(self.owner.cfg)
        for b, text in ((self.up_button, self.tr("Move %1 %2 up")),
                        (self.down_button, self.tr("Move %1 %2 down")),
                        (self.remove_button, self.tr("Remove %1 %2"))):
            name = text.replace("%1", noun).replace("%2", str(index + 1))
            b.setAccessibleName(name)
            b.setToolTip(name)
        for f in self.owner.cfg.items:
            self.labels[f.key].setText(field_label(f) + (" *" if f.required else ""))
            self.labels[f.key].setToolTip(field_help(f))
            # Screen readers hear which item a box belongs to ("Options 2: Key").
            self.editors[f.key].name_prefix = f"{noun} {index + 1}: "
            self.editors[f.key].retranslate()


def summarize(item: dict[str, Any]) -> str:
    """A one-line name for a card header: key and label, or the name, or the first text."""
    label = item.get("label") or item.get("answer")
    text = ""
    if isinstance(label, dict):
        text = str(label.get("zh-CN" if zh() else "en") or next((v for v in label.values() if v), ""))
    for key in ("key", "name", "variable"):
        if item.get(key):
            return f"{item[key]} — {text}" if text and key == "key" else str(item[key])
    if isinstance(item.get("days"), list):
        return f"{item.get('open', '')}–{item.get('close', '')}"
    return text


class ListEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None,
                 *, factory: EditorFactory) -> None:
        super().__init__(cfg, ctx, parent)
        self._factory = factory
        self.cards_host = QWidget(self)
        self.cards_host.setObjectName("cards_host")
        self.cards_host.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # so a problem border shows
        self.cards_layout = QVBoxLayout(self.cards_host)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout.setSpacing(6)
        self.cards: list[ItemCard] = []
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("item_add")
        self.add_button.clicked.connect(self.add)
        self._add_main(self.cards_host)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        self._layout.insertLayout(self._layout.count() - 1, row)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.add_button

    def _mark_target(self) -> QWidget:
        return self.cards_host

    def items(self) -> list[dict[str, Any]]:
        return [dict(x) if isinstance(x, dict) else {} for x in (self._value or [])]

    # --- editing --------------------------------------------------------------------------

    def item_edited(self, card: ItemCard, key: str, value: Any) -> None:
        items = self.items()
        i = self.cards.index(card)
        items[i][key] = value
        self._commit(items)
        card.update_header(i, len(items), items[i])

    def add(self) -> None:
        items = self.items()
        items.append(empty_item(self.cfg.items, items))
        self._set_cards(items)
        self._commit(items)
        self.cards[-1].first_editor().setFocus(Qt.FocusReason.TabFocusReason)

    def remove(self, card: ItemCard) -> None:
        items = self.items()
        i = self.cards.index(card)
        del items[i]
        self._set_cards(items)
        self._commit(items)
        target = self.cards[min(i, len(self.cards) - 1)].remove_button if self.cards else self.add_button
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def move(self, card: ItemCard, delta: int) -> None:
        items = self.items()
        i = self.cards.index(card)
        j = i + delta
        if not 0 <= j < len(items):
            return
        items[i], items[j] = items[j], items[i]
        self._set_cards(items)
        self._commit(items)
        # Follow the moved item with the focus, so pressing "up" again keeps moving it.
        moved = self.cards[j]
        button = moved.up_button if delta < 0 else moved.down_button
        (button if button.isEnabled() else (moved.down_button if delta < 0 else moved.up_button)).setFocus()

    # --- showing --------------------------------------------------------------------------

    def _set_cards(self, items: list[dict[str, Any]]) -> None:
        while len(self.cards) > len(items):
            card = self.cards.pop()
            self.cards_layout.removeWidget(card)
            card.hide()
            card.deleteLater()
        while len(self.cards) < len(items):
            card = ItemCard(self, self._factory)
            self.cards_layout.addWidget(card)
            card.show()  # at once, not on the layout's next event turn
            self.cards.append(card)
        for i, (card, item) in enumerate(zip(self.cards, items, strict=True)):
            card.show_item(item)
            card.update_header(i, len(items), item)

    def _show(self, value: Any) -> None:
        self._set_cards([dict(x) if isinstance(x, dict) else {} for x in value] if isinstance(value, list) else [])

    def _context_changed(self) -> None:
        for card in self.cards:
            for ed in card.editors.values():
                ed.set_context(self.ctx)

    def flush(self) -> None:
        for card in self.cards:
            for ed in card.editors.values():
                ed.flush()

    def set_problem(self, severity: str, message: str, rest: list[str]) -> None:
        # /nodes/3/config/options/1/key: item 1, field "key"; anything shorter marks the whole list.
        if len(rest) >= 2 and rest[0].isdigit() and int(rest[0]) < len(self.cards):
            ed = self.cards[int(rest[0])].editors.get(rest[1])
            if ed is not None:
                ed.set_problem(severity, message, rest[2:])
                return
        super().set_problem(severity, message, rest)

    def clear_problems(self) -> None:
        super().set_problem("", "", [])
        for card in self.cards:
            for ed in card.editors.values():
                ed.clear_problems()

    def retranslate(self) -> None:
        noun = field_label(self.cfg)
        self.add_button.setText(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add to %1").replace("%1", noun))
        self.add_button.setToolTip(self.add_button.accessibleName())
        items = self.items()
        for i, card in enumerate(self.cards):
            card.retranslate()
            card.update_header(i, len(self.cards), items[i] if i < len(items) else {})
