"""Form semantics shared by the desktop renderer, the designer preview and the edge's submit check.

One implementation so that what the agent sees (a field hidden, required, refused)
is exactly what the edge enforces when the form comes back.

Scope: a form's expressions read ``{field key: value}`` for every field plus the context
(dotted names: ``customer.name``, ``customer.attributes.plan``, ``interaction.queue``,
``agent.username``...). Hidden fields are never validated; with ``when_hidden == "clear"``
they are also dropped from the cleaned values. An expression that does not compile or
fails at run time takes the safe value (visible, not required, editable, validator passes):
the validator reports it to the supervisor, and the agent is never locked out by it.
"""
from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import phonenumbers

from edge_server.contract.designs import FieldType, FormDoc, FormField, Text, Validator
from edge_server.flows.expr import MAX_PATTERN, ExprError, compile_expr, to_number, to_text, truthy

log = logging.getLogger("sb.forms")

PHONE_REGION = "CN"  # numbers without a country code are Chinese numbers
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FormCheck(NamedTuple):
    """Errors per field key (each a localised text) and the cleaned values to submit.

    A NamedTuple so callers may write ``errors, values = check(...)`` or ``result.errors``.
    """

    errors: dict[str, list[Text]]
    values: dict[str, Any]


def _msg(zh: str, en: str) -> Text:
    return {"zh-CN": zh, "en": en}


# --- expressions --------------------------------------------------------------------------------


def _eval(text: str, scope: Mapping[str, Any], safe: Any, what: str, field: FormField) -> Any:
    try:
        return compile_expr(text).evaluate(scope)
    except ExprError as e:
        log.debug("form field %s %s %r: %s (using %r)", field.key, what, text, e, safe)
        return safe


def visible(field: FormField, scope: Mapping[str, Any]) -> bool:
    """visible_if ("" = always)."""
    if not field.visible_if.strip():
        return True
    return truthy(_eval(field.visible_if, scope, True, "visible_if", field))


def is_required(field: FormField, scope: Mapping[str, Any]) -> bool:
    text = field.required.strip()
    if text in ("", "false"):
        return False
    return truthy(_eval(text, scope, False, "required", field))


def is_read_only(field: FormField, scope: Mapping[str, Any]) -> bool:
    text = field.read_only.strip()
    if text in ("", "false"):
        return False
    return truthy(_eval(text, scope, False, "read_only", field))


# --- values -----------------------------------------------------------------------------------


def empty_value(field: FormField) -> Any:
    """What an unanswered field holds: False for a checkbox, [] for a multi choice, else None."""
    if field.type == FieldType.CHECKBOX:
        return False
    if field.type == FieldType.MULTI_CHOICE:
        return []
    return None


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def coerce(field: FormField, raw: Any) -> tuple[Any, Text | None]:
    """The typed value of a raw answer, or (raw, error) when it cannot be one.

    text -> stripped str; number -> int/float; date -> "YYYY-MM-DD"; checkbox -> bool;
    choice -> an option value; multi_choice -> list of option values (option order kept as
    given, duplicates dropped); email -> checked; phone -> E.164 (default region CN).
    """
    t = field.type
    if t == FieldType.CHECKBOX:
        if raw is None or raw == "":
            return False, None
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true", None
        return raw, _msg("请勾选或取消勾选", "Tick or untick this box")
    if t == FieldType.MULTI_CHOICE:
        if raw is None or raw == "":
            return [], None
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) for x in items):
            return raw, _msg("请选择选项", "Choose from the options")
        allowed = {o.value for o in field.options}
        unknown = [x for x in items if x not in allowed]
        if unknown:
            return raw, _msg(f"“{unknown[0]}”不是可选项", f"'{unknown[0]}' is not one of the options")
        return list(dict.fromkeys(items)), None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if t in (FieldType.TEXT, FieldType.LONG_TEXT):
        return (raw.strip() if isinstance(raw, str) else to_text(raw)), None
    if t == FieldType.NUMBER:
        n = None if isinstance(raw, bool) else to_number(raw)
        if n is None:
            return raw, _msg("请输入数字", "Enter a number")
        return n, None
    if t == FieldType.DATE:
        s = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(s, str) or not _DATE.fullmatch(s):
            return raw, _msg("请输入日期（YYYY-MM-DD）", "Enter a date (YYYY-MM-DD)")
        try:
            _dt.date.fromisoformat(s)
        except ValueError:
            return raw, _msg("日期不存在", "That date does not exist")
        return s, None
    if t == FieldType.CHOICE:
        s = raw if isinstance(raw, str) else to_text(raw)
        if s not in {o.value for o in field.options}:
            return raw, _msg(f"“{s}”不是可选项", f"'{s}' is not one of the options")
        return s, None
    if t == FieldType.EMAIL:
        s = to_text(raw).strip()
        if not _EMAIL.fullmatch(s):
            return raw, _msg("请输入有效的邮箱地址", "Enter a valid email address")
        return s, None
    if t == FieldType.PHONE:
        return _phone(to_text(raw).strip(), raw)
    return raw, None


def _phone(text: str, raw: Any) -> tuple[Any, Text | None]:
    bad = _msg("请输入有效的电话号码", "Enter a valid phone number")
    try:
        num = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return raw, bad
    if not phonenumbers.is_valid_number(num):
        return raw, bad
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), None


