"""The canvas driven the way a supervisor does: mouse drags, drops, keys, the outline and the minimap."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import msgspec  # noqa: E402
import pytest  # noqa: E402
from flow_canvas_support import (  # noqa: E402, F401
    click,
    drag,
    english,
    node_centre,
    open_editor,
    small_flow,
    snapshot,
)
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsItem  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.flow.clipboard import NODES_MIME  # noqa: E402
from designer.flow.commands import Connect, MoveNodes  # noqa: E402
from designer.flow.editor import FlowEditor  # noqa: E402
from designer.flow.items import HEADER_H, NODE_W, ROW_H  # noqa: E402
from edge_server.contract.designs import Problem, Severity, TraceStep  # noqa: E402

pytestmark = pytest.mark.usefixtures("english")

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


def _drop(editor: FlowEditor, data: QMimeData, scene_pos: QPointF) -> None:
    """What Qt delivers when a palette entry is dropped: DragEnter, then Drop, on the viewport."""
    vp = editor.view.viewport()
    pos = editor.view.mapFromScene(scene_pos)
    enter = QDragEnterEvent(QPointF(pos), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, NONE)
    QApplication.sendEvent(vp, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, NONE)
    QApplication.sendEvent(vp, drop)


def _exit_port(editor: FlowEditor, node_id: str, exit_name: str) -> QPointF:
    item = editor.scene.nodes[node_id]
    return item.pos() + QPointF(NODE_W, HEADER_H + item.exits.index(exit_name) * ROW_H + ROW_H / 2)


def test_drop_from_palette_adds_a_node_where_dropped_and_undo_removes_it(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    data = editor.palette.mimeData([editor.palette.item_for("collect")])
    with qtbot.waitSignal(editor.changed, timeout=2000):
        _drop(editor, data, QPointF(612, 407))
    added = [n for n in editor.model.nodes.values() if n.type == "collect"]
    assert len(added) == 1
    node = added[0]
    assert (node.ui["x"], node.ui["y"]) == (620.0, 400.0)  # snapped to the 20 px grid
    assert set(node.exits) == {"ok", "max_retries"} and node.config["input"] == "text"
    assert editor.scene.nodes[node.id].isSelected() and editor.selected_element == node.id
    editor.undo_stack.undo()
    assert node.id not in editor.model.nodes and node.id not in editor.scene.nodes


def test_palette_enter_adds_at_the_view_centre(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    item = editor.palette.item_for("condition")
    editor.palette.setCurrentItem(item)
    editor.palette.setFocus()
    QTest.keyClick(editor.palette, Qt.Key.Key_Return)
    node = next(n for n in editor.model.nodes.values() if n.type == "condition")
    centre = editor.view.mapToScene(editor.view.viewport().rect().center())
    assert abs(node.ui["x"] + NODE_W / 2 - centre.x()) <= 20 and abs(node.ui["y"] + 30 - centre.y()) <= 20
    assert set(node.exits) == {"yes", "else"}


def test_dragging_from_an_exit_port_to_a_node_connects_it(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    with qtbot.waitSignal(editor.changed, timeout=2000):
        drag(editor, _exit_port(editor, "menu", "1"), node_centre(editor, "e"))
    assert editor.model.nodes["menu"].exits["1"] == "e"
    assert editor.scene.wires[("menu", "1")].target.node_id == "e"
    # Re-connecting the same exit replaces its one target; undo gives the old one back.
    drag(editor, _exit_port(editor, "menu", "1"), node_centre(editor, "m"))
    assert editor.model.nodes["menu"].exits["1"] == "m"
    editor.undo_stack.undo()
    assert editor.model.nodes["menu"].exits["1"] == "e"
    # Dropping on empty space does nothing (and leaves no preview behind).
    count = editor.undo_stack.count()
    drag(editor, _exit_port(editor, "menu", "timeout"), QPointF(900, 700))
    assert editor.undo_stack.count() == count and editor.model.nodes["menu"].exits["timeout"] is None
    assert not editor.view.wiring
    # The start node takes no incoming wire.
    drag(editor, _exit_port(editor, "menu", "timeout"), node_centre(editor, "s"))
    assert editor.model.nodes["menu"].exits["timeout"] is None


def test_dragging_a_node_moves_it_on_the_grid_in_one_undo_step(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    start = node_centre(editor, "m")
    drag(editor, start, start + QPointF(47, 93), steps=8)
    node = editor.model.nodes["m"]
    assert (node.ui["x"], node.ui["y"]) == (340.0, 100.0)
    assert editor.undo_stack.count() == 1
    # Its wires followed it.
    wire = editor.scene.wires[("s", "next")]
    assert wire.path().pointAtPercent(1.0) == editor.scene.nodes["m"].input_port()
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    assert editor.scene.nodes["m"].pos() == QPointF(300, 0)


def test_delete_key_removes_the_selection_and_undo_brings_back_its_wires(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    click(editor, node_centre(editor, "m"))
    assert editor.selected_element == "m"
    editor.view.setFocus()
    QTest.keyClick(editor.view, Qt.Key.Key_Delete)
    assert "m" not in editor.model.nodes and editor.model.nodes["s"].exits["next"] is None
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    assert ("s", "next") in editor.scene.wires


def test_copy_paste_gives_fresh_ids_internal_wires_and_an_offset(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor._select_many(["m", "e"])
    editor.view.setFocus()
    QTest.keyClick(editor.view, Qt.Key.Key_C, CTRL)
    data = QGuiApplication.clipboard().mimeData()
    assert data.hasFormat(NODES_MIME) and '"switchboard-flow-nodes"' in data.text()
    QTest.keyClick(editor.view, Qt.Key.Key_V, CTRL)
    assert len(editor.model.nodes) == 6
    new = [n for n in editor.model.nodes.values() if n.id not in {"s", "m", "e", "menu"}]
    by_type = {n.type: n for n in new}
    assert by_type["message"].exits["next"] == by_type["end"].id  # internal wire follows the copies
    assert (by_type["message"].ui["x"], by_type["message"].ui["y"]) == (340.0, 40.0)
    assert set(editor.selected_ids()) == {n.id for n in new}
    QTest.keyClick(editor.view, Qt.Key.Key_V, CTRL)  # again: one step further, not on top
    again = [n for n in editor.model.nodes.values()
             if n.type == "message" and n.id not in {"m", by_type["message"].id}]
    assert (again[0].ui["x"], again[0].ui["y"]) == (380.0, 80.0)
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert len(editor.model.nodes) == 4
    # Cut = copy + delete, one undo step; pasting plain text that is not ours does nothing.
    editor._select_many(["menu"])
    QTest.keyClick(editor.view, Qt.Key.Key_X, CTRL)
    assert "menu" not in editor.model.nodes
    QGuiApplication.clipboard().setText("hello")
    assert editor.paste() == []


def test_arrow_keys_walk_to_the_nearest_node_and_tab_follows_the_outline(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.select_element("s")
    editor.view.setFocus()
    seen = []
    editor.selection_changed.connect(seen.append)
    for key, expected in ((Qt.Key.Key_Right, "m"), (Qt.Key.Key_Right, "e"), (Qt.Key.Key_Left, "m"),
                          (Qt.Key.Key_Down, "menu"), (Qt.Key.Key_Up, "m")):
        QTest.keyClick(editor.view, key)
        assert editor.selected_element == expected, key
    assert seen == ["m", "e", "m", "menu", "m"]
    QTest.keyClick(editor.view, Qt.Key.Key_Up)  # nothing above: stays
    assert editor.selected_element == "m"
    order = editor.model.order()
    assert order == ["s", "m", "e", "menu"]
    editor.select_element("s")
    QTest.keyClick(editor.view, Qt.Key.Key_Tab)
    assert editor.selected_element == "m"
    QTest.keyClick(editor.view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.selected_element == "s"
    assert editor.view.hasFocus()  # Tab stayed on the canvas


def test_alt_arrows_nudge_and_enter_focuses_the_properties(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.select_element("m")
    editor.view.setFocus()
    QTest.keyClick(editor.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(editor.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert (editor.model.nodes["m"].ui["x"], editor.model.nodes["m"].ui["y"]) == (320.0, 20.0)
    QTest.keyClick(editor.view, Qt.Key.Key_Return)
    label_edit = editor.node_panel.label_edit
    assert label_edit is not None
    qtbot.waitUntil(label_edit.hasFocus, timeout=2000)
    # Typing a new label there is one undoable SetLabel on the node.
    label_edit.selectAll()
    QTest.keyClicks(label_edit, "Welcome")
    QTest.keyClick(label_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.model.nodes["m"].label == "Welcome", timeout=2000)
    editor.undo_stack.undo()
    assert editor.model.nodes["m"].label == "Hello"


def test_align_shortcut_lines_up_the_selection_in_one_step(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor._select_many(["m", "menu"])
    editor.view.setFocus()
    QTest.keyClick(editor.view, Qt.Key.Key_Up, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert editor.model.nodes["menu"].ui["y"] == 0.0 and editor.model.nodes["m"].ui["y"] == 0.0
    editor.actions_by_name["align_left"].trigger()
    assert editor.model.nodes["menu"].ui["x"] == editor.model.nodes["m"].ui["x"] == 300.0
    assert editor.undo_stack.count() == 1  # "top" changed things; "left" had nothing to do
    editor.undo_stack.undo()
    assert editor.model.nodes["menu"].ui["y"] == 240.0


def test_zoom_keys_wheel_and_fit(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    view = editor.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Equal, CTRL)
    assert view.zoom() == pytest.approx(1.25)
    QTest.keyClick(view, Qt.Key.Key_Minus, CTRL)
    QTest.keyClick(view, Qt.Key.Key_Minus, CTRL)
    assert view.zoom() == pytest.approx(0.8)
    assert editor.zoom_label.text() == "80%"
    vp = view.viewport()
    centre = QPointF(vp.rect().center())
    wheel = QWheelEvent(centre, QPointF(vp.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, CTRL, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, wheel)
    assert view.zoom() == pytest.approx(1.0)
    QTest.keyClick(view, Qt.Key.Key_0, CTRL)
    visible = view.mapToScene(vp.rect()).boundingRect()
    for item in editor.scene.nodes.values():
        assert visible.contains(item.sceneBoundingRect()), item.node_id
    assert view.zoom() <= 1.0


def test_overview_mode_draws_the_graph_as_background_and_keeps_clicks(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.view.set_zoom(0.2)
    assert editor.scene.overview and editor.scene.nodes["m"].flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    click(editor, node_centre(editor, "m"))
    assert editor.selected_element == "m"
    assert not editor.scene.nodes["m"].flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    pix = editor.view.viewport().grab().toImage()
    centre = editor.view.mapFromScene(editor.scene.nodes["e"].pos() + QPointF(100, 20))
    assert pix.pixelColor(centre).name() != "#f7f8fa"  # the unselected node is drawn by the background
    editor.view.set_zoom(1.0)
    assert not editor.scene.overview
    assert not editor.scene.nodes["e"].flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def test_minimap_click_pans_the_canvas(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.view.set_zoom(2.0)
    editor.minimap.render_now()
    target = editor.scene.nodes["menu"].sceneBoundingRect().center()
    QTest.mouseClick(editor.minimap, Qt.MouseButton.LeftButton, NONE, editor.minimap.scene_to_map(target).toPoint())
    centre = editor.view.mapToScene(editor.view.viewport().rect().center())
    assert abs(centre.x() - target.x()) < 30 and abs(centre.y() - target.y()) < 30
    frame = editor.minimap.visible_scene_rect()
    assert frame.contains(target)


def test_minimap_rendering_is_throttled(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    qtbot.waitUntil(lambda: editor.minimap.renders >= 1, timeout=2000)
    first = editor.minimap.renders
    for i in range(10):
        editor.undo_stack.push(MoveNodes(editor.model, {"e": (600.0 + 20 * (i + 1), 0.0)}))
    qtbot.waitUntil(lambda: editor.minimap.renders > first, timeout=2000)
    qtbot.wait(250)
    assert editor.minimap.renders - first <= 2  # ten edits, at most a couple of re-renders


def test_outline_and_canvas_selection_follow_each_other(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    outline = editor.outline
    click(editor, node_centre(editor, "m"))
    editor.tabs.setCurrentIndex(1)  # shown: built at once, with the canvas selection
    assert outline.model().rowCount() == 4 and outline.current_node() == "m"
    assert outline.accessibleName()
    assert outline.node_ids() == ["s", "m", "e", "menu"]
    assert outline.row_text("m") == "Hello (Send message / play prompt)"
    with qtbot.waitSignal(editor.selection_changed, timeout=2000) as sig:
        outline.setCurrentIndex(outline.model().index(2, 0))
    assert sig.args == ["e"] and editor.scene.nodes["e"].isSelected()
    click(editor, node_centre(editor, "menu"))
    assert outline.current_node() == "menu"
    # Exits with their targets are children of the node.
    row = outline.model().index(1, 0)
    assert outline.model().index(0, 0, row).data() == "next → Bye (End)"
    editor.undo_stack.push(Connect(editor.model, "m", "next", "menu"))
    outline.flush()
    assert outline.model().index(0, 0, outline.model().index(1, 0)).data() == "next → Menu (Menu)"


def test_problems_show_as_badges_with_their_messages(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    problems = [
        Problem(severity=Severity.ERROR, code="EXIT_UNWIRED", element_id="menu", message="Exit 1 is not connected"),
        Problem(severity=Severity.ERROR, code="EXIT_UNWIRED", element_id="menu",
                message="Exit timeout is not connected"),
        Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING", element_id="m", message="No English text"),
        Problem(severity=Severity.WARNING, code="X", element_id="", message="document level"),
    ]
    editor.set_problems(problems)
    menu = editor.scene.nodes["menu"]
    assert menu.problem_counts == (2, 0) and "Exit timeout is not connected" in menu.toolTip()
    assert editor.scene.nodes["m"].problem_counts == (0, 1)
    outline = editor.outline
    outline.flush()
    assert outline.problems_text("menu") == "2 error(s)" and outline.problems_text("m") == "1 warning(s)"
    # The badge is painted: a red pixel at the node's top-right corner.
    img = editor.view.viewport().grab().toImage()
    corner = editor.view.mapFromScene(menu.pos() + QPointF(NODE_W - 4, -6))
    assert img.pixelColor(corner).red() > 180 and img.pixelColor(corner).green() < 100
    editor.set_problems([])
    assert menu.problem_counts == (0, 0) and menu.toolTip() == ""


def test_show_trace_lights_up_the_path_and_clears(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    steps = [TraceStep(seq=1, node_id="s", node_type="start", ts_ms=0, exit="next"),
             TraceStep(seq=2, node_id="m", node_type="message", ts_ms=1, exit="next"),
             TraceStep(seq=3, node_id="e", node_type="end", ts_ms=2)]
    editor.show_trace(steps)
    assert editor.scene.nodes["m"].trace == [2] and editor.scene.nodes["menu"].trace == []
    assert editor.scene.wires[("s", "next")].traced and editor.scene.wires[("m", "next")].traced
    editor.show_trace([])
    assert editor.scene.nodes["m"].trace == [] and not editor.scene.wires[("s", "next")].traced


def test_document_is_a_fresh_copy_and_preview_values_is_none(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    doc = editor.document()
    doc.nodes[0].label = "mutated"
    doc.nodes[1].config["text"]["en"] = "mutated"
    assert editor.model.nodes["s"].label == "" and editor.model.nodes["m"].config["text"]["en"] == "Hello"
    assert editor.preview_values() is None
    assert msgspec.json.encode(editor.document()) == msgspec.json.encode(small_flow())


def test_rubber_band_selects_several_nodes(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    drag(editor, QPointF(-60, -80), QPointF(560, 120))
    assert set(editor.selected_ids()) == {"s", "m"}
    assert editor.selected_element == ""  # several selected: no single element


def test_middle_button_and_space_drag_pan_the_canvas(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.view.set_zoom(2.5)
    vp = editor.view.viewport()
    bar = editor.view.horizontalScrollBar()
    before = bar.value()
    QTest.mousePress(vp, Qt.MouseButton.MiddleButton, NONE, QPoint(400, 300))
    QTest.mouseMove(vp, QPoint(300, 300))
    QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, NONE, QPoint(300, 300))
    assert bar.value() == before + 100
    count = editor.undo_stack.count()
    editor.view.setFocus()
    QTest.keyPress(editor.view, Qt.Key.Key_Space)
    drag(editor, editor.view.mapToScene(QPoint(300, 300)), editor.view.mapToScene(QPoint(380, 300)), steps=2)
    QTest.keyRelease(editor.view, Qt.Key.Key_Space)
    assert bar.value() < before + 100
    assert editor.undo_stack.count() == count and editor.scene.selectedItems() == []  # panned, not selected


def test_property_panel_edits_become_commands_and_ports_follow(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    editor.select_element("menu")
    options = [{"key": "1", "label": {"zh-CN": "一", "en": "One"}}, {"key": "2", "label": {"zh-CN": "二", "en": "Two"}}]
    editor.node_panel.config_edited.emit("menu", "options", options)
    assert editor.scene.nodes["menu"].exits[:2] == ["1", "2"]
    assert editor.model.nodes["menu"].exits["2"] is None
    editor.settings_panel.doc_field_edited.emit("name", "Renamed")
    assert editor.document().name == "Renamed"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    assert editor.scene.nodes["menu"].exits[:2] == ["1", "no_match"]


def test_typing_a_label_then_clicking_another_node_commits_it(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    click(editor, node_centre(editor, "m"))
    label_edit = editor.node_panel.label_edit
    assert label_edit is not None
    label_edit.setFocus()
    label_edit.selectAll()
    QTest.keyClicks(label_edit, "Greeting")  # no Enter
    click(editor, node_centre(editor, "e"))
    assert editor.model.nodes["m"].label == "Greeting"
    assert editor.selected_element == "e" and editor.node_panel.node_id() == "e"
    editor.undo_stack.undo()
    assert editor.model.nodes["m"].label == "Hello"
