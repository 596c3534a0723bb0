"""FormView: every field type, live visibility, required only when shown, validators, pages, tabs, Chinese, speed."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QGroupBox, QLineEdit, QPlainTextEdit, QRadioButton, \
    QTabWidget
from pytestqt.qtbot import QtBot

from desktop.forms import editors
from desktop.forms.view import FormView
from edge_server.contract.designs import (
    FieldOption,
    FieldType,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Validator,
)

SHOTS = Path("/tmp")


def _f(key: str, type_: FieldType = FieldType.TEXT, zh: str = "", en: str = "", **kw: object) -> FormField:
    return FormField(id=f"id_{key}", key=key, type=type_, label={"zh-CN": zh or key, "en": en or key}, **kw)


def _place(*fields: FormField) -> list[LayoutItem]:
    return [LayoutItem(id=f"li_{f.key}", kind=LayoutKind.FIELD, field=f.id) for f in fields]


def _doc(*fields: FormField, pages: list[LayoutItem] | None = None) -> FormDoc:
    if pages is None:
        pages = [LayoutItem(id="p1", kind=LayoutKind.PAGE, children=[
            LayoutItem(id="s1", kind=LayoutKind.SECTION, title={"zh-CN": "基本信息", "en": "Basics"},
                       children=_place(*fields))])]
    return FormDoc(id="form1", name="Test", fields=list(fields), pages=pages)


def _opts(*values: str) -> list[FieldOption]:
    return [FieldOption(value=v, label={"zh-CN": f"选{v}", "en": f"Opt {v}"}) for v in values]


def billing_form() -> FormDoc:
    """A realistic Chinese billing screen-pop: two tabs, columns, a conditional refund block."""
    fields = [
        _f("customer_name", zh="客户姓名", en="Customer name", bind="customer.name", required="true"),
        _f("phone", FieldType.PHONE, zh="联系电话", en="Phone", bind="customer.phone"),
        _f("account_no", zh="账户号码", en="Account number", required="true",
           validators=[Validator(kind="pattern", value="[0-9]{8}",
                                 message={"zh-CN": "账户号码为 8 位数字", "en": "8 digits"})],
           placeholder={"zh-CN": "8 位数字", "en": "8 digits"}),
        _f("issue", FieldType.CHOICE, zh="问题类型", en="Issue", required="true",
           options=[FieldOption(value="bill", label={"zh-CN": "账单疑问", "en": "Bill question"}),
                    FieldOption(value="refund", label={"zh-CN": "申请退款", "en": "Refund"}),
                    FieldOption(value="plan", label={"zh-CN": "更换套餐", "en": "Change plan"})]),
        _f("amount", FieldType.NUMBER, zh="退款金额（元）", en="Refund amount", visible_if="issue == 'refund'",
           required="true", validators=[Validator(kind="max", value="5000",
                                                  message={"zh-CN": "单笔退款不超过 5000 元",
                                                           "en": "At most 5000"})]),
        _f("bill_date", FieldType.DATE, zh="账单日期", en="Bill date"),
        _f("channels", FieldType.MULTI_CHOICE, zh="通知方式", en="Notify by",
           options=[FieldOption(value="sms", label={"zh-CN": "短信", "en": "SMS"}),
                    FieldOption(value="wechat", label={"zh-CN": "微信", "en": "WeChat"}),
                    FieldOption(value="email", label={"zh-CN": "邮件", "en": "Email"})]),
        _f("callback", FieldType.CHECKBOX, zh="需要回电", en="Call back"),
        _f("email", FieldType.EMAIL, zh="电子邮箱", en="Email", bind="customer.email"),
        _f("notes", FieldType.LONG_TEXT, zh="处理备注", en="Notes",
           help={"zh-CN": "客户可见", "en": "Visible"}),
    ]
    by = {f.key: f for f in fields}

    def fi(key: str) -> LayoutItem:
        return LayoutItem(id=f"li_{key}", kind=LayoutKind.FIELD, field=by[key].id)

    page = LayoutItem(id="p1", kind=LayoutKind.PAGE, title={"zh-CN": "账单", "en": "Billing"}, children=[
        LayoutItem(id="s1", kind=LayoutKind.SECTION, title={"zh-CN": "客户信息", "en": "Customer"}, children=[
            LayoutItem(id="r1", kind=LayoutKind.ROW, children=[fi("customer_name"), fi("phone")]),
            LayoutItem(id="c1", kind=LayoutKind.COLUMNS, children=[
                LayoutItem(id="c1a", kind=LayoutKind.COLUMN, children=[fi("account_no")]),
                LayoutItem(id="c1b", kind=LayoutKind.COLUMN, children=[fi("email")]),
            ]),
        ]),
        LayoutItem(id="s2", kind=LayoutKind.SECTION, title={"zh-CN": "问题", "en": "Issue"}, children=[
            LayoutItem(id="h1", kind=LayoutKind.HEADING,
                       title={"zh-CN": "请确认问题类型", "en": "Confirm the issue"}),
            fi("issue"), fi("amount"),
            LayoutItem(id="t1", kind=LayoutKind.TABS, children=[
                LayoutItem(id="t1a", kind=LayoutKind.TAB, title={"zh-CN": "账单", "en": "Bill"},
                           children=[fi("bill_date"), fi("channels")]),
                LayoutItem(id="t1b", kind=LayoutKind.TAB, title={"zh-CN": "跟进", "en": "Follow-up"},
                           children=[fi("callback"), fi("notes")]),
            ]),
        ]),
    ])
    return FormDoc(id="billing", name="账单弹屏表单", fields=fields, pages=[page])


def _view(qtbot: QtBot, doc: FormDoc, values: dict | None = None, language: str = "en",
          context: dict | None = None) -> FormView:
    v = FormView()
    qtbot.addWidget(v)
    v.resize(560, 760)
    v.set_form(doc, values or {}, context=context or {}, language=language)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_every_field_type_gets_its_editor_and_typed_value(qtbot: QtBot) -> None:
    doc = _doc(
        _f("t"), _f("n", FieldType.NUMBER), _f("d", FieldType.DATE), _f("c", FieldType.CHOICE, options=_opts("a", "b")),
        _f("big", FieldType.CHOICE, options=_opts(*"abcdefg")),
        _f("m", FieldType.MULTI_CHOICE, options=_opts("x", "y", "z")), _f("cb", FieldType.CHECKBOX),
        _f("lt", FieldType.LONG_TEXT), _f("ph", FieldType.PHONE), _f("em", FieldType.EMAIL),
    )
    v = _view(qtbot, doc)
    ed = {k: v.field_widget(k).editor for k in v.field_keys()}
    assert isinstance(ed["t"], editors.LineEditor) and isinstance(ed["ph"], editors.LineEditor)
    assert isinstance(ed["n"], editors.NumberEditor)
    assert isinstance(ed["d"], editors.DateEditor) and ed["d"].edit.calendarPopup()
    assert isinstance(ed["c"], editors.RadioChoiceEditor) and len(ed["c"].findChildren(QRadioButton)) == 2
    assert isinstance(ed["big"], editors.ComboChoiceEditor)  # more than 5 options: a combo box
    assert isinstance(ed["m"], editors.MultiChoiceEditor) and len(ed["m"].findChildren(QCheckBox)) == 3
    assert isinstance(ed["cb"], editors.CheckboxEditor)
    assert isinstance(ed["lt"], editors.LongTextEditor)
    # Empty: what forms_eval calls unanswered.
    assert v.values() == {"t": "", "n": None, "d": None, "c": None, "big": None, "m": [], "cb": False, "lt": "",
                          "ph": "", "em": ""}
    ed["t"].edit.insert("王小明")  # as an input method commits it (QTest.keyClicks takes Latin-1 only)
    QTest.keyClicks(ed["n"].edit, "12.5x")  # the letter is refused by the validator
    ed["d"].edit.setDate(QDate(2026, 11, 2))
    ed["c"].buttons[1].click()
    combo = ed["big"].combo
    combo.setCurrentIndex(combo.findData("e"))
    ed["m"].boxes[0].click()
    ed["m"].boxes[2].click()
    ed["cb"].box.click()
    ed["lt"].edit.insertPlainText("第一行")
    QTest.keyClicks(ed["ph"].edit, "13800138000")
    QTest.keyClicks(ed["em"].edit, "wang@example.cn")
    assert v.values() == {"t": "王小明", "n": 12.5, "d": "2026-11-02", "c": "b", "big": "e", "m": ["x", "z"],
                          "cb": True, "lt": "第一行", "ph": "13800138000", "em": "wang@example.cn"}
    result = v.check()
    assert result.errors == {}
    assert result.values["ph"] == "+8613800138000"  # forms_eval's cleaning, not ours
    # Values go back in exactly (a saved submission reopened).
    v2 = _view(qtbot, doc, values=v.values())
    assert v2.values() == v.values()


def test_visibility_follows_values_live_and_required_only_when_shown(qtbot: QtBot) -> None:
    issue = _f("issue", FieldType.CHOICE, options=_opts("bill", "refund"))
    amount = _f("amount", FieldType.NUMBER, en="Amount", visible_if="issue == 'refund'", required="true")
    v = _view(qtbot, _doc(issue, amount))
    changes: list[dict] = []
    v.values_changed.connect(changes.append)
    assert not v.is_field_shown("amount")
    assert v.check().errors == {}  # hidden: never validated, even though required
    v.field_widget("issue").editor.buttons[1].click()  # "refund"
    assert v.is_field_shown("amount")
    assert v.field_widget("amount").label.text() == "Amount *"
    assert changes and changes[-1]["issue"] == "refund"
    result = v.check()
    assert list(result.errors) == ["amount"]
    assert v.errors_shown() == {"amount": ["This field is required"]}
    assert v.field_widget("amount").error_label.isVisible()
    v.field_widget("issue").editor.buttons[0].click()
    assert not v.is_field_shown("amount")
    assert v.check().errors == {}
    assert "amount" not in v.check().values  # when_hidden "clear"


def test_validator_messages_in_the_ui_language(qtbot: QtBot) -> None:
    acct = _f("acct", required="true", validators=[Validator(
        kind="pattern", value="[0-9]{8}", message={"zh-CN": "账户号码为 8 位数字", "en": "8 digits"})])
    v = _view(qtbot, _doc(acct), language="zh-CN")
    QTest.keyClicks(v.field_widget("acct").editor.edit, "12ab")
    assert v.check().errors
    assert v.errors_shown() == {"acct": ["账户号码为 8 位数字"]}
    # Typing again clears the stale message at once.
    QTest.keyClicks(v.field_widget("acct").editor.edit, "5")
    assert v.errors_shown() == {}
    v.field_widget("acct").editor.edit.setText("12345678")
    assert v.check().errors == {}
    v.set_form(v.document, {"acct": "1"}, context={}, language="en")
    v.check()
    assert v.errors_shown() == {"acct": ["8 digits"]}


def test_required_expression_reads_the_context(qtbot: QtBot) -> None:
    reason = _f("reason", en="Reason", required="customer.vip")
    v = _view(qtbot, _doc(reason), context={"customer.vip": True})
    assert v.field_widget("reason").required
    assert v.check().errors == {"reason": [{"zh-CN": "此项必填", "en": "This field is required"}]}
    v.set_context({"customer.vip": False})
    assert not v.field_widget("reason").required and v.check().errors == {}


def test_pages_show_steps_and_next_stops_at_errors(qtbot: QtBot) -> None:
    a, b = _f("a", required="true"), _f("b", required="true")
    pages = [
        LayoutItem(id="p1", kind=LayoutKind.PAGE, title={"en": "First"}, children=[
            LayoutItem(id="s1", kind=LayoutKind.SECTION, children=_place(a))]),
        LayoutItem(id="p2", kind=LayoutKind.PAGE, title={"en": "Second"}, children=[
            LayoutItem(id="s2", kind=LayoutKind.SECTION, children=_place(b))]),
    ]
    v = _view(qtbot, _doc(a, b, pages=pages))
    assert v.page_count() == 2 and v.steps_label.isVisible()
    assert "<b>1. First</b>" in v.steps_label.text()
    assert v.next_button.isVisible() and not v.submit_button.isVisible()
    v.next_button.click()
    assert v.current_page() == 0 and v.errors_shown() == {"a": ["This field is required"]}
    v.field_widget("a").editor.edit.setText("x")
    v.next_button.click()
    assert v.current_page() == 1 and v.errors_shown() == {}  # page 2's errors wait for page 2's turn
    assert v.submit_button.isVisible() and "<b>2. Second</b>" in v.steps_label.text()
    with qtbot.assertNotEmitted(v.submit_requested):
        v.submit_button.click()
    v.back_button.click()
    assert v.current_page() == 0
    # One page: no indicator, no Back/Next.
    single = _view(qtbot, _doc(_f("x")))
    assert not single.steps_label.isVisible() and not single.next_button.isVisible()
    assert single.submit_button.isVisible()


def test_billing_form_tabs_columns_chinese_and_submit(qtbot: QtBot) -> None:
    v = _view(qtbot, billing_form(), language="zh-CN", values={"customer_name": "张伟"})
    tabs = v.findChild(QTabWidget, "form_tabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["账单", "跟进"]
    assert [b.title() for b in v.findChildren(QGroupBox)] == ["客户信息", "问题"]
    assert v.field_widget("customer_name").label.text() == "客户姓名 *"
    assert v.field_widget("notes").label.toolTip() == "客户可见"
    assert v.field_widget("account_no").editor.edit.placeholderText() == "8 位数字"
    # Columns: account and email side by side.
    acct, email = v.field_widget("account_no").label, v.field_widget("email").label
    assert acct.mapTo(v, acct.rect().topLeft()).x() < email.mapTo(v, email.rect().topLeft()).x()
    assert acct.mapTo(v, acct.rect().topLeft()).y() == email.mapTo(v, email.rect().topLeft()).y()
    v.field_widget("account_no").editor.edit.setText("12345678")
    v.field_widget("issue").editor.buttons[1].click()
    v.field_widget("amount").editor.edit.setText("6000")
    v.field_widget("callback").editor.box.click()
    # An error in the second tab brings that tab forward.
    tabs.setCurrentIndex(0)
    v.field_widget("amount").editor.edit.setText("120.5")
    v.field_widget("notes").editor.edit.setPlainText("x" * 10)
    v.field_widget("email").editor.edit.setText("not-an-email")
    v.check()
    assert v.errors_shown() == {"email": ["请输入有效的邮箱地址"]}
    v.field_widget("email").editor.edit.setText("zhang@example.cn")
    with qtbot.waitSignal(v.submit_requested, timeout=1000) as sig:
        v.submit_button.click()
    sent = sig.args[0]
    assert sent["customer_name"] == "张伟" and sent["amount"] == 120.5 and sent["callback"] is True
    v.grab().save(str(SHOTS / "form_view.png"))


def test_chinese_falls_back_to_english_and_back(qtbot: QtBot) -> None:
    only_en = FormField(id="x", key="x", label={"en": "Only English"})
    only_zh = FormField(id="y", key="y", label={"zh-CN": "只有中文"})
    v = _view(qtbot, _doc(only_en, only_zh), language="zh-CN")
    assert v.field_widget("x").label.text() == "Only English"
    assert v.field_widget("y").label.text() == "只有中文"
    v2 = _view(qtbot, _doc(only_en, only_zh), language="en")
    assert v2.field_widget("y").label.text() == "只有中文"


def test_read_only_expression_and_whole_form(qtbot: QtBot) -> None:
    locked = _f("locked", read_only="true")
    free = _f("free", FieldType.CHECKBOX)
    v = _view(qtbot, _doc(locked, free))
    assert v.field_widget("locked").editor.edit.isReadOnly()
    assert v.field_widget("free").editor.isEnabled()
    v.set_read_only(True)
    assert not v.field_widget("free").editor.isEnabled() and not v.submit_button.isVisible()
    v.set_read_only(False)
    assert v.field_widget("free").editor.isEnabled() and v.field_widget("locked").editor.edit.isReadOnly()


def test_tab_order_follows_layout_and_editors_carry_the_label(qtbot: QtBot) -> None:
    v = _view(qtbot, billing_form(), language="en")
    name_edit = v.field_widget("customer_name").editor.edit
    assert name_edit.accessibleName() == "Customer name"
    assert v.field_widget("customer_name").label.buddy() is name_edit
    name_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name_edit, timeout=1000)
    order = []
    w = name_edit
    for _ in range(4):
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisibleTo(v):
            w = w.nextInFocusChain()
        order.append(w.accessibleName())
    assert order == ["Phone", "Account number", "Email", "Issue"]
    assert isinstance(v.field_widget("notes").editor.edit, QPlainTextEdit)
    assert v.field_widget("notes").editor.edit.tabChangesFocus()


def test_number_accepts_decimals_and_rejects_letters(qtbot: QtBot) -> None:
    v = _view(qtbot, _doc(_f("n", FieldType.NUMBER)))
    edit: QLineEdit = v.field_widget("n").editor.edit
    QTest.keyClicks(edit, "-3,25abc")
    assert edit.text() == "-3,25" and v.values()["n"] == -3.25
    edit.setText("7")
    assert v.values()["n"] == 7 and isinstance(v.values()["n"], int)


def test_date_starts_empty_and_clears(qtbot: QtBot) -> None:
    v = _view(qtbot, _doc(_f("d", FieldType.DATE, required="true")))
    ed = v.field_widget("d").editor
    assert v.values()["d"] is None and ed.edit.text() == "No date"
    ed.set_value("2026-02-28")
    assert v.values()["d"] == "2026-02-28"
    ed.set_value(None)
    assert v.values()["d"] is None and v.check().errors


def test_three_hundred_fields_build_fast(qtbot: QtBot) -> None:
    types = list(FieldType)
    fields = [FormField(id=f"f{i}", key=f"k{i}", type=types[i % len(types)],
                        label={"zh-CN": f"字段 {i}", "en": f"Field {i}"}, options=_opts("a", "b", "c"),
                        visible_if=f"k{i - 1} != 'hide'" if i else "", required="true" if i % 7 == 0 else "false")
              for i in range(300)]
    sections = [LayoutItem(id=f"s{n}", kind=LayoutKind.SECTION, title={"en": f"S{n}"},
                           children=[LayoutItem(id=f"i{i}", kind=LayoutKind.FIELD, field=f"f{i}")
                                     for i in range(n * 30, n * 30 + 30)]) for n in range(10)]
    doc = FormDoc(id="big", name="big", fields=fields,
                  pages=[LayoutItem(id="p", kind=LayoutKind.PAGE, children=sections)])
    v = _view(qtbot, _doc(_f("warm")))  # the first widgets of a process pay for style and font set-up
    timings = []
    # CPU time of this (the GUI) thread, best of three: the 2-core machine runs other test suites
    # at the same time, and wall time measured their load more than ours.
    for _ in range(3):
        v.set_form(_doc(_f("warm")), {}, context={}, language="en")
        QApplication.processEvents()  # the previous big form is deleted here, outside the measurement
        t0 = time.thread_time()
        v.set_form(doc, {}, context={}, language="zh-CN")
        QApplication.processEvents()  # the deferred show/polish/layout of the new widgets counts too
        timings.append(time.thread_time() - t0)
    assert len(v.field_keys()) == 300
    print(f"form_300_fields_build_ms={min(timings) * 1000:.0f}")
    assert min(timings) < 0.300, f"300 fields built in {min(timings) * 1000:.0f} ms"
    t0 = time.thread_time()
    QTest.keyClicks(v.field_widget("k0").editor.edit, "a")
    assert time.thread_time() - t0 < 0.1  # re-evaluating 300 fields' rules per keystroke stays interactive


def test_errors_for_unknown_keys_show_in_the_bar(qtbot: QtBot) -> None:
    v = _view(qtbot, _doc(_f("a")))
    v.set_errors({"gone": [{"en": "This field was removed", "zh-CN": "此字段已删除"}]})
    assert v.message_label.text() == "This field was removed"


@pytest.mark.parametrize("count,expected", [(5, editors.RadioChoiceEditor), (6, editors.ComboChoiceEditor)])
def test_choice_editor_threshold(qtbot: QtBot, count: int, expected: type) -> None:
    v = _view(qtbot, _doc(_f("c", FieldType.CHOICE, options=_opts(*"abcdef"[:count]))))
    assert isinstance(v.field_widget("c").editor, expected)
    v.field_widget("c").editor.set_value("b")
    assert v.values()["c"] == "b"
    v.field_widget("c").editor.set_value(None)
    assert v.values()["c"] is None
