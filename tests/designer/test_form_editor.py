"""FormEditor: build a form by drag and drop, edit by typing, undo/redo every edit exactly, live preview."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads: tests never need a display

from collections.abc import Callable, Iterator  # noqa: E402

import msgspec  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QLocale, QMimeData, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.form import ops  # noqa: E402
from designer.form.editor import FormEditor  # noqa: E402
from designer.form.palette import MIME_ITEM  # noqa: E402
from designer.form.tree import ID_ROLE  # noqa: E402
from edge_server.contract.designs import (  # noqa: E402
    FieldOption,
    FieldType,
    FormDoc,
    LayoutItem,
    LayoutKind,
    Problem,
    Severity,
    Validator,
)
from edge_server.flows import validate  # noqa: E402
from edge_server.flows.canonical import content_hash  # noqa: E402


@pytest.fixture(autouse=True)
def english(qapp: QApplication) -> Iterator[None]:
    old = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(old)


def new_form() -> FormDoc:
    """What the shell's "New form" makes: one page with one section."""
    return FormDoc(id="f1", name="Billing", pages=[LayoutItem(
        id="page1", kind=LayoutKind.PAGE, title={"zh-CN": "第 1 页", "en": "Page 1"}, children=[
            LayoutItem(id="sec1", kind=LayoutKind.SECTION, title={"zh-CN": "客户", "en": "Customer"})])])


def snapshot(doc: FormDoc) -> tuple[str, bytes]:
    """The semantic hash and the exact bytes (ui blocks included): undo must restore both."""
    return content_hash(doc), msgspec.json.encode(doc)


def open_editor(qtbot: QtBot, doc: FormDoc | None = None) -> FormEditor:
    ed = FormEditor(doc or new_form())
    qtbot.addWidget(ed)
    ed.resize(1500, 860)
    ed.show()
    qtbot.waitExposed(ed)
    return ed


def drop(ed: FormEditor, mime: QMimeData, target_id: str, where: str = "middle") -> None:
    """Drop ``mime`` on the tree item ``target_id`` ("" = below every item) as a supervisor's mouse would."""
    view = ed.tree
    if target_id:
        index = ed.tree_model.index_of(target_id)
        assert index.isValid(), target_id
        rect = view.visualRect(index)
        y = {"above": rect.top() + 1, "middle": rect.center().y(), "below": rect.bottom() - 1}[where]
        pos = QPoint(rect.left() + 20, y)
    else:
        pos = QPoint(10, view.viewport().height() - 3)
    # What Qt delivers for a real drag: DragEnter (accepted for our formats), then Drop, on the viewport.
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def item_mime(item_id: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_ITEM, item_id.encode())
    return mime


def children_kinds(ed: FormEditor, parent_id: str) -> list[str]:
    return [c.kind.value for c in ops.children_of(ed.doc, parent_id)]


def field_keys_in(ed: FormEditor, parent_id: str) -> list[str]:
    by_id = {f.id: f.key for f in ed.doc.fields}
    return [by_id[c.field] for c in ops.children_of(ed.doc, parent_id) if c.kind == LayoutKind.FIELD]


