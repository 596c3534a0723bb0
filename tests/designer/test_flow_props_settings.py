"""The flow settings panel: name, description, channel, languages, and the variables table."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QComboBox, QLineEdit  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from test_flow_props_support import english, focus  # noqa: E402, F401

from designer.flow.properties import FlowSettingsPanel  # noqa: E402
from edge_server.contract.designs import FlowDoc, Variable  # noqa: E402

pytestmark = pytest.mark.usefixtures("english")


def _doc(**kw: object) -> FlowDoc:
    base: dict[str, object] = {"id": "f1", "name": "Main line",
                               "variables": [Variable(name="attempts", type="number", default="0"),
                                             Variable(name="phone", sensitive=True)]}
    base.update(kw)
    return FlowDoc(**base)  # type: ignore[arg-type]


def _panel(qtbot: QtBot, doc: FlowDoc) -> tuple[FlowSettingsPanel, list[tuple[str, object]], list[list[Variable]]]:
    p = FlowSettingsPanel()
    qtbot.addWidget(p)
    p.resize(400, 700)
    fields: list[tuple[str, object]] = []
    variables: list[list[Variable]] = []
    p.doc_field_edited.connect(lambda k, v: fields.append((k, v)))
    p.variables_edited.connect(variables.append)
    p.show_doc(doc)
    p.show()
    qtbot.waitExposed(p)
    return p, fields, variables


def _edit_cell(qtbot: QtBot, p: FlowSettingsPanel, row: int, col: int, text: str) -> None:
    """Edit a cell the way a user does: F2, type, Enter (the view commits on its next event turn)."""
    table = p.variables.table
    focus(qtbot, table)
    table.setCurrentCell(row, col)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    _type_into_open_editor(qtbot, p, text)


def _type_into_open_editor(qtbot: QtBot, p: FlowSettingsPanel, text: str) -> None:
    table = p.variables.table
    qtbot.waitUntil(lambda: table.findChild(QLineEdit) is not None, timeout=2000)
    editor = table.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    with qtbot.waitSignal(table.itemDelegate().closeEditor, timeout=2000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_doc_fields_emit_once_per_edit(qtbot: QtBot) -> None:
    p, fields, _ = _panel(qtbot, _doc())
    assert p.name_edit.text() == "Main line" and p.channel_combo.currentData() == "chat"
    focus(qtbot, p.name_edit)
    p.name_edit.selectAll()
    qtbot.keyClicks(p.name_edit, "Hotline")
    qtbot.keyClick(p.name_edit, Qt.Key.Key_Return)
    assert fields == [("name", "Hotline")]
    p.name_edit.clear()
    qtbot.keyClick(p.name_edit, Qt.Key.Key_Return)  # an empty name is refused, with a reason
    assert fields == [("name", "Hotline")] and p.name_error.isVisible()
    focus(qtbot, p.description_edit)
    qtbot.keyClicks(p.description_edit, "After-hours line")
    focus(qtbot, p.channel_combo)  # leaving the box commits
    assert fields[-1] == ("description", "After-hours line")
    p.channel_combo.setCurrentIndex(p.channel_combo.findData("voice"))
    p.channel_combo.activated.emit(p.channel_combo.currentIndex())
    assert fields[-1] == ("channel", "voice")
    p.locale_checks["en"].click()
    assert fields[-1] == ("locales", ["zh-CN"])
    p.locale_checks["zh-CN"].click()  # the last language cannot go
    assert fields[-1] == ("locales", ["zh-CN"]) and p.locale_checks["zh-CN"].isChecked()
    assert len(fields) == 4


def test_show_doc_updates_in_place_keeping_the_cursor(qtbot: QtBot) -> None:
    p, fields, variables = _panel(qtbot, _doc())
    focus(qtbot, p.name_edit)
    p.name_edit.setCursorPosition(4)
    p.show_doc(_doc(name="Main hotline", channel="voice"))
    assert p.name_edit.hasFocus() and p.name_edit.cursorPosition() == 4 and p.name_edit.text() == "Main hotline"
    assert p.channel_combo.currentData() == "voice"
    assert fields == [] and variables == []


def test_variables_table_shows_and_adds(qtbot: QtBot) -> None:
    p, _, variables = _panel(qtbot, _doc())
    table = p.variables.table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in (0, 1, 2)] == ["attempts", "number", "0"]
    assert table.item(1, 3).checkState() == Qt.CheckState.Checked
    p.variables.add_button.click()
    assert [v.name for v in variables[-1]] == ["attempts", "phone", "var3"]
    # The new name is open for typing at once.
    renames: list[tuple[str, str]] = []
    p.variable_renamed.connect(lambda a, b: renames.append((a, b)))
    _type_into_open_editor(qtbot, p, "order_no")
    assert [v.name for v in variables[-1]] == ["attempts", "phone", "order_no"]
    assert renames == [("var3", "order_no")]


@pytest.mark.parametrize(("bad", "why"), [
    ("Order", "not a valid name"), ("2nd", "not a valid name"), ("has space", "not a valid name"),
    ("phone", "already exists"), ("customer", "reserved"), ("len", "reserved"), ("true", "reserved"),
])
def test_variables_table_rejects_bad_names(qtbot: QtBot, bad: str, why: str) -> None:
    p, _, variables = _panel(qtbot, _doc())
    _edit_cell(qtbot, p, 0, 0, bad)
    assert variables == []
    assert p.variables.error_label.isVisible() and why in p.variables.error_label.text()
    qtbot.waitUntil(lambda: p.variables.table.item(0, 0).text() == "attempts", timeout=2000)  # put back


def test_variables_type_sensitive_default_and_remove(qtbot: QtBot) -> None:
    p, _, variables = _panel(qtbot, _doc())
    table = p.variables.table
    _edit_cell(qtbot, p, 0, 2, "abc")  # not a number
    assert variables == [] and "must be a number" in p.variables.error_label.text()
    qtbot.waitUntil(lambda: table.item(0, 2).text() == "0", timeout=2000)
    _edit_cell(qtbot, p, 0, 2, "3")
    assert variables[-1][0] == Variable(name="attempts", type="number", default="3")
    assert not p.variables.error_label.isVisible()
    # Type through its combo delegate.
    focus(qtbot, table)
    table.setCurrentCell(1, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.findChild(QComboBox) is not None, timeout=2000)
    combo = table.findChild(QComboBox)
    assert combo is not None
    combo.setCurrentIndex(combo.findData("number"))
    table.commitData(combo)
    assert variables[-1][1].type == "number"
    # Sensitive is a check box cell.
    table.item(1, 3).setCheckState(Qt.CheckState.Unchecked)
    assert variables[-1][1].sensitive is False
    table.setCurrentCell(0, 0)
    p.variables.remove_button.click()
    assert [v.name for v in variables[-1]] == ["phone"]
