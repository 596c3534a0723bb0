"""Required skills: rows of skill + minimum level ({skill: level}), skills picked from the catalog."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QPushButton, QSpinBox, QStyle, QToolButton, QWidget

from designer.flow.props_base import FieldEditor
from designer.flow.props_common import EditorContext, ref_name
from edge_server.flows.nodetypes import ConfigField

#: Agent skill levels run 1..5 (edge_server/routing/pools.py keeps six slots, 0 = not required).
MIN_LEVEL, MAX_LEVEL = 1, 5


class SkillsEditor(FieldEditor):
    def __init__(self, cfg: ConfigField, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(cfg, ctx, parent)
        self.rows_host = QWidget(self)
        self.rows_host.setObjectName("rows_host")
        self.rows_host.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # so a problem border shows
        self.grid = QGridLayout(self.rows_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(4)
        self.grid.setColumnStretch(0, 1)
        self.rows: list[tuple[QComboBox, QSpinBox, QToolButton]] = []
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self._on_add)
        self._add_main(self.rows_host)
        self._add_main(self.add_button)
        self.retranslate()

    def focus_widget(self) -> QWidget:
        return self.rows[0][0] if self.rows else self.add_button

    def _mark_target(self) -> QWidget:
        return self.rows_host

    # --- rows ---------------------------------------------------------------------------

    def _skill_items(self) -> list[tuple[str, str]]:
        return [(s.key, ref_name(s)) for s in (self.ctx.catalog.skills if self.ctx.catalog else [])]

    def _make_row(self) -> None:
        combo = QComboBox(self.rows_host)
        combo.setEditable(True)  # a skill the catalog does not list yet may still be typed
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        spin = QSpinBox(self.rows_host)
        spin.setRange(MIN_LEVEL, MAX_LEVEL)
        spin.setKeyboardTracking(False)
        remove = QToolButton(self.rows_host)
        remove.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = (combo, spin, remove)
        combo.activated.connect(lambda _i: self._emit())
        combo.lineEdit().editingFinished.connect(self._emit)
        spin.valueChanged.connect(lambda _v: self._emit())
        remove.clicked.connect(lambda: self._on_remove(row))
        n = len(self.rows)
        self.grid.addWidget(combo, n, 0)
        self.grid.addWidget(spin, n, 1)
        self.grid.addWidget(remove, n, 2)
        for w in row:
            w.show()  # at once, not on the layout's next event turn
        self.rows.append(row)
        self._fill_combo(combo)

    def _fill_combo(self, combo: QComboBox) -> None:
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for key, name in self._skill_items():
            combo.addItem(name, key)
        combo.setEditText(text)
        combo.blockSignals(False)

    def _drop_last_row(self) -> None:
        for w in self.rows.pop():
            self.grid.removeWidget(w)
            w.deleteLater()

    def _row_key(self, combo: QComboBox) -> str:
        text = combo.currentText().strip()
        i = combo.findText(text, Qt.MatchFlag.MatchFixedString)
        return str(combo.itemData(i)) if i >= 0 else text

    def _current(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for combo, spin, _ in self.rows:
            key = self._row_key(combo)
            if key:
                out[key] = spin.value()
        return out

    def _emit(self) -> None:
        self._commit(self._current())

    def _on_add(self) -> None:
        taken = set(self._current())
        free = [k for k, _ in self._skill_items() if k not in taken]
        self._make_row()
        combo, spin, _ = self.rows[-1]
        if free:
            combo.setCurrentIndex(combo.findData(free[0]))
        spin.setValue(MIN_LEVEL)
        self._retranslate_rows()
        self._emit()
        combo.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_remove(self, row: tuple[QComboBox, QSpinBox, QToolButton]) -> None:
        i = self.rows.index(row)
        value = self._current_list()
        del value[i]
        self._show_pairs(value)
        self._emit()
        (self.rows[min(i, len(self.rows) - 1)][2] if self.rows else self.add_button).setFocus()

    def _current_list(self) -> list[tuple[str, int]]:
        return [(self._row_key(c), s.value()) for c, s, _ in self.rows]

    def _show_pairs(self, pairs: list[tuple[str, int]]) -> None:
        while len(self.rows) > len(pairs):
            self._drop_last_row()
        while len(self.rows) < len(pairs):
            self._make_row()
        for (combo, spin, _), (key, level) in zip(self.rows, pairs, strict=True):
            combo.blockSignals(True)
            spin.blockSignals(True)
            i = combo.findData(key)
            if i >= 0:
                if combo.currentIndex() != i or combo.currentText() != combo.itemText(i):
                    combo.setCurrentIndex(i)
            elif combo.currentText() != key:
                combo.setEditText(key)
            spin.setValue(max(MIN_LEVEL, min(MAX_LEVEL, level)))
            combo.blockSignals(False)
            spin.blockSignals(False)
        self._retranslate_rows()

    def _show(self, value: Any) -> None:
        pairs = [(str(k), int(v)) for k, v in value.items()] if isinstance(value, dict) else []
        if self._current_list() != pairs:
            self._show_pairs(pairs)

    def _context_changed(self) -> None:
        for combo, _, _ in self.rows:
            self._fill_combo(combo)

    def _retranslate_rows(self) -> None:
        for n, (combo, spin, remove) in enumerate(self.rows, start=1):
            combo.setAccessibleName(self.tr("Skill %1").replace("%1", str(n)))
            spin.setAccessibleName(self.tr("Minimum level of skill %1").replace("%1", str(n)))
            remove.setAccessibleName(self.tr("Remove skill %1").replace("%1", str(n)))
            remove.setToolTip(remove.accessibleName())

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add skill"))
        self.add_button.setAccessibleName(f"{self.accessible_label()}: {self.tr('Add skill')}")
        self._retranslate_rows()