def scope_of(doc: FormDoc, values: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """The names a form's expressions read: the context, then every field's value (typed when it can be)."""
    scope: dict[str, Any] = dict(context)
    for f in doc.fields:
        raw = values.get(f.key)
        v, err = coerce(f, raw)
        scope[f.key] = None if err is not None else v
    return scope


# --- checking -----------------------------------------------------------------------------------


def check(doc: FormDoc, values: Mapping[str, Any], context: Mapping[str, Any]) -> FormCheck:
    """Validate ``values`` as the form says; unknown keys are dropped, hidden fields never checked."""
    errors: dict[str, list[Text]] = {}
    cleaned: dict[str, Any] = {}
    typed: dict[str, tuple[Any, Text | None]] = {f.key: coerce(f, values.get(f.key)) for f in doc.fields}
    scope: dict[str, Any] = dict(context)
    for key, (v, err) in typed.items():
        scope[key] = None if err is not None else v
    for f in doc.fields:
        v, err = typed[f.key]
        if not visible(f, scope):
            if f.when_hidden == "keep" and f.key in values:
                cleaned[f.key] = v if err is None else values[f.key]
            continue
        if err is not None:
            # The supervisor's own wording wins: a pattern with a message ("Not an email address")
            # explains a refused answer better than the generic type message.
            raw = values.get(f.key)
            own = [m for val in f.validators if _has_message(val)
                   for m in [_run_validator(f, val, raw, scope)] if m is not None]
            errors[f.key] = own or [err]
            continue
        cleaned[f.key] = v
        if is_empty(v):
            if is_required(f, scope):
                errors.setdefault(f.key, []).append(
                    _msg("请勾选此项" if f.type == FieldType.CHECKBOX else "此项必填",
                         "Tick this box" if f.type == FieldType.CHECKBOX else "This field is required"))
            continue
        for validator in f.validators:
            problem = _run_validator(f, validator, v, scope)
            if problem is not None:
                errors.setdefault(f.key, []).append(problem)
    return FormCheck(errors=errors, values=cleaned)


def _has_message(validator: Validator) -> bool:
    return any(v.strip() for v in validator.message.values())


def _run_validator(field: FormField, validator: Validator, value: Any, scope: Mapping[str, Any]) -> Text | None:
    """None when the value passes; else the validator's message (or a default one)."""
    kind, arg = validator.kind, validator.value
    failed = False
    default: Text = {}
    if kind == "pattern":
        if len(arg) <= MAX_PATTERN:
            try:
                failed = re.fullmatch(arg, to_text(value)) is None
            except re.error:
                failed = False  # validate_form reports the pattern
        default = _msg("格式不正确", "The format is not valid")
    elif kind in ("min", "max"):
        bound: Any
        if field.type == FieldType.DATE:
            bound, v = arg, value  # ISO dates order as text
            ok_types = isinstance(v, str) and bool(_DATE.fullmatch(arg))
        else:
            bound, v = to_number(arg), to_number(value)
            ok_types = bound is not None and v is not None
        if ok_types:
            failed = v < bound if kind == "min" else v > bound
        default = _msg(f"不能小于 {arg}", f"Must be at least {arg}") if kind == "min" else \
            _msg(f"不能大于 {arg}", f"Must be at most {arg}")
    elif kind in ("min_length", "max_length"):
        n = to_number(arg)
        length = len(value) if isinstance(value, list) else len(to_text(value))
        if isinstance(n, int):
            failed = length < n if kind == "min_length" else length > n
        default = _msg(f"至少 {arg} 个字符", f"At least {arg} characters") if kind == "min_length" else \
            _msg(f"最多 {arg} 个字符", f"At most {arg} characters")
    elif kind == "expr":
        result = _eval(arg, {**scope, "value": value}, True, "validator", field)
        failed = not truthy(result)
        default = _msg("输入的值无效", "The value is not valid")
    if not failed:
        return None
    msg = {k: v for k, v in validator.message.items() if v.strip()} if validator.message else {}
    return msg or default


# --- prefill ------------------------------------------------------------------------------------


def _context_value(context: Mapping[str, Any], path: str) -> Any:
    if path in context:
        return context[path]
    head, _, last = path.rpartition(".")
    parent = context.get(head) if head else None
    return parent.get(last) if isinstance(parent, Mapping) else None


def prefill(doc: FormDoc, context: Mapping[str, Any]) -> dict[str, Any]:
    """Initial values: from each field's binding when the context has it, else from its default expression.

    Only fields that get a non-empty, well-typed value appear; a default may read fields prefilled
    before it (document order) and the context.
    """
    out: dict[str, Any] = {}
    scope: dict[str, Any] = dict(context)
    for f in doc.fields:
        value: Any = None
        if f.bind:
            v, err = coerce(f, _context_value(context, f.bind))
            if err is None and not is_empty(v):
                value = v
        if value is None and f.default.strip():
            v, err = coerce(f, _eval(f.default, scope, None, "default", f))
            if err is None and not is_empty(v):
                value = v
        if value is not None:
            out[f.key] = value
            scope[f.key] = value
    return out