def test_build_a_form_by_drag_and_drop(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    changes: list[int] = []
    ed.changed.connect(lambda: changes.append(1))
    assert ed.palette_list.entry_names()[:3] == ["field:text", "field:number", "field:date"]
    drop(ed, ed.palette_list.mime_for("field:text"), "sec1")
    drop(ed, ed.palette_list.mime_for("field:choice"), "sec1")
    assert field_keys_in(ed, "sec1") == ["field_1", "field_2"]
    assert len(changes) == 2 and ed.undo_stack.count() == 2
    choice = ed.doc.fields[1]
    assert choice.type == FieldType.CHOICE and [o.value for o in choice.options] == ["option_1", "option_2"]
    assert len({f.id for f in ed.doc.fields} | {i.id for _, i in ops.walk(ed.doc.pages)}) == 6  # fresh ids
    # Columns dropped on the section: two columns; a field dropped into the second column.
    drop(ed, ed.palette_list.mime_for("columns"), "sec1")
    cols = ops.children_of(ed.doc, "sec1")[2]
    assert [c.kind for c in cols.children] == [LayoutKind.COLUMN, LayoutKind.COLUMN]
    drop(ed, ed.palette_list.mime_for("field:email"), cols.children[1].id)
    assert field_keys_in(ed, cols.children[1].id) == ["field_3"]
    # Dropped between items: above the first field, as the section's first child.
    drop(ed, ed.palette_list.mime_for("heading"), ops.children_of(ed.doc, "sec1")[0].id, "above")
    assert children_kinds(ed, "sec1") == ["heading", "field", "field", "columns"]
    # A new page below everything, and a section in it.
    drop(ed, ed.palette_list.mime_for("page"), "")
    assert len(ed.doc.pages) == 2
    drop(ed, ed.palette_list.mime_for("section"), ed.doc.pages[1].id)
    assert children_kinds(ed, ed.doc.pages[1].id) == ["section"]
    # The structure the designer allows is the one the validator accepts.
    assert not [p for p in validate.validate_form(ed.document()) if p.code == "LAYOUT_INVALID"]
    # The preview shows the new fields.
    qtbot.waitUntil(lambda: ed.preview.view.field_keys() == ["field_1", "field_2", "field_3"], timeout=2000)


def test_invalid_drops_are_refused_with_the_reason(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    before = snapshot(ed.doc)
    refused: list[str] = []
    ed.tree.drop_refused.connect(refused.append)
    drop(ed, ed.palette_list.mime_for("field:text"), "page1")  # a field directly in a page
    assert snapshot(ed.doc) == before and ed.undo_stack.count() == 0
    assert refused == ["A Field cannot go directly into a Page (it takes: Section)."]
    assert ed.tree.statusTip() == refused[0] and ed.status_label.text() == refused[0]
    drop(ed, ed.palette_list.mime_for("section"), "")  # a section at the top
    assert refused[-1] == "Only a page can stand at the top; put the Section into a section."
    assert snapshot(ed.doc) == before
    # A section may not be moved into itself.
    drop(ed, ed.palette_list.mime_for("tabs"), "sec1")
    tabs = ops.children_of(ed.doc, "sec1")[0]
    drop(ed, item_mime("sec1"), tabs.children[0].id)
    assert refused[-1] == "An item cannot be moved into itself."


def test_dragging_tree_items_moves_and_reorders(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    for _ in range(3):
        ed.add_entry("field:text", "sec1")
    ed.add_entry("row", "sec1")
    a, b, c, row = (i.id for i in ops.children_of(ed.doc, "sec1"))
    drop(ed, item_mime(c), a, "above")  # reorder: c first
    assert field_keys_in(ed, "sec1") == ["field_3", "field_1", "field_2"]
    drop(ed, item_mime(c), b, "below")  # and back down, after b
    assert field_keys_in(ed, "sec1") == ["field_1", "field_2", "field_3"]
    drop(ed, item_mime(a), row)  # into the row
    drop(ed, item_mime(b), row)
    assert field_keys_in(ed, row) == ["field_1", "field_2"] and field_keys_in(ed, "sec1") == ["field_3"]
    assert len(ed.doc.fields) == 3  # moving never copies or drops a field
    for _ in range(4):
        ed.undo_stack.undo()
    assert field_keys_in(ed, "sec1") == ["field_1", "field_2", "field_3"]


def test_typing_properties_edits_the_document_and_undo_takes_back_the_word(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    item_id = ed.add_entry("field:text", "sec1")
    ed.select_element(item_id)
    props = ed.properties
    assert props.currentWidget() is props.field_page and props.key_edit.text() == "field_1"
    props.key_edit.selectAll()
    QTest.keyClicks(props.key_edit, "account_no")
    props.label_pair.zh.selectAll()
    props.label_pair.zh.insert("账户号码")  # an input method commits Chinese in one go
    props.label_pair.en.selectAll()
    QTest.keyClicks(props.label_pair.en, "Account number")
    QTest.keyClicks(props.placeholder_pair.en, "8 digits")
    f = ed.doc.fields[0]
    assert (f.key, f.label, f.placeholder) == ("account_no", {"zh-CN": "账户号码", "en": "Account number"},
                                               {"en": "8 digits"})
    # Typing merged: one undo step per property (the label's two languages are one), not per letter.
    assert ed.undo_stack.count() == 1 + 3
    ed.undo_stack.undo()
    assert ed.doc.fields[0].placeholder == {} and props.placeholder_pair.en.text() == ""
    ed.undo_stack.undo()
    assert ed.doc.fields[0].label == {"zh-CN": "文本 1", "en": "Text 1"} and props.label_pair.en.text() == "Text 1"
    ed.undo_stack.redo()
    assert ed.doc.fields[0].label["en"] == "Account number"
    # The tree names the field by its label and key.
    index = ed.tree_model.index_of(item_id)
    assert index.data() == "Account number  ·  account_no  ·  text"


def test_visible_if_has_a_live_syntax_check_and_hides_the_field_in_the_preview(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    issue_item = ed.add_entry("field:choice", "sec1")
    amount_item = ed.add_entry("field:number", "sec1")
    issue, amount = ed.doc.fields
    ed.set_field_property(issue.id, "key", "issue")
    ed.select_element(amount_item)
    vis = ed.properties.visible_if_edit
    QTest.keyClicks(vis.edit, "issue == ")
    assert vis.error() and "at character" in vis.error()  # incomplete: says where
    QTest.keyClicks(vis.edit, "'option_2'")
    assert vis.error() == "" and ed.doc.fields[1].visible_if == "issue == 'option_2'"
    ed.preview.render_now()
    pv = ed.preview.view
    assert pv.field_keys() == ["issue", "field_2"] and not pv.is_field_shown("field_2")
    pv.field_widget("issue").editor.buttons[1].click()
    assert pv.is_field_shown("field_2")
    # Required as a checkbox ("true"/"false") or a condition; the preview's Check reports it.
    ed.properties.required_edit.box.click()
    assert ed.doc.fields[1].required == "true"
    ed.preview.render_now()
    assert ed.preview.values()["issue"] == "option_2"  # sample values survive re-rendering
    ed.preview.check_button.click()
    assert ed.preview.view.errors_shown() == {"field_2": ["This field is required"]}
    assert ed.preview.result_label.text() == "1 field(s) need attention."
    # The sample context feeds expressions: visible only for gold customers.
    ed.set_field_property(amount.id, "visible_if", "customer.tier == 'gold'")
    ed.preview.render_now()
    assert ed.preview.view.is_field_shown("field_2")
    ed.preview.set_sample("customer.tier", "silver")
    assert not ed.preview.view.is_field_shown("field_2")
    assert ed.preview_values() == ed.preview.view.values()
    _ = issue_item


def test_type_combo_turns_a_text_into_a_choice_with_options(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    ed.select_element(ed.add_entry("field:text", "sec1"))
    combo = ed.properties.type_combo
    assert not ed.properties.options_table.isVisible()
    combo.setCurrentIndex(combo.findData("choice"))
    combo.activated.emit(combo.currentIndex())
    f = ed.doc.fields[0]
    assert f.type == FieldType.CHOICE and len(f.options) == 2
    assert ed.properties.options_table.isVisible()
    ed.undo_stack.undo()  # one step takes back type and options
    assert ed.doc.fields[0].type == FieldType.TEXT and ed.doc.fields[0].options == []


def test_options_and_validators_tables(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    ed.select_element(ed.add_entry("field:choice", "sec1"))
    opts = ed.properties.options_table
    assert opts.isVisible() and opts.table.rowCount() == 2
    opts.add_button.click()
    assert [o.value for o in ed.doc.fields[0].options] == ["option_1", "option_2", "option_3"]
    opts.set_cell(2, 1, "申请退款")
    assert ed.doc.fields[0].options[2].label == {"zh-CN": "申请退款", "en": "Option 3"}
    opts.table.setCurrentCell(2, 0)
    opts.up_button.click()
    assert [o.value for o in ed.doc.fields[0].options] == ["option_1", "option_3", "option_2"]
    opts.table.setCurrentCell(0, 0)
    opts.remove_button.click()
    assert [o.value for o in ed.doc.fields[0].options] == ["option_3", "option_2"]
    vals = ed.properties.validators_table
    vals.add_button.click()
    vals.set_cell(0, 0, "pattern")
    vals.set_cell(0, 1, "[0-9]{8}")
    vals.set_cell(0, 2, "八位数字")
    v = ed.doc.fields[0].validators[0]
    assert (v.kind, v.value, v.message) == ("pattern", "[0-9]{8}", {"zh-CN": "八位数字"})
    for _ in range(4):
        ed.undo_stack.undo()
    assert ed.doc.fields[0].validators == []
    assert [o.value for o in ed.doc.fields[0].options] == ["option_3", "option_2"]
    while ed.undo_stack.canUndo():
        ed.undo_stack.undo()
    assert ed.doc.fields == []


Edit = Callable[[FormEditor], None]


def _first_field(ed: FormEditor) -> str:
    return ed.doc.fields[0].id


EDITS: dict[str, Edit] = {
    "add_field": lambda ed: ed.add_entry("field:date", "sec1", 0),
    "add_tabs": lambda ed: ed.add_entry("tabs", "sec1"),
    "remove_section": lambda ed: ed.remove_item("sec1"),
    "remove_field": lambda ed: ed.remove_item(ops.children_of(ed.doc, "sec1")[0].id),
    "move_field": lambda ed: ed.move_item(ops.children_of(ed.doc, "sec1")[0].id, "sec1", 2),
    "set_label": lambda ed: ed.set_field_property(_first_field(ed), "label", {"zh-CN": "新", "en": "New"}),
    "set_type": lambda ed: ed.set_field_property(_first_field(ed), "type", FieldType.LONG_TEXT),
    "type_to_choice": lambda ed: ed.set_field_type(_first_field(ed), FieldType.MULTI_CHOICE),
    "set_required": lambda ed: ed.set_field_property(_first_field(ed), "required", "customer.vip"),
    "set_bind": lambda ed: ed.set_field_property(_first_field(ed), "bind", "customer.attributes.plan"),
    "set_when_hidden": lambda ed: ed.set_field_property(_first_field(ed), "when_hidden", "keep"),
    "set_title": lambda ed: ed.set_layout_property("sec1", "title", {"en": "Renamed"}),
    "set_options": lambda ed: ed.set_field_property(ed.doc.fields[1].id, "options", [
        FieldOption(value="refund", label={"zh-CN": "退款"})]),
    "set_validators": lambda ed: ed.set_field_property(_first_field(ed), "validators", [
        Validator(kind="max_length", value="20", message={"en": "Too long"})]),
    "paste_section": lambda ed: (ed.select_element("sec1"), ed.copy_selected(), ed.paste()) and None,
}


@pytest.mark.parametrize("name", list(EDITS))
def test_every_edit_undoes_and_redoes_exactly(qtbot: QtBot, name: str) -> None:
    ed = open_editor(qtbot)
    ed.add_entry("field:text", "sec1")
    ed.add_entry("field:choice", "sec1")
    ed.add_entry("field:phone", "sec1")
    ed.doc.fields[0].ui["note"] = "ui blocks must survive too"
    base = ed.undo_stack.count()
    before = snapshot(ed.document())
    EDITS[name](ed)
    assert ed.undo_stack.count() == base + 1, "one edit, one undo step"
    after = snapshot(ed.document())
    assert after != before
    ed.undo_stack.undo()
    assert snapshot(ed.document()) == before
    ed.undo_stack.redo()
    assert snapshot(ed.document()) == after


def test_copy_paste_remaps_ids_and_makes_keys_unique(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    ed.add_entry("field:text", "sec1")
    ed.add_entry("field:phone", "sec1")
    ed.set_field_property(ed.doc.fields[1].id, "key", "phone")
    ed.select_element("sec1")
    assert ed.copy_selected()
    ed.select_element("page1")
    new_id = ed.paste()
    assert new_id and [c.id for c in ed.doc.pages[0].children] == ["sec1", new_id]
    keys = [f.key for f in ed.doc.fields]
    assert keys == ["field_1", "phone", "field_2", "phone_2"]
    ids = [f.id for f in ed.doc.fields] + [i.id for _, i in ops.walk(ed.doc.pages)]
    assert len(ids) == len(set(ids))
    assert not [p for p in validate.validate_form(ed.document()) if p.severity == Severity.ERROR
                and p.code in ("ID_DUPLICATE", "FIELD_KEY_DUPLICATE", "LAYOUT_INVALID", "FIELD_PLACED_TWICE")]
    ed.undo_stack.undo()
    assert [f.key for f in ed.doc.fields] == ["field_1", "phone"]
    # A field pasted with a field selected goes right after it.
    ed.select_element(ed.doc.fields[0].id)
    assert ed.copy_selected()
    ed.paste()
    assert field_keys_in(ed, "sec1") == ["field_1", "field_2", "phone"]


def test_problems_mark_tree_items_and_select_element(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    ed.add_entry("field:choice", "sec1")
    field = ed.doc.fields[0]
    selected: list[str] = []
    ed.selection_changed.connect(selected.append)
    ed.set_problems([
        Problem(severity=Severity.ERROR, code="OPTIONS_MISSING", element_id=field.id, message="no options",
                message_zh="没有选项"),
        Problem(severity=Severity.WARNING, code="TRANSLATION_MISSING", element_id="sec1", message="no zh"),
    ])
    f_index = ed.tree_model.index_of(field.id)
    s_index = ed.tree_model.index_of("sec1")
    assert f_index.data(Qt.ItemDataRole.ToolTipRole) == "no options"
    assert f_index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "error"
    assert s_index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "warning"
    assert not f_index.data(Qt.ItemDataRole.DecorationRole).isNull()
    ed.select_element("sec1")
    assert selected[-1] == "sec1"
    ed.select_element(field.id)
    assert ed.tree.currentIndex().data(ID_ROLE) == ops.layout_item_of_field(ed.doc, field.id).id
    assert selected[-1] == field.id  # a field item reports the field's id, as problems name it
    ed.set_problems([])
    assert ed.tree_model.index_of(field.id).data(Qt.ItemDataRole.ToolTipRole) is None
    assert ed.show_trace([]) is None


def test_keyboard_delete_and_palette_double_click(qtbot: QtBot) -> None:
    ed = open_editor(qtbot)
    ed.select_element("sec1")
    item = ed.palette_list.item(ed.palette_list.entry_names().index("field:email"))
    ed.palette_list.itemActivated.emit(item)  # Enter / double-click: into the selected container
    assert [f.type for f in ed.doc.fields] == [FieldType.EMAIL]
    ed.select_element(ed.doc.fields[0].id)
    ed.tree.setFocus()
    qtbot.waitUntil(ed.tree.hasFocus, timeout=1000)
    QTest.keyClick(ed.tree, Qt.Key.Key_Delete)
    assert ed.doc.fields == [] and ops.children_of(ed.doc, "sec1") == []


def test_drop_rules_are_the_validators_structure_rules() -> None:
    # One table (validate.FORM_CHILDREN) decides both: a drop the designer allows is never LAYOUT_INVALID.
    assert ops.can_contain(ops.ROOT, LayoutKind.PAGE) and not ops.can_contain(ops.ROOT, LayoutKind.SECTION)
    assert not ops.can_contain(LayoutKind.PAGE, LayoutKind.FIELD)  # fields go in sections
    assert ops.can_contain(LayoutKind.SECTION, LayoutKind.FIELD) and ops.can_contain(LayoutKind.TAB, LayoutKind.SECTION)
    assert not ops.can_contain(LayoutKind.FIELD, LayoutKind.FIELD)
