"""Every kind of flow edit is one undo step that restores the exact document (hash and ui blocks)."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from flow_canvas_support import english, open_editor, small_flow, snapshot  # noqa: E402, F401
from PySide6.QtCore import QPointF  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.flow.commands import (  # noqa: E402
    AddNodes,
    Connect,
    MoveNodes,
    RemoveNodes,
    SetConfig,
    SetDocField,
    SetEntry,
    SetLabel,
    SetTests,
    SetVariables,
    add_annotation,
    edit_annotation,
    remove_annotation,
)
from designer.flow.editor import FlowEditor  # noqa: E402
from edge_server.contract.designs import Annotation, FlowNode, FlowTestCase, Variable  # noqa: E402

pytestmark = pytest.mark.usefixtures("english")

Edit = Callable[[FlowEditor], None]

EDITS: dict[str, Edit] = {
    "add": lambda ed: ed.undo_stack.push(AddNodes(ed.model, [FlowNode(
        id="new", type="message", config={"text": {"en": "x"}}, exits={"next": None}, ui={"x": 40.0, "y": 400.0})])),
    "remove_wired": lambda ed: ed.undo_stack.push(RemoveNodes(ed.model, ["m"])),
    "remove_entry": lambda ed: ed.undo_stack.push(RemoveNodes(ed.model, ["s", "e"])),
    "move": lambda ed: ed.undo_stack.push(MoveNodes(ed.model, {"m": (320.0, 40.0), "e": (620.0, 40.0)})),
    "config_adds_exit": lambda ed: ed.undo_stack.push(SetConfig(ed.model, "menu", "options", [
        {"key": "1", "label": {"en": "One"}}, {"key": "2", "label": {"en": "Two"}}])),
    "label": lambda ed: ed.undo_stack.push(SetLabel(ed.model, "m", "Welcome")),
    "connect_replace": lambda ed: ed.undo_stack.push(Connect(ed.model, "m", "next", "menu")),
    "connect_new_key": lambda ed: ed.undo_stack.push(Connect(ed.model, "e", "extra", "m")),
    "disconnect": lambda ed: ed.undo_stack.push(Connect(ed.model, "s", "next", None)),
    "entry": lambda ed: ed.undo_stack.push(SetEntry(ed.model, "m")),
    "variables": lambda ed: ed.undo_stack.push(SetVariables(ed.model, [Variable(name="phone", sensitive=True)])),
    "channel": lambda ed: ed.undo_stack.push(SetDocField(ed.model, "channel", "voice")),
    "name": lambda ed: ed.undo_stack.push(SetDocField(ed.model, "name", "Renamed")),
    "locales": lambda ed: ed.undo_stack.push(SetDocField(ed.model, "locales", ["zh-CN"])),
    "tests": lambda ed: ed.set_tests([FlowTestCase(id="t1", name="happy", inputs=["1"])]),
    "note_add": lambda ed: ed.add_note("remember", QPointF(10, 300)),
    "align": lambda ed: (ed._select_many(["s", "m", "menu"]), ed.align("top")),
    "distribute": lambda ed: (ed._select_many(["s", "m", "menu"]), ed.distribute("horizontal")),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_is_one_step_and_undo_restores_the_exact_document(qtbot: QtBot, name: str) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    depth = editor.undo_stack.count()
    with qtbot.waitSignal(editor.changed, timeout=2000):
        EDITS[name](editor)
    after = snapshot(editor.document())
    assert after != before, f"{name} changed nothing"
    assert editor.undo_stack.count() == depth + 1
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    editor.undo_stack.redo()
    assert snapshot(editor.document()) == after


def test_remove_restores_wires_into_the_node_and_its_place(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.undo_stack.push(RemoveNodes(editor.model, ["m"]))
    assert editor.model.nodes["s"].exits["next"] is None
    assert "m" not in editor.scene.nodes and ("s", "next") not in editor.scene.wires
    editor.undo_stack.undo()
    assert list(editor.model.nodes) == ["s", "m", "e", "menu"]
    assert editor.model.nodes["s"].exits["next"] == "m"
    assert editor.scene.wires[("s", "next")].target.node_id == "m"
    assert editor.scene.wires[("m", "next")].target.node_id == "e"


def test_typing_in_one_field_merges_and_a_new_field_does_not(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    for text in ("H", "He", "Hey"):
        editor.undo_stack.push(SetConfig(editor.model, "m", "text", {"en": text, "zh-CN": "你好"}))
    assert editor.undo_stack.count() == 1
    editor.undo_stack.push(SetLabel(editor.model, "m", "A"))
    editor.undo_stack.push(SetLabel(editor.model, "m", "AB"))
    assert editor.undo_stack.count() == 2
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before


def test_config_change_keeps_wired_exit_it_no_longer_names(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    editor.undo_stack.push(Connect(editor.model, "menu", "1", "e"))
    editor.undo_stack.push(SetConfig(editor.model, "menu", "options", [{"key": "9", "label": {"en": "Nine"}}]))
    exits = editor.model.nodes["menu"].exits
    assert exits["9"] is None and exits["1"] == "e"  # kept (wired) so the user sees it, flagged stale
    assert "1" in editor.scene.nodes["menu"].stale
    editor.undo_stack.undo()
    assert "9" not in editor.model.nodes["menu"].exits and editor.scene.nodes["menu"].stale == set()


def test_nudges_of_one_selection_merge_into_one_step(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    before = snapshot(editor.document())
    editor._select_many(["m", "e"])
    for _ in range(3):
        editor.nudge(20, 0)
    assert editor.undo_stack.count() == 1
    assert editor.model.nodes["m"].ui["x"] == 360.0
    editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    editor.undo_stack.push(MoveNodes(editor.model, {"m": (0.0, 600.0)}))  # no gesture: never merges
    editor.undo_stack.push(MoveNodes(editor.model, {"m": (0.0, 620.0)}))
    assert editor.undo_stack.count() == 2


def test_notes_edit_and_remove_undo(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    aid = editor.add_note("first", QPointF(0, 400))
    before = snapshot(editor.document())
    editor.edit_note(aid, "second")
    assert editor.scene.notes[aid].text() == "second"
    editor.undo_stack.push(edit_annotation(editor.model, Annotation(id=aid, text="second", ui={"x": 80.0, "y": 400.0})))
    editor.undo_stack.push(remove_annotation(editor.model, aid))
    assert aid not in editor.scene.notes
    for _ in range(3):
        editor.undo_stack.undo()
    assert snapshot(editor.document()) == before
    assert editor.scene.notes[aid].text() == "first"
    editor.undo_stack.push(add_annotation(editor.model, Annotation(id="n2", text="x")))
    assert [a.id for a in editor.document().annotations] == [aid, "n2"]


def test_set_tests_is_undoable_and_keeps_the_hash(qtbot: QtBot) -> None:
    editor = open_editor(qtbot, small_flow())
    h0, _ = snapshot(editor.document())
    editor.set_tests([FlowTestCase(id="t", name="n", inputs=["hi"])])
    h1, _ = snapshot(editor.document())
    assert h1 == h0  # saved simulations are not part of the semantic hash
    assert editor.document().tests[0].inputs == ["hi"]
    editor.undo_stack.push(SetTests(editor.model, []))
    assert editor.document().tests == []
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.document().tests == []
