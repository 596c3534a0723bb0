"""validate_form: keys, layout structure, options, expressions, validators, bindings, labels."""
from __future__ import annotations

from typing import Any

import msgspec
import pytest

from edge_server.contract.designs import (
    FieldOption,
    FieldType,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Problem,
    Severity,
    Validator,
)
from edge_server.flows.validate import bind_valid, has_errors, validate, validate_form


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def fld(fid: str, key: str, type_: FieldType = FieldType.TEXT, **kw: Any) -> FormField:
    kw.setdefault("label", _t(key + "中", key))
    return FormField(id=fid, key=key, type=type_, **kw)


def place(fid: str) -> LayoutItem:
    return LayoutItem(id="L" + fid, kind=LayoutKind.FIELD, field=fid)


def good_form() -> FormDoc:
    fields = [
        fld("f1", "name", bind="customer.name", required="true"),
        fld("f2", "reason", FieldType.CHOICE, options=[FieldOption(value="bill", label=_t("账单", "Billing")),
                                                     FieldOption(value="other", label=_t("其他", "Other"))]),
        fld("f3", "details", FieldType.LONG_TEXT, visible_if="reason == 'other'",
            validators=[Validator(kind="max_length", value="500")]),
        fld("f4", "amount", FieldType.NUMBER, validators=[Validator(kind="min", value="0"),
                                                         Validator(kind="expr", value="value < 10000 || agent.vip",
                                                                   message=_t("太大", "Too large"))]),
        fld("f5", "due", FieldType.DATE, validators=[Validator(kind="min", value="2026-01-01")]),
        fld("f6", "phone", FieldType.PHONE, bind="customer.attributes.mobile",
            validators=[Validator(kind="pattern", value=r"\+86\d{11}")]),
        fld("f7", "ok", FieldType.CHECKBOX, read_only="interaction.channel == 'voice'"),
    ]
    pages = [LayoutItem(id="p1", kind=LayoutKind.PAGE, title=_t("第一页", "Page 1"), children=[
        LayoutItem(id="s1", kind=LayoutKind.SECTION, title=_t("客户", "Customer"), children=[
            LayoutItem(id="h1", kind=LayoutKind.HEADING, title=_t("标题", "Heading")),
            LayoutItem(id="r1", kind=LayoutKind.ROW, children=[place("f1"), place("f2")]),
            place("f3"),
            LayoutItem(id="c1", kind=LayoutKind.COLUMNS, children=[
                LayoutItem(id="c1a", kind=LayoutKind.COLUMN, children=[place("f4")]),
                LayoutItem(id="c1b", kind=LayoutKind.COLUMN, children=[place("f5")]),
            ]),
            LayoutItem(id="t1", kind=LayoutKind.TABS, children=[
                LayoutItem(id="t1a", kind=LayoutKind.TAB, title=_t("甲", "A"), children=[place("f6")]),
                LayoutItem(id="t1b", kind=LayoutKind.TAB, title=_t("乙", "B"), children=[place("f7")]),
            ]),
        ]),
    ])]
    return FormDoc(id="form1", name="Ticket", fields=fields, pages=pages)


