"""The form designer in Chinese with a realistic billing form: translations load, Chinese renders (screenshot)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads: tests never need a display

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from designer.form.editor import FormEditor  # noqa: E402
from desktop.i18n import ensure_cjk_font  # noqa: E402
from desktop.paths import i18n_dir  # noqa: E402
from edge_server.contract.designs import (  # noqa: E402
    FieldOption,
    FieldType,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Validator,
)
from edge_server.flows import validate  # noqa: E402

SHOT = Path("/tmp/form_designer.png")


@pytest.fixture
def chinese(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """Our two catalogues compiled with the real pyside6-lrelease and installed, the UI locale Chinese."""
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    installed = []
    for name in ("designer_form", "forms"):
        qm = tmp_path / f"{name}_zh_CN.qm"
        subprocess.run([lrelease, "-silent", str(i18n_dir() / f"{name}_zh_CN.ts"), "-qm", str(qm)],
                       check=True, timeout=60)
        t = QTranslator(qapp)
        assert t.load(str(qm))
        qapp.installTranslator(t)
        installed.append(t)
    old = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    yield
    QLocale.setDefault(old)
    for t in installed:
        qapp.removeTranslator(t)


def billing_doc() -> FormDoc:
    def f(key: str, t: FieldType, zh: str, en: str, **kw: object) -> FormField:
        return FormField(id=f"fld_{key}", key=key, type=t, label={"zh-CN": zh, "en": en}, **kw)

    fields = [
        f("customer_name", FieldType.TEXT, "客户姓名", "Customer name", bind="customer.name", required="true"),
        f("phone", FieldType.PHONE, "联系电话", "Phone", bind="customer.phone"),
        f("account_no", FieldType.TEXT, "账户号码", "Account number", required="true",
          validators=[Validator(kind="pattern", value="[0-9]{8}",
                                message={"zh-CN": "账户号码为 8 位数字", "en": "8 digits"})]),
        f("issue", FieldType.CHOICE, "问题类型", "Issue", required="true", options=[
            FieldOption(value="bill", label={"zh-CN": "账单疑问", "en": "Bill question"}),
            FieldOption(value="refund", label={"zh-CN": "申请退款", "en": "Refund"}),
            FieldOption(value="plan", label={"zh-CN": "更换套餐", "en": "Change plan"})]),
        f("amount", FieldType.NUMBER, "退款金额（元）", "Refund amount", required="true",
          visible_if="issue == 'refund'",
          validators=[Validator(kind="max", value="5000", message={"zh-CN": "单笔退款不超过 5000 元",
                                                                   "en": "At most 5000"})]),
        f("bill_month", FieldType.DATE, "账单月份", "Bill month"),
        f("notify", FieldType.MULTI_CHOICE, "通知方式", "Notify by", options=[
            FieldOption(value="sms", label={"zh-CN": "短信", "en": "SMS"}),
            FieldOption(value="wechat", label={"zh-CN": "微信", "en": "WeChat"})]),
        f("notes", FieldType.LONG_TEXT, "处理备注", "Notes"),
    ]

    def fi(key: str) -> LayoutItem:
        return LayoutItem(id=f"li_{key}", kind=LayoutKind.FIELD, field=f"fld_{key}")

    page = LayoutItem(id="page1", kind=LayoutKind.PAGE, title={"zh-CN": "账单", "en": "Billing"}, children=[
        LayoutItem(id="sec_customer", kind=LayoutKind.SECTION, title={"zh-CN": "客户信息", "en": "Customer"},
                   children=[LayoutItem(id="row1", kind=LayoutKind.ROW, children=[fi("customer_name"), fi("phone")]),
                             fi("account_no")]),
        LayoutItem(id="sec_issue", kind=LayoutKind.SECTION, title={"zh-CN": "问题与处理", "en": "Issue"},
                   children=[fi("issue"), fi("amount"), fi("bill_month"), fi("notify"), fi("notes")]),
    ])
    return FormDoc(id="billing", name="账单弹屏表单", fields=fields, pages=[page])


def test_designer_in_chinese_with_a_billing_form(qtbot: QtBot, chinese: None) -> None:
    ensure_cjk_font(Path("/nonexistent"), required=False)
    doc = billing_doc()
    assert not validate.has_errors(validate.validate_form(doc))
    ed = FormEditor(doc)
    qtbot.addWidget(ed)
    ed.resize(1600, 900)
    ed.show()
    qtbot.waitExposed(ed)
    assert ed.palette_list.item(0).text() == "文本"
    assert ed.properties.empty.text() == "在结构中选择一项以编辑其属性。"
    ed.set_problems(validate.validate_form(doc))
    ed.select_element("fld_amount")
    assert ed.properties.currentWidget() is ed.properties.field_page
    assert ed.properties.label_pair.zh.text() == "退款金额（元）"
    assert ed.properties.visible_if_edit.text() == "issue == 'refund'"
    ed.preview.render_now()
    pv = ed.preview.view
    assert pv.field_widget("customer_name").editor.text() == "张伟"  # bound to the sample customer
    assert not pv.is_field_shown("amount")
    pv.field_widget("issue").editor.buttons[1].click()
    assert pv.is_field_shown("amount")
    ed.preview.check_button.click()
    assert pv.errors_shown()["amount"] == ["此项必填"]
    assert ed.preview.check_button.text() == "校验"
    qtbot.wait(20)
    assert ed.grab().save(str(SHOT))
