"""The node property panel: built for every node type, each field kind edits, in-place updates, problems."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
)
from pytestqt.qtbot import QtBot  # noqa: E402
from test_flow_props_support import english, focus, make_panel, node, show  # noqa: E402, F401

from designer.flow.props_common import EditorContext  # noqa: E402
from designer.flow.props_expr import ExprEditor  # noqa: E402
from designer.flow.props_factory import make_editor  # noqa: E402
from designer.flow.props_fields import (  # noqa: E402
    ChoiceEditor,
    DaysEditor,
    IntEditor,
    QueueEditor,
    StringsEditor,
    TimeEditor,
    TimezoneEditor,
    VariableEditor,
    split_strings,
)
from designer.flow.props_ltext import LTextEditor  # noqa: E402
from edge_server.contract.designs import FlowNode, Problem, Severity  # noqa: E402
from edge_server.flows.nodetypes import NODE_TYPES, ConfigField  # noqa: E402

pytestmark = [
    pytest.mark.usefixtures("english"),
    # Completion popups ask the platform for a keyboard grab; the offscreen plugin cannot (not ours).
    pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard"),
]


def _line(ed: object) -> QLineEdit:
    w = ed.focus_widget()  # type: ignore[attr-defined]
    return w.lineEdit() if isinstance(w, QComboBox) else w


def _type_and_enter(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    focus(qtbot, edit)
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)  # QTest cannot type CJK characters: insert as an input method would
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("type_name", sorted(NODE_TYPES))
def test_every_node_type_builds_with_labels_buddies_and_names(qtbot: QtBot, type_name: str) -> None:
    t = NODE_TYPES[type_name]
    p, rec = make_panel(qtbot, node(type_name))
    assert p.title_label.text() == t.label_en
    assert set(p.editors) == {f.key for f in t.fields}
    for f in t.fields:
        label = p.field_labels[f.key]
        ed = p.editors[f.key]
        assert label.text() == f.label_en + (" *" if f.required else "")
        assert label.buddy() is ed.focus_widget()
        assert ed.focus_widget().accessibleName(), f.key
        assert ed.focus_widget().focusPolicy() != Qt.FocusPolicy.NoFocus, f.key
        assert ed.value() == t.default_config().get(f.key, f.default)
    # Showing another node commits nothing by itself (untouched optional fields are not edits).
    show(p, node("end", "n2"))
    assert rec.config == [] and rec.labels == []


def test_unknown_node_type_is_shown_read_only(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, FlowNode(id="x", type="teleport", config={"to": "mars"}))
    assert "teleport" in p.title_label.text()
    assert p.editors == {} and p.raw_view is not None and p.raw_view.isReadOnly()
    assert '"to": "mars"' in p.raw_view.toPlainText()


def test_label_and_ltext_edits_emit_whole_values(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("menu", prompt={"zh-CN": "请选择"}))
    assert p.label_edit is not None
    _type_and_enter(qtbot, p.label_edit, "Main menu")
    assert rec.labels == [("n1", "Main menu")]
    ed = p.editors["prompt"]
    assert isinstance(ed, LTextEditor)
    en = ed.edits["en"]
    assert isinstance(en, QLineEdit) and en.placeholderText() == "Translation missing"
    assert en.accessibleName() == "Prompt (English)"
    _type_and_enter(qtbot, en, "Please choose")
    assert rec.config == [("n1", "prompt", {"zh-CN": "请选择", "en": "Please choose"})]
    # Leaving the field again without a change commits nothing more.
    focus(qtbot, p.label_edit)
    assert len(rec.config) == 1


def test_message_text_is_multi_line_and_commits_on_leaving(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("message"))
    ed = p.editors["text"]
    box = ed.focus_widget()
    assert isinstance(box, QPlainTextEdit) and box.tabChangesFocus()
    focus(qtbot, box)
    box.insertPlainText("第一行")  # (QTest cannot type CJK characters)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "second")
    assert rec.config == []
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # Tab leaves the box (and commits)
    qtbot.waitUntil(lambda: bool(rec.config), timeout=2000)
    assert rec.config == [("n1", "text", {"zh-CN": "第一行\nsecond"})]


def test_int_choice_text_and_variable_fields(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("collect"))
    spin = p.editors["timeout_s"].focus_widget()
    assert isinstance(spin, QSpinBox) and not spin.keyboardTracking()
    _type_and_enter(qtbot, spin.findChild(QLineEdit), "45")
    assert rec.config[-1] == ("n1", "timeout_s", 45)

    choice = p.editors["input"]
    assert isinstance(choice, ChoiceEditor)
    combo = choice.combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["digits", "text", "number", "phone", "email"]
    assert combo.currentData() == "text"
    focus(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # keyboard: previous choice
    assert rec.config[-1] == ("n1", "input", "digits")

    var = p.editors["variable"]
    assert isinstance(var, VariableEditor)
    assert [var.combo.itemText(i) for i in range(var.combo.count())] == ["phone", "attempts"]
    _type_and_enter(qtbot, _line(var), "order_no")  # not declared (yet): kept, with a pointer where to declare
    assert rec.config[-1] == ("n1", "variable", "order_no")
    assert var.note_label.property("problem") == "warning" and "Variables" in var.note_label.text()
    _type_and_enter(qtbot, _line(var), "phone")
    assert rec.config[-1] == ("n1", "variable", "phone") and not var.note_label.isVisibleTo(p)

    _type_and_enter(qtbot, _line(p.editors["terminator"]), "*")
    assert rec.config[-1] == ("n1", "terminator", "*")
    assert len(rec.config) == 5


def test_bool_editor_emits_on_toggle(qtbot: QtBot) -> None:
    ed = make_editor(ConfigField("enabled", "bool", "Enabled", "启用"), EditorContext())
    qtbot.addWidget(ed)
    ed.set_value(False)
    seen: list[object] = []
    ed.edited.connect(seen.append)
    ed.focus_widget().click()
    assert seen == [True]
    ed.set_value(False)  # an external change is shown without an edit
    assert seen == [True] and not ed.focus_widget().isChecked()


def test_queue_picker_names_in_ui_language_and_keeps_unknown_value(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("route", queue="vip_line"))
    ed = p.editors["queue"]
    assert isinstance(ed, QueueEditor)
    texts = [ed.combo.itemText(i) for i in range(ed.combo.count())]
    assert texts[1:3] == ["Sales", "Support"]
    assert ed.combo.currentText() == "vip_line (unknown queue)" and ed.combo.currentData() == "vip_line"
    assert ed.note_label.isVisibleTo(p) and ed.note_label.property("problem") == "warning"
    focus(qtbot, ed.combo)
    ed.combo.setCurrentIndex(ed.combo.findData("support"))
    ed.combo.activated.emit(ed.combo.currentIndex())
    assert rec.config == [("n1", "queue", "support")]
    assert not ed.note_label.isVisibleTo(p)


def test_queue_without_catalog_is_typed(qtbot: QtBot) -> None:
    ed = QueueEditor(NODE_TYPES["route"].fields[0], EditorContext(catalog=None))
    qtbot.addWidget(ed)
    ed.set_value("sales")
    assert ed.combo.isEditable() and ed.combo.currentText() == "sales"
    seen: list[object] = []
    ed.edited.connect(seen.append)
    ed.show()
    _type_and_enter(qtbot, _line(ed), "billing")
    assert seen == ["billing"]


def test_strings_split_on_chinese_and_western_commas(qtbot: QtBot) -> None:
    assert split_strings("a，b、c, d ;;e") == ["a", "b", "c", "d", "e"]
    p, rec = make_panel(qtbot, node("bot"))
    ed = p.editors["handoff_keywords"]
    assert isinstance(ed, StringsEditor)
    assert ed.edit.text() == "agent, human, 人工, 客服"
    _type_and_enter(qtbot, ed.edit, "人工，转人工、agent")
    assert rec.config == [("n1", "handoff_keywords", ["人工", "转人工", "agent"])]
    # The same list written differently is not a change: the text the user typed stays as typed.
    ed.edit.setText("人工,转人工,agent")
    show(p, node("bot", handoff_keywords=["人工", "转人工", "agent"]))
    assert ed.edit.text() == "人工,转人工,agent"


def test_days_time_and_timezone(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("business_hours", timezone="Asia/Shanghai"))
    hours = p.editors["hours"]
    card = hours.cards[0]  # type: ignore[attr-defined]
    days = card.editors["days"]
    assert isinstance(days, DaysEditor)
    assert [b.isChecked() for b in days.buttons.values()] == [True] * 5 + [False] * 2
    assert days.buttons["sat"].accessibleName() == "Open hours 1: Days: Saturday"
    days.buttons["sat"].click()
    assert rec.config[-1] == ("n1", "hours", [{"days": ["mon", "tue", "wed", "thu", "fri", "sat"],
                                               "open": "09:00", "close": "18:00"}])
    opens = card.editors["open"]
    assert isinstance(opens, TimeEditor)
    n = len(rec.config)
    _type_and_enter(qtbot, opens.edit, "99:99")  # the validator refuses what cannot become a time...
    assert opens.edit.text() == "9:" and len(rec.config) == n  # ...and Enter on a half time commits nothing
    assert opens.note_label.isVisibleTo(p) and "HH:MM" in opens.note_label.text()
    _type_and_enter(qtbot, opens.edit, "8:30")
    assert rec.config[-1][2][0]["open"] == "08:30" and opens.edit.text() == "08:30"
    n = len(rec.config)
    tz = p.editors["timezone"]
    assert isinstance(tz, TimezoneEditor)
    assert tz.combo.itemText(0) == "Asia/Shanghai"
    _type_and_enter(qtbot, _line(tz), "Mars/Olympus")
    assert len(rec.config) == n and tz.note_label.isVisibleTo(p)
    assert tz.focus_widget().property("problem") == "error"
    _type_and_enter(qtbot, _line(tz), "Europe/Paris")
    assert rec.config[-1] == ("n1", "timezone", "Europe/Paris") and not tz.note_label.isVisibleTo(p)


def test_expression_syntax_error_shows_position_and_still_commits(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("collect"))
    ed = p.editors["validate"]
    assert isinstance(ed, ExprEditor)
    focus(qtbot, ed.edit)
    qtbot.keyClicks(ed.edit, "len(value) == ")
    assert ed.note_label.isVisibleTo(p)
    assert "Syntax error at character 14" in ed.note_label.text()  # as the validator counts (from 0)
    assert "len(value) == ‸" in ed.note_label.text()  # the quote marks where the parser stopped
    assert "Ctrl+Space" in ed.edit.whatsThis() and "len(value) == 11" in ed.edit.whatsThis()
    assert ed.edit.property("problem") == "error"
    qtbot.keyClicks(ed.edit, "11")
    assert not ed.note_label.isVisibleTo(p) and ed.edit.property("problem") == ""
    ed.edit.completer.popup().hide()
    qtbot.keyClick(ed.edit, Qt.Key.Key_Return)
    assert rec.config == [("n1", "validate", "len(value) == 11")]
    # A name neither declared nor a system name is an error, as the validator has it...
    _type_and_enter(qtbot, ed.edit, "custmer.tier == 'gold'")
    assert ed.note_label.property("problem") == "error" and "custmer.tier" in ed.note_label.text()
    # ...but CRM attributes are open-ended, and `value` is the answer inside a collect's check.
    _type_and_enter(qtbot, ed.edit, "customer.attributes.plan == value")
    assert not ed.note_label.isVisibleTo(p)


def test_unknown_placeholders_in_messages_are_flagged(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("http"))
    url = p.editors["url"]
    _type_and_enter(qtbot, _line(url), "https://crm.local/tier?phone={phone}&x={custmer.id}")
    assert url.note_label.property("problem") == "warning"
    assert "{custmer.id}" in url.note_label.text() and "{phone}" not in url.note_label.text()
    _type_and_enter(qtbot, _line(url), "crm.local")
    assert "http://" in url.note_label.text()
    show(p, node("message"))
    text = p.editors["text"]
    box = text.edits["en"]  # type: ignore[attr-defined]
    box.setPlainText("Hello {contact.name}, you are {attempts} {nobody}")
    assert text.note_label.isVisibleTo(p) and "{nobody}" in text.note_label.text()
    assert "{attempts}" not in text.note_label.text()


def test_expression_completion_inserts_the_name_at_the_cursor(qtbot: QtBot) -> None:
    p, rec = make_panel(qtbot, node("condition"))
    card = p.editors["branches"].cards[0]  # type: ignore[attr-defined]
    ed = card.editors["when"]
    assert isinstance(ed, ExprEditor)
    focus(qtbot, ed.edit)
    ed.edit.selectAll()
    qtbot.keyClicks(ed.edit, "attempts > 2 && customer.v")
    popup = ed.edit.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert ed.edit.completer.currentCompletion() == "customer.vip"
    ed.edit.completer.activated[str].emit("customer.vip")
    assert ed.edit.text() == "attempts > 2 && customer.vip"
    assert ed.edit.cursorPosition() == len(ed.edit.text())
    popup.hide()
    # Declared variables complete too.
    ed.edit.setCursorPosition(3)
    assert ed.edit.token_before_cursor() == "att"


def test_reshow_same_node_updates_in_place_keeping_focus_and_cursor(qtbot: QtBot) -> None:
    n = node("menu", prompt={"zh-CN": "请选择", "en": "Please choose"})
    p, rec = make_panel(qtbot, n)
    ed = p.editors["prompt"]
    en = ed.edits["en"]  # type: ignore[attr-defined]
    widgets = dict(p.editors)
    focus(qtbot, en)
    en.setCursorPosition(6)
    # An undo elsewhere (the timeout) and a change of this very text arrive while the user is here.
    show(p, node("menu", prompt={"zh-CN": "请选择", "en": "Please choose one"}, timeout_s=30))
    assert p.editors == widgets and p.editors["prompt"] is ed
    assert en.hasFocus() and en.cursorPosition() == 6
    assert en.text() == "Please choose one"
    assert p.editors["timeout_s"].focus_widget().value() == 30
    # Unconfirmed typing is not wiped by an update of another field.
    qtbot.keyClicks(en, "X")
    show(p, node("menu", prompt={"zh-CN": "请选择", "en": "Please choose one"}, timeout_s=20))
    assert en.text() == "PleaseX choose one" and en.cursorPosition() == 7 and en.hasFocus()
    assert rec.config == []  # nothing was emitted by the updates themselves
    # Another node rebuilds; the unconfirmed text is committed to the node it belongs to first.
    show(p, node("menu", "n2"))
    assert rec.config == [("n1", "prompt", {"zh-CN": "请选择", "en": "PleaseX choose one"})]
    assert p.editors["prompt"] is not ed


def test_problems_listed_and_fields_marked(qtbot: QtBot) -> None:
    n = node("menu", options=[{"key": "1", "label": {"zh-CN": "查询"}}, {"key": "2", "label": {"zh-CN": "人工"}}])
    p, rec = make_panel(qtbot, n)
    p.set_problems([
        Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING", element_id="n1",
                path="/nodes/4/config/options/1/label/en", message="Option 2 has no English label",
                message_zh="选项 2 缺少英文名称"),
        Problem(severity=Severity.ERROR, code="REQUIRED", element_id="n1", path="/nodes/4/config/prompt",
                message="The prompt is empty", message_zh="提示语为空"),
        Problem(severity=Severity.ERROR, code="EXIT_UNWIRED", element_id="n1", path="/nodes/4/exits/timeout",
                message="Exit timeout is not connected"),
        Problem(severity=Severity.ERROR, code="REQUIRED", element_id="other", path="/nodes/1/config/text",
                message="not this node"),
        Problem(severity=Severity.WARNING, code="LABEL_DUPLICATE", element_id="n1", path="/nodes/4/label",
                message="Another node has this label"),
    ])
    texts = [p.problems_list.item(i).text() for i in range(p.problems_list.count())]
    assert texts == ["The prompt is empty", "Exit timeout is not connected", "Option 2 has no English label",
                     "Another node has this label"]
    assert p.label_edit is not None and p.label_edit.property("problem") == "warning"
    prompt = p.editors["prompt"]
    assert prompt.focus_widget().property("problem") == "error"
    assert prompt.note_label.text() == "The prompt is empty"
    card = p.editors["options"].cards[1]  # type: ignore[attr-defined]
    label_ed = card.editors["label"]
    assert label_ed.edits["en"].property("problem") == "warning"
    assert label_ed.edits["zh-CN"].property("problem") == ""
    assert p.editors["options"].cards[0].editors["label"].edits["en"].property("problem") in (None, "")
    # Clicking a problem takes the keyboard to its field.
    p.problems_list.itemClicked.emit(p.problems_list.item(0))
    qtbot.waitUntil(prompt.focus_widget().hasFocus, timeout=2000)
    # Fixed: marks go away.
    p.set_problems([])
    assert prompt.focus_widget().property("problem") == "" and not p.problems_list.isVisible()
    assert p.label_edit.property("problem") == ""
    assert label_ed.edits["en"].property("problem") == ""


def test_chat_flow_hides_voice_only_fields_and_warns_about_voice_nodes(qtbot: QtBot) -> None:
    p, _ = make_panel(qtbot, node("collect"), channel="chat")
    assert not p.editors["audio"].isVisible() and not p.editors["terminator"].isVisible()
    show(p, node("collect", audio="welcome.wav"), channel="chat")
    assert p.editors["audio"].isVisible()  # never hide a value
    show(p, node("transfer_number"), channel="chat")
    assert p.channel_label.isVisible() and "chat" in p.channel_label.text()
    show(p, node("transfer_number"), channel="voice")
    assert not p.channel_label.isVisible()


def test_nothing_selected_shows_a_hint(qtbot: QtBot) -> None:
    p, _ = make_panel(qtbot, node("menu"))
    p.show_node(None, variables=[], catalog=None, channel="chat")
    assert p.editors == {} and p.empty_label.isVisible() and not p.title_label.isVisible()
    assert isinstance(p.empty_label, QLabel) and p.empty_label.text()
    assert not p.findChildren(QToolButton, "item_up") or all(
        not b.isVisible() for b in p.findChildren(QToolButton, "item_up"))


def test_int_editor_range_and_no_emission_on_external_set(qtbot: QtBot) -> None:
    ed = make_editor(NODE_TYPES["http"].fields[3], EditorContext())  # timeout_ms
    qtbot.addWidget(ed)
    assert isinstance(ed, IntEditor) and ed.spin.maximum() >= 600_000
    seen: list[object] = []
    ed.edited.connect(seen.append)
    ed.set_value(5000)
    assert seen == [] and ed.spin.value() == 5000
    ed.spin.setValue(7000)
    assert seen == [7000]


@pytest.mark.parametrize("type_name", ["menu", "bot", "business_hours", "route", "http", "collect"])
def test_every_focusable_widget_has_an_accessible_name(qtbot: QtBot, type_name: str) -> None:
    from PySide6.QtWidgets import QAbstractSpinBox, QWidget

    p, _ = make_panel(qtbot, node(type_name, skills={"english": 2}) if type_name == "route" else node(type_name))
    p.set_problems([Problem(severity=Severity.ERROR, code="X", element_id="n1", message="m")])
    unnamed = []
    checked = 0
    for w in p.findChildren(QWidget):
        if not w.isVisibleTo(p) or not (w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the inner line edit of a spin box / combo speaks through its owner
        checked += 1
        if not w.accessibleName():
            unnamed.append(f"{type(w).__name__}#{w.objectName()}")
    assert unnamed == [] and checked >= 6
    # Tab walks from the label through every field without getting stuck in a text box.
    assert p.label_edit is not None
    focus(qtbot, p.label_edit)
    seen = set()
    for _ in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.add(QApplication.focusWidget())
    last = p.editors[NODE_TYPES[type_name].fields[-1].key]
    assert any(last.isAncestorOf(w) for w in seen)


def test_host_reshowing_during_the_flush_of_a_switch_is_safe(qtbot: QtBot) -> None:
    """A host answers every edit by showing its selection again (as FlowEditor does on the undo index)."""
    p, rec = make_panel(qtbot, node("menu", "a", prompt={"en": "Hi"}))
    selected = {"id": "a"}
    nodes = {"a": node("menu", "a", prompt={"en": "Hi"}), "b": node("collect", "b")}

    def host(node_id: str, key: str, value: object) -> None:
        nodes[node_id].config[key] = value
        show(p, nodes[selected["id"]])

    p.config_edited.connect(host)
    en = p.editors["prompt"].edits["en"]  # type: ignore[attr-defined]
    focus(qtbot, en)
    en.end(False)
    qtbot.keyClicks(en, " there")  # typed, not confirmed
    selected["id"] = "b"
    show(p, nodes["b"])
    assert rec.config == [("a", "prompt", {"en": "Hi there"})]
    assert p.node_id() == "b" and set(p.editors) == {f.key for f in NODE_TYPES["collect"].fields}
    assert nodes["a"].config["prompt"] == {"en": "Hi there"}
