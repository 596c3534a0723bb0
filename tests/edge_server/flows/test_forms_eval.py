"""forms_eval: coercion, visibility, required/read-only, validators, hidden fields, prefill."""
from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edge_server.contract.designs import FieldOption, FieldType, FormDoc, FormField, Validator
from edge_server.flows import forms_eval as fe


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def fld(key: str, type_: FieldType = FieldType.TEXT, **kw: Any) -> FormField:
    return FormField(id="id_" + key, key=key, type=type_, label=_t(key, key), **kw)


OPTIONS = [FieldOption(value="bill", label=_t("账单", "Billing")), FieldOption(value="other", label=_t("其他", "Other"))]


def form(*fields: FormField) -> FormDoc:
    return FormDoc(id="f", name="F", fields=list(fields))


@pytest.mark.parametrize(
    ("type_", "raw", "value"),
    [
        (FieldType.TEXT, "  hi  ", "hi"),
        (FieldType.TEXT, 12, "12"),
        (FieldType.TEXT, "   ", None),
        (FieldType.LONG_TEXT, "a\nb\n", "a\nb"),
        (FieldType.NUMBER, "12", 12),
        (FieldType.NUMBER, " 1.5", 1.5),
        (FieldType.NUMBER, 3, 3),
        (FieldType.NUMBER, "", None),
        (FieldType.DATE, "2026-02-28", "2026-02-28"),
        (FieldType.CHECKBOX, True, True),
        (FieldType.CHECKBOX, None, False),
        (FieldType.CHECKBOX, "true", True),
        (FieldType.CHOICE, "bill", "bill"),
        (FieldType.CHOICE, None, None),
        (FieldType.MULTI_CHOICE, ["other", "bill", "other"], ["other", "bill"]),
        (FieldType.MULTI_CHOICE, None, []),
        (FieldType.MULTI_CHOICE, "bill", ["bill"]),
        (FieldType.EMAIL, " a.b@example.cn ", "a.b@example.cn"),
        (FieldType.PHONE, "138 0013 8000", "+8613800138000"),
        (FieldType.PHONE, "+1 650-253-0000", "+16502530000"),
    ],
)
def test_coerce_ok(type_: FieldType, raw: Any, value: Any) -> None:
    got, err = fe.coerce(fld("x", type_, options=OPTIONS), raw)
    assert err is None
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("type_", "raw", "en"),
    [
        (FieldType.NUMBER, "12a", "Enter a number"),
        (FieldType.NUMBER, True, "Enter a number"),
        (FieldType.DATE, "2026-02-30", "That date does not exist"),
        (FieldType.DATE, "28/02/2026", "Enter a date (YYYY-MM-DD)"),
        (FieldType.CHECKBOX, "maybe", "Tick or untick this box"),
        (FieldType.CHOICE, "gold", "'gold' is not one of the options"),
        (FieldType.MULTI_CHOICE, ["bill", "gold"], "'gold' is not one of the options"),
        (FieldType.MULTI_CHOICE, [1], "Choose from the options"),
        (FieldType.EMAIL, "not-an-email", "Enter a valid email address"),
        (FieldType.PHONE, "12345", "Enter a valid phone number"),
        (FieldType.PHONE, "call me", "Enter a valid phone number"),
    ],
)
def test_coerce_errors(type_: FieldType, raw: Any, en: str) -> None:
    got, err = fe.coerce(fld("x", type_, options=OPTIONS), raw)
    assert err is not None and err["en"] == en and err["zh-CN"]
    assert got == raw


def test_visibility_required_read_only_from_expressions() -> None:
    f = fld("details", visible_if="reason == 'other'", required="amount > 100", read_only="customer.vip")
    assert fe.visible(f, {"reason": "other"}) and not fe.visible(f, {"reason": "bill"})
    assert fe.is_required(f, {"amount": 101}) and not fe.is_required(f, {"amount": 5})
    assert fe.is_read_only(f, {"customer.vip": True}) and not fe.is_read_only(f, {})
    # broken expressions take the safe value: shown, optional, editable
    broken = fld("b", visible_if="reason ==", required="1 / 0 == 1", read_only="(")
    assert fe.visible(broken, {}) and not fe.is_required(broken, {}) and not fe.is_read_only(broken, {})


