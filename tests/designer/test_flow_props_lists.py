"""List and skills editors: add, remove, move, edit an item; in-place updates after undo."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402
from test_flow_props_support import english, focus, make_panel, node, show  # noqa: E402, F401

from designer.flow.props_list import ListEditor, empty_item  # noqa: E402
from designer.flow.props_skills import SkillsEditor  # noqa: E402
from edge_server.flows.nodetypes import NODE_TYPES  # noqa: E402

pytestmark = [
    pytest.mark.usefixtures("english"),
    pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard"),  # offscreen popups
]

OPTIONS = [{"key": "1", "label": {"zh-CN": "查询", "en": "Balance"}},
           {"key": "2", "label": {"zh-CN": "人工", "en": "Agent"}}]


def _options(p: object) -> ListEditor:
    ed = p.editors["options"]  # type: ignore[attr-defined]
    assert isinstance(ed, ListEditor)
    return ed


def test_add_remove_and_move_emit_the_whole_list(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("menu", options=[dict(o) for o in OPTIONS]))
    ed = _options(p)
    assert [c.title.text() for c in ed.cards] == ["1. 1 — Balance", "2. 2 — Agent"]
    assert ed.cards[0].up_button.isEnabled() is False and ed.cards[1].down_button.isEnabled() is False
    assert ed.cards[1].up_button.accessibleName() == "Move Options 2 up"

    ed.add_button.click()
    assert rec.config[-1] == ("n1", "options", [*OPTIONS, {"key": "3", "label": {}}])
    assert len(ed.cards) == 3
    qtbot.waitUntil(lambda: ed.cards[2].editors["key"].focus_widget().hasFocus(), timeout=2000)

    ed.cards[2].up_button.click()
    assert [o["key"] for o in rec.config[-1][2]] == ["1", "3", "2"]
    # The focus follows the moved item, so "up" again keeps moving it.
    qtbot.waitUntil(ed.cards[1].up_button.hasFocus, timeout=2000)
    qtbot.keyClick(ed.cards[1].up_button, Qt.Key.Key_Space)
    assert [o["key"] for o in rec.config[-1][2]] == ["3", "1", "2"]

    ed.cards[0].remove_button.click()
    assert rec.config[-1] == ("n1", "options", OPTIONS)
    assert [c.title.text() for c in ed.cards] == ["1. 1 — Balance", "2. 2 — Agent"]
    assert len(rec.config) == 4


def test_editing_an_item_field_emits_the_list_and_updates_the_title(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("menu", options=[dict(o) for o in OPTIONS]))
    ed = _options(p)
    en = ed.cards[1].editors["label"].edits["en"]  # type: ignore[attr-defined]
    assert en.accessibleName() == "Options 2: Label (English)"
    focus(qtbot, en)
    en.selectAll()
    qtbot.keyClicks(en, "Talk to us")
    qtbot.keyClick(en, Qt.Key.Key_Return)
    want = [OPTIONS[0], {"key": "2", "label": {"zh-CN": "人工", "en": "Talk to us"}}]
    assert rec.config == [("n1", "options", want)]
    assert ed.cards[1].title.text() == "2. 2 — Talk to us"


def test_undo_of_an_add_updates_cards_in_place(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("menu", options=[dict(o) for o in OPTIONS]))
    ed = _options(p)
    first = ed.cards[0]
    key_edit = first.editors["key"].focus_widget()
    assert isinstance(key_edit, QLineEdit)
    focus(qtbot, key_edit)
    key_edit.setCursorPosition(1)
    three = [*OPTIONS, {"key": "3", "label": {"en": "Three"}}]
    show(p, node("menu", options=three))  # redo of an add elsewhere
    assert len(ed.cards) == 3 and ed.cards[0] is first and key_edit.hasFocus()
    show(p, node("menu", options=[OPTIONS[1], OPTIONS[0]]))  # undo back, then a reorder
    assert len(ed.cards) == 2 and ed.cards[0] is first and key_edit.text() == "2" and key_edit.hasFocus()
    assert rec.config == []


def test_condition_branch_names_are_unique_when_added(qtbot: QtBot) -> None:
    branches = NODE_TYPES["condition"].fields[0]
    item = empty_item(branches.items, [{"name": "item2", "when": "true"}])
    assert item["name"] != "item2" and item["when"] == ""
    p, rec = make_panel(qtbot, node("condition"))
    _ = p.editors["branches"]
    p.editors["branches"].add_button.click()  # type: ignore[attr-defined]
    assert rec.config[-1][2] == [{"name": "yes", "when": "true"}, {"name": "item2", "when": ""}]


def test_bot_intents_use_sub_forms(qtbot: QtBot) -> None:
    intents = [{"name": "hours", "keywords": ["营业时间", "hours"], "answer": {"zh-CN": "9点到18点", "en": "9 to 6"}}]
    p, rec = make_panel(qtbot, node("bot", intents=intents), channel="chat")
    card = p.editors["intents"].cards[0]  # type: ignore[attr-defined]
    assert set(card.editors) == {"name", "keywords", "answer"}
    kw = card.editors["keywords"].edit
    focus(qtbot, kw)
    kw.setText("营业时间，几点开门, hours")
    qtbot.keyClick(kw, Qt.Key.Key_Return)
    assert rec.config == [("n1", "intents", [{**intents[0], "keywords": ["营业时间", "几点开门", "hours"]}])]


def test_skills_table_add_level_remove(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("route", queue="sales"))
    ed = p.editors["skills"]
    assert isinstance(ed, SkillsEditor) and ed.rows == []
    ed.add_button.click()
    assert rec.config[-1] == ("n1", "skills", {"english": 1})
    combo, spin, remove = ed.rows[0]
    assert combo.currentText() == "English" and combo.accessibleName() == "Skill 1"
    spin.setValue(3)
    assert rec.config[-1] == ("n1", "skills", {"english": 3})
    ed.add_button.click()
    assert rec.config[-1] == ("n1", "skills", {"english": 3, "billing": 1})
    remove.click()
    assert rec.config[-1] == ("n1", "skills", {"billing": 1})
    # An external change (undo) shows in place.
    show(p, node("route", queue="sales", skills={"billing": 2, "legacy_skill": 4}))
    assert [(c.currentText(), s.value()) for c, s, _ in ed.rows] == [("Billing", 2), ("legacy_skill", 4)]
    assert len(rec.config) == 4