def find(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def with_field(doc: FormDoc, fid: str, **changes: Any) -> FormDoc:
    return msgspec.structs.replace(doc, fields=[msgspec.structs.replace(f, **changes) if f.id == fid else f
                                                for f in doc.fields])


def test_good_form_has_no_problems() -> None:
    assert validate_form(good_form()) == []
    assert validate(good_form()) == []


def test_keys_and_ids() -> None:
    doc = with_field(good_form(), "f2", key="name")
    doc = with_field(doc, "f3", key="2bad")
    doc = with_field(doc, "f4", key="value")
    doc = with_field(doc, "f5", id="f1")
    ps = validate_form(doc)
    assert [p.path for p in find(ps, "FIELD_KEY_DUPLICATE")] == ["/fields/1/key"]
    assert [p.path for p in find(ps, "FIELD_KEY_INVALID")] == ["/fields/2/key", "/fields/3/key"]
    assert [p.path for p in find(ps, "ID_DUPLICATE")] == ["/fields/4/id"]
    # a layout item reusing a field id is also a duplicate
    doc = good_form()
    doc.pages[0].children[0].children[0] = LayoutItem(id="f1", kind=LayoutKind.HEADING, title=_t("x", "x"))
    assert [p.path for p in find(validate_form(doc), "ID_DUPLICATE")] == ["/pages/0/children/0/children/0/id"]


def test_placement() -> None:
    doc = good_form()
    section = doc.pages[0].children[0]
    section.children[2] = place("f1")  # f1 twice, f3 nowhere
    section.children.append(LayoutItem(id="ghost", kind=LayoutKind.FIELD, field="nope"))
    ps = validate_form(doc)
    assert [(p.code, p.element_id, p.severity) for p in ps] == [
        ("ID_DUPLICATE", "Lf1", Severity.ERROR),
        ("FIELD_PLACED_TWICE", "Lf1", Severity.ERROR),
        ("LAYOUT_UNKNOWN_FIELD", "ghost", Severity.ERROR),
        ("FIELD_NOT_PLACED", "f3", Severity.WARNING),
    ]
    assert "/pages/0/children/0/children/1/children/0" in find(ps, "FIELD_PLACED_TWICE")[0].message


@pytest.mark.parametrize(
    ("mutate", "element_id"),
    [
        (lambda d: d.pages.append(LayoutItem(id="s9", kind=LayoutKind.SECTION)), "s9"),
        (lambda d: d.pages[0].children.append(place("f9")), "Lf9"),
        (lambda d: d.pages[0].children[0].children.append(LayoutItem(id="c9", kind=LayoutKind.COLUMN)), "c9"),
        (lambda d: d.pages[0].children[0].children.append(LayoutItem(id="x9", kind=LayoutKind.TAB)), "x9"),
        (lambda d: d.pages[0].children[0].children[1].children.append(
            LayoutItem(id="h9", kind=LayoutKind.HEADING, title={"en": "h", "zh-CN": "h"})), "h9"),
        (lambda d: d.pages[0].children[0].children[3].children.append(
            LayoutItem(id="s8", kind=LayoutKind.SECTION)), "s8"),
        (lambda d: d.pages[0].children[0].children[0].children.append(
            LayoutItem(id="s7", kind=LayoutKind.SECTION)), "h1"),
    ],
)
def test_layout_structure(mutate: Any, element_id: str) -> None:
    doc = good_form()
    doc = msgspec.structs.replace(doc, fields=[*doc.fields, fld("f9", "extra")])
    mutate(doc)
    ps = find(validate_form(doc), "LAYOUT_INVALID")
    assert element_id in {p.element_id for p in ps}, ps


def test_layout_depth_is_capped() -> None:
    item = LayoutItem(id="deep0", kind=LayoutKind.TAB)
    for i in range(1, 30):
        item = LayoutItem(id=f"deep{i}", kind=LayoutKind.TABS if i % 2 else LayoutKind.TAB, children=[item])
    doc = good_form()
    doc.pages[0].children[0].children.append(item)
    ps = find(validate_form(doc), "LAYOUT_INVALID")
    assert any("deeper" in p.message for p in ps)


def test_options() -> None:
    doc = with_field(good_form(), "f2", options=[])
    assert [p.element_id for p in find(validate_form(doc), "OPTIONS_MISSING")] == ["f2"]
    doc = with_field(good_form(), "f2", options=[FieldOption(value="a", label=_t("甲", "A")),
                                                 FieldOption(value="a", label=_t("乙", "B")),
                                                 FieldOption(value=" ", label=_t("丙", "C")),
                                                 FieldOption(value="d")])
    ps = validate_form(doc)
    assert [p.path for p in find(ps, "OPTION_DUPLICATE")] == ["/fields/1/options/1/value"]
    assert [p.path for p in find(ps, "OPTION_INVALID")] == ["/fields/1/options/2/value"]
    assert [(p.path, p.severity) for p in find(ps, "LABEL_MISSING")] == [("/fields/1/options/3/label",
                                                                         Severity.WARNING)]


def test_expressions() -> None:
    doc = with_field(good_form(), "f3", visible_if="reason = 'other'")
    doc = with_field(doc, "f1", required="reson != null && customer.vip && interaction.queue != '' && agent.x")
    doc = with_field(doc, "f5", default="today(")
    ps = validate_form(doc)
    assert sorted(p.path for p in find(ps, "EXPR_SYNTAX")) == ["/fields/2/visible_if", "/fields/4/default"]
    (unknown,) = find(ps, "EXPR_UNKNOWN_NAME")
    assert unknown.path == "/fields/0/required" and "'reson'" in unknown.message
    # value is only known inside a validator
    doc = with_field(good_form(), "f3", visible_if="value == 1")
    assert [p.code for p in validate_form(doc)] == ["EXPR_UNKNOWN_NAME"]


@pytest.mark.parametrize(
    ("fid", "validator"),
    [
        ("f6", Validator(kind="pattern", value="([0-9]")),
        ("f6", Validator(kind="pattern", value="a" * 201)),
        ("f4", Validator(kind="min", value="ten")),
        ("f5", Validator(kind="max", value="2026-13-01")),
        ("f1", Validator(kind="max", value="3")),
        ("f1", Validator(kind="min_length", value="-1")),
        ("f1", Validator(kind="max_length", value="2.5")),
        ("f1", Validator(kind="expr", value="")),
    ],
)
def test_validator_invalid(fid: str, validator: Validator) -> None:
    ps = validate_form(with_field(good_form(), fid, validators=[validator]))
    assert [(p.code, p.element_id, p.path) for p in ps] == [("VALIDATOR_INVALID", fid, f"/fields/{int(fid[1]) - 1}"
                                                                                       "/validators/0/value")]


def test_validator_expr_syntax_is_expr_syntax() -> None:
    ps = validate_form(with_field(good_form(), "f4", validators=[Validator(kind="expr", value="value >")]))
    assert [p.code for p in ps] == ["EXPR_SYNTAX"]


def test_bindings() -> None:
    for ok in ("customer.name", "customer.email", "customer.attributes.plan", "interaction.attributes.order_no",
               "interaction.subject"):
        assert bind_valid(ok), ok
    for bad in ("customer", "customer.attributes.", "customer.password", "agent.name", "interaction.attributes.a b"):
        assert not bind_valid(bad), bad
    ps = validate_form(with_field(good_form(), "f1", bind="customer.salary"))
    assert [(p.code, p.path) for p in ps] == [("BIND_INVALID", "/fields/0/bind")]


def test_labels_and_translations() -> None:
    doc = with_field(good_form(), "f1", label={"zh-CN": "", "en": ""})
    doc = with_field(doc, "f2", label={"zh-CN": "原因"}, help={"en": "Why they called"})
    doc.pages[0].children[0].children[0] = LayoutItem(id="h1", kind=LayoutKind.HEADING)
    ps = validate_form(doc)
    assert [(p.code, p.severity, p.path) for p in ps] == [
        ("LABEL_MISSING", Severity.ERROR, "/fields/0/label"),
        ("TRANSLATION_MISSING", Severity.WARNING, "/fields/1/label"),
        ("TRANSLATION_MISSING", Severity.WARNING, "/fields/1/help"),
        ("LABEL_MISSING", Severity.ERROR, "/pages/0/children/0/children/0/title"),
    ]
    assert "en" in ps[1].message and "zh-CN" in ps[2].message


def test_too_many_fields_is_a_warning() -> None:
    fields = [fld(f"x{i}", f"k{i}") for i in range(301)]
    page = LayoutItem(id="p", kind=LayoutKind.PAGE, children=[
        LayoutItem(id="s", kind=LayoutKind.SECTION, children=[place(f.id) for f in fields])])
    ps = validate_form(FormDoc(id="big", name="Big", fields=fields, pages=[page]))
    assert [(p.code, p.severity) for p in ps] == [("TOO_MANY_FIELDS", Severity.WARNING)]
    assert not has_errors(ps)