def test_scope_of_types_values_and_keeps_context() -> None:
    doc = form(fld("amount", FieldType.NUMBER), fld("name"), fld("bad", FieldType.NUMBER))
    scope = fe.scope_of(doc, {"amount": "12", "bad": "x", "junk": 1}, {"customer.name": "张三"})
    assert scope == {"customer.name": "张三", "amount": 12, "name": None, "bad": None}


def test_check_required_and_cleaned_values() -> None:
    doc = form(fld("name", required="true"), fld("amount", FieldType.NUMBER), fld("agree", FieldType.CHECKBOX,
                                                                                  required="true"))
    result = fe.check(doc, {"name": "  ", "amount": "7", "agree": False, "injected": "x"}, {})
    assert result.errors == {"name": [_t("此项必填", "This field is required")],
                             "agree": [_t("请勾选此项", "Tick this box")]}
    assert result.values == {"name": None, "amount": 7, "agree": False}
    errors, values = fe.check(doc, {"name": "李四", "agree": True}, {})
    assert errors == {} and values == {"name": "李四", "amount": None, "agree": True}


def test_hidden_fields_are_never_validated_and_cleared_unless_kept() -> None:
    doc = form(
        fld("reason", FieldType.CHOICE, options=OPTIONS),
        fld("details", visible_if="reason == 'other'", required="true",
            validators=[Validator(kind="min_length", value="10")]),
        fld("note", FieldType.NUMBER, visible_if="reason == 'other'", when_hidden="keep"),
    )
    hidden = fe.check(doc, {"reason": "bill", "details": "x", "note": "oops"}, {})
    assert hidden.errors == {}
    assert hidden.values == {"reason": "bill", "note": "oops"}
    shown = fe.check(doc, {"reason": "other", "details": "short", "note": "oops"}, {})
    assert shown.errors == {"details": [_t("至少 10 个字符", "At least 10 characters")],
                            "note": [_t("请输入数字", "Enter a number")]}


def test_visibility_reads_context_and_other_fields() -> None:
    doc = form(fld("vip_note", visible_if="customer.tier == 'gold' && len(name) > 0", required="true"), fld("name"))
    assert fe.check(doc, {"name": "x"}, {"customer.tier": "gold"}).errors == {"vip_note": [
        _t("此项必填", "This field is required")]}
    assert fe.check(doc, {"name": "x"}, {"customer.tier": "silver"}).errors == {}


@pytest.mark.parametrize(
    ("field", "value", "en"),
    [
        (fld("code", validators=[Validator(kind="pattern", value="[A-Z]{3}")]), "abc", "The format is not valid"),
        (fld("n", FieldType.NUMBER, validators=[Validator(kind="min", value="1")]), "0", "Must be at least 1"),
        (fld("n", FieldType.NUMBER, validators=[Validator(kind="max", value="9.5")]), "10", "Must be at most 9.5"),
        (fld("d", FieldType.DATE, validators=[Validator(kind="min", value="2026-01-01")]), "2025-12-31",
         "Must be at least 2026-01-01"),
        (fld("d", FieldType.DATE, validators=[Validator(kind="max", value="2026-01-01")]), "2026-01-02",
         "Must be at most 2026-01-01"),
        (fld("t", validators=[Validator(kind="max_length", value="3")]), "四个汉字", "At most 3 characters"),
        (fld("m", FieldType.MULTI_CHOICE, options=OPTIONS, validators=[Validator(kind="max_length", value="1")]),
         ["bill", "other"], "At most 1 characters"),
        (fld("e", validators=[Validator(kind="expr", value="value != customer.name",
                                        message=_t("不能与姓名相同", "Must differ from the name"))]),
         "张三", "Must differ from the name"),
        (fld("e", validators=[Validator(kind="expr", value="false", message={"en": " "})]), "x",
         "The value is not valid"),
    ],
)
def test_validators_fail_with_their_message(field: FormField, value: Any, en: str) -> None:
    result = fe.check(form(field), {field.key: value}, {"customer.name": "张三"})
    (err,) = result.errors[field.key]
    assert err["en"] == en and err["zh-CN"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (fld("code", validators=[Validator(kind="pattern", value="[A-Z]{3}")]), "ABC"),
        (fld("n", FieldType.NUMBER, validators=[Validator(kind="min", value="1"), Validator(kind="max", value="9")]),
         "9"),
        (fld("d", FieldType.DATE, validators=[Validator(kind="min", value="2026-01-01")]), "2026-01-01"),
        (fld("t", validators=[Validator(kind="max_length", value="4")]), "四个汉字"),
        (fld("e", validators=[Validator(kind="expr", value="value / 0 > 1")]), "5"),  # runtime error: passes
        (fld("p", validators=[Validator(kind="pattern", value="([")]), "x"),  # bad pattern: validator reports it
        (fld("empty", validators=[Validator(kind="min_length", value="5")]), ""),  # empty optional: not checked
    ],
)
def test_validators_pass(field: FormField, value: Any) -> None:
    assert fe.check(form(field), {field.key: value}, {}).errors == {}


