"""The panels hosted by the real FlowEditor: one undo command per committed edit, undo shows in place."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from test_flow_props_support import CATALOG, english, focus  # noqa: E402, F401

from designer.flow.editor import FlowEditor  # noqa: E402
from designer.flow.properties import FlowSettingsPanel, NodePropertiesPanel  # noqa: E402
from edge_server.contract.designs import FlowChannel, FlowDoc, FlowNode, Variable  # noqa: E402

pytestmark = [
    pytest.mark.usefixtures("english"),
    pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard"),  # offscreen popups
]


def _doc() -> FlowDoc:
    return FlowDoc(id="f1", name="Hotline", channel=FlowChannel.VOICE,
                   variables=[Variable(name="attempts", type="number")], entry="s", nodes=[
                       FlowNode(id="s", type="start", exits={"next": "m"}, ui={"x": 0, "y": 0}),
                       FlowNode(id="m", type="menu", label="Main", ui={"x": 300, "y": 0},
                                config={"prompt": {"zh-CN": "请选择", "en": "Please choose"},
                                        "options": [{"key": "1", "label": {"zh-CN": "查询", "en": "Balance"}}]}),
                   ])


def _editor(qtbot: QtBot) -> FlowEditor:
    ed = FlowEditor(_doc())
    qtbot.addWidget(ed)
    ed.resize(1300, 900)
    ed.show()
    qtbot.waitExposed(ed)
    ed.activateWindow()
    ed.set_catalog(CATALOG)
    return ed


def test_edit_is_one_undo_command_and_undo_keeps_focus_and_cursor(qtbot: QtBot) -> None:
    ed = _editor(qtbot)
    panel = ed.node_panel
    assert isinstance(panel, NodePropertiesPanel) and isinstance(ed.settings_panel, FlowSettingsPanel)
    ed.select_element("m")
    qtbot.waitUntil(lambda: panel.node_id() == "m", timeout=2000)
    en = panel.editors["prompt"].edits["en"]  # type: ignore[attr-defined]
    assert isinstance(en, QLineEdit) and en.text() == "Please choose"
    ed.focus_properties()  # Enter on a node: the keyboard lands on the panel's first field
    qtbot.waitUntil(lambda: panel.label_edit is not None and panel.label_edit.hasFocus(), timeout=2000)
    focus(qtbot, en)
    en.end(False)
    qtbot.keyClicks(en, " one")
    qtbot.keyClick(en, Qt.Key.Key_Return)
    assert ed.undo_stack.count() == 1
    node = next(n for n in ed.document().nodes if n.id == "m")
    assert node.config["prompt"] == {"zh-CN": "请选择", "en": "Please choose one"}
    en.setCursorPosition(3)
    ed.undo_stack.undo()
    assert panel.editors["prompt"].edits["en"] is en  # type: ignore[attr-defined]
    assert en.text() == "Please choose" and en.hasFocus() and en.cursorPosition() == 3
    ed.undo_stack.redo()
    assert en.text() == "Please choose one" and en.hasFocus()
    # A list edit is one command too, and undo takes the card away again.
    panel.editors["options"].add_button.click()  # type: ignore[attr-defined]
    assert ed.undo_stack.count() == 2
    assert len(next(n for n in ed.document().nodes if n.id == "m").config["options"]) == 2
    ed.undo_stack.undo()
    assert len(panel.editors["options"].cards) == 1  # type: ignore[attr-defined]


def test_label_edit_and_variables_through_the_editor(qtbot: QtBot) -> None:
    ed = _editor(qtbot)
    ed.select_element("m")
    panel = ed.node_panel
    qtbot.waitUntil(lambda: panel.node_id() == "m", timeout=2000)
    assert panel.label_edit is not None
    focus(qtbot, panel.label_edit)
    panel.label_edit.selectAll()
    qtbot.keyClicks(panel.label_edit, "Main menu")
    qtbot.keyClick(panel.label_edit, Qt.Key.Key_Return)
    assert next(n for n in ed.document().nodes if n.id == "m").label == "Main menu"
    ed.select_element("")
    settings = ed.settings_panel
    qtbot.waitUntil(settings.isVisible, timeout=2000)
    settings.variables.add_button.click()
    assert [v.name for v in ed.document().variables] == ["attempts", "var2"]
    ed.undo_stack.undo()
    assert settings.variables.table.rowCount() == 1