def test_prefill_from_bindings_then_defaults() -> None:
    doc = form(
        fld("name", bind="customer.name", default="'anonymous'"),
        fld("plan", FieldType.CHOICE, options=[FieldOption(value="pro"), FieldOption(value="free")],
            bind="customer.attributes.plan"),
        fld("seats", FieldType.NUMBER, bind="customer.attributes.seats"),
        fld("queue", bind="interaction.queue"),
        fld("greeting", default="'您好 ' + name"),
        fld("phone", FieldType.PHONE, bind="customer.phone"),
        fld("tier", FieldType.CHOICE, options=OPTIONS, bind="customer.tier"),  # not an option: left empty
        fld("broken", default="1 +"),
        fld("vip", FieldType.CHECKBOX, default="customer.vip"),
    )
    ctx = {"customer.name": "张三", "customer.attributes": {"plan": "pro", "seats": "12"},
           "interaction.queue": "support", "customer.phone": "13800138000", "customer.tier": "gold",
           "customer.vip": True}
    assert fe.prefill(doc, ctx) == {"name": "张三", "plan": "pro", "seats": 12, "queue": "support",
                                    "greeting": "您好 张三", "phone": "+8613800138000", "vip": True}
    assert fe.prefill(doc, {}) == {"name": "anonymous", "greeting": "您好 anonymous"}


def test_check_is_a_pure_function_of_its_inputs() -> None:
    doc = form(fld("a", required="true"))
    values = {"a": " x "}
    before = msgspec.json.encode(doc)
    assert fe.check(doc, values, {}).values == {"a": "x"}
    assert values == {"a": " x "} and msgspec.json.encode(doc) == before


def test_a_validator_message_explains_a_refused_answer_better_than_the_type_message() -> None:
    email = fld("email", FieldType.EMAIL, validators=[Validator(kind="pattern", value=r"[^@]+@[^@]+",
                                                                message=_t("邮箱格式不对", "Not an email address"))])
    assert fe.check(form(email), {"email": "nope"}, {}).errors == {"email": [_t("邮箱格式不对", "Not an email address")]}
    # the pattern passes but the type check does not: the type message stays
    assert fe.check(form(email), {"email": "a@b"}, {}).errors == {"email": [
        _t("请输入有效的邮箱地址", "Enter a valid email address")]}
    plain = fld("n", FieldType.NUMBER, validators=[Validator(kind="min", value="1")])
    assert fe.check(form(plain), {"n": "x"}, {}).errors == {"n": [_t("请输入数字", "Enter a number")]}


_ANY: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6)
_ALL_TYPES = form(*[fld(t.value, t, options=OPTIONS, required="true",
                        validators=[Validator(kind="min", value="1"), Validator(kind="max_length", value="3"),
                                    Validator(kind="pattern", value="[a-z]+"), Validator(kind="expr", value="value")])
                    for t in FieldType])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([t.value for t in FieldType] + ["other"]), _ANY))
def test_check_takes_any_wire_values_without_crashing(values: dict[str, Any]) -> None:
    result = fe.check(_ALL_TYPES, values, {})
    assert set(result.errors) | set(result.values) <= {t.value for t in FieldType}
    for key, errs in result.errors.items():
        assert errs and all(e.get("en") and e.get("zh-CN") for e in errs), key
    # what check accepted, it accepts again unchanged (cleaning is idempotent)
    again = fe.check(_ALL_TYPES, result.values, {})
    assert {k: v for k, v in again.values.items() if k not in result.errors} == \
        {k: v for k, v in result.values.items() if k not in result.errors}
