"""The expression language: the shared conformance table, positions, names, templates, properties."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edge_server.flows import expr as expr_mod
from edge_server.flows.expr import (
    ExprError,
    compile_expr,
    rename_names,
    render_template,
    template_names,
    to_text,
    truthy,
    values_equal,
)

CASES_FILE = Path(expr_mod.__file__).parent / "conformance" / "expr_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


def _same(a: Any, b: Any) -> bool:
    # JSON has one number type: 3 and 3.0 are the same result, but a boolean is never a number.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b if not isinstance(a, (int, float)) else a == b


def test_conformance_table_is_big_enough_and_covers_every_function() -> None:
    assert len(CASES) >= 120
    text = " ".join(c["expr"] for c in CASES)
    for fname in expr_mod.FUNCTIONS:
        assert f"{fname}(" in text, f"no conformance case calls {fname}()"
    for op in ("&&", "||", "!", " and ", " or ", "not ", "==", "!=", "<=", ">=", " in ", " not in ", "%", "/", "*"):
        assert op in text, op
    assert sum(1 for c in CASES if c.get("error")) >= 30


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expr'][:40]}" for i, c in enumerate(CASES)])
def test_conformance(case: dict[str, Any]) -> None:
    if case.get("error"):
        with pytest.raises(ExprError) as ei:
            compile_expr(case["expr"]).evaluate(case["scope"])
        assert ei.value.message
        assert 0 <= ei.value.position <= max(len(case["expr"]), expr_mod.MAX_LENGTH)
    else:
        got = compile_expr(case["expr"]).evaluate(case["scope"])
        assert _same(got, case["result"]), f"{case['expr']!r} gave {got!r}, expected {case['result']!r}"


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("1 +", 3, "expected a value"),
        ("a = 1", 2, "'=='"),
        ("(a || b", 7, "expected ')'"),
        ("len(a) +* 2", 8, "expected a value"),
        ("x == 'abc", 5, "unterminated"),
        ("foo(1)", 0, "unknown function 'foo'"),
        ("a b", 2, "expected an operator or the end"),
        ("round()", 0, "1 to 2 argument"),
        ("1 < 2 < 3", 6, "chained"),
    ],
)
def test_syntax_errors_point_at_the_character(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ExprError) as ei:
        compile_expr(text)
    assert ei.value.position == position
    assert fragment in ei.value.message
    assert isinstance(ei.value, ValueError)


def test_evaluation_error_points_at_the_operator() -> None:
    e = compile_expr("a + b / 0")
    with pytest.raises(ExprError) as ei:
        e.evaluate({"a": 1, "b": 2})
    assert ei.value.position == 6
    assert "division by zero" in ei.value.message


def test_names_are_dotted_and_exclude_functions() -> None:
    e = compile_expr("len(customer.name) > 2 && attempts < max(3, limit) || contact.from in ['x', other]")
    assert e.names == frozenset({"customer.name", "attempts", "limit", "contact.from", "other"})
    assert compile_expr("'len' + 1").names == frozenset()


def test_compile_is_cached_and_expr_is_immutable() -> None:
    a = compile_expr("attempts + 1")
    assert compile_expr("attempts + 1") is a
    with pytest.raises(AttributeError):
        a.text = "x"  # type: ignore[misc]


def test_length_and_depth_caps() -> None:
    assert compile_expr("1" + " + 1" * 45).evaluate({}) == 46
    assert compile_expr("'" + "x" * 990 + "' + 1").evaluate({}) == "x" * 990 + "1"  # long but shallow
    with pytest.raises(ExprError, match="longer than 1000"):
        compile_expr("1" + " + 1" * 300)
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("-" * 60 + "1")
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("1" + "+1" * 60)  # a left-leaning chain deeper than the cap
    assert compile_expr("(" * 20 + "1" + ")" * 20).evaluate({}) == 1


def test_short_circuit_skips_the_other_side() -> None:
    # The right side would raise if evaluated.
    assert compile_expr("n == null || n > 1 / 0").evaluate({"n": None}) is True
    assert compile_expr("false and missing.thing / 0").evaluate({}) is False


def test_unknown_names_are_null_and_nested_scope_dicts_resolve() -> None:
    assert compile_expr("nobody").evaluate({}) is None
    scope = {"customer.attributes": {"plan": {"level": 3}}}
    assert compile_expr("customer.attributes.plan.level * 2").evaluate(scope) == 6
    assert compile_expr("customer.attributes.plan.level.x").evaluate(scope) is None


def test_matches_rejects_long_patterns() -> None:
    with pytest.raises(ExprError, match="longer than 200"):
        compile_expr("matches(x, p)").evaluate({"x": "a", "p": "a" * 201})


def test_truthy_and_to_text() -> None:
    assert [truthy(v) for v in (None, False, 0, 0.0, "", [], {})] == [False] * 7
    assert [truthy(v) for v in (True, 1, -1, 0.5, "0", "false", [0])] == [True] * 7
    assert [to_text(v) for v in (None, True, 2.0, 2.5, [1, "a"], "x")] == ["", "true", "2", "2.5", "1, a", "x"]
    assert values_equal("2", 2) and not values_equal("2", True) and not values_equal(None, "")


def test_render_template() -> None:
    scope = {"customer.name": "张三", "n": 3, "flag": True, "customer.attributes": {"plan": "pro"}}
    assert render_template("您好 {customer.name}，您有 {n} 条消息", scope) == "您好 张三，您有 3 条消息"
    assert render_template("{missing}|{ flag }|{customer.attributes.plan}", scope) == "|true|pro"
    assert render_template("{{literal}} and }} and { not a name } and {", scope) == "{literal} and } and { not a name } and {"
    assert template_names("Hi {a}, {b.c} {{d}} {1x}") == ["a", "b.c"]


# --- properties --------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("ab1.2 ()[],'\"!&|=<>+-*/%_xyz\\") + ["and", "or", "not", "in", "null", "true",
                                                                         "len(", "round(", "中", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_parser_raises_only_expr_error(text: str) -> None:
    try:
        e = compile_expr(text)
    except ExprError:
        return
    try:
        e.evaluate({"a": 1, "b": "x", "x": None, "y": [1], "z": 2.5})
    except ExprError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_expr_error(text: str) -> None:
    try:
        compile_expr(text).evaluate({})
    except ExprError:
        pass


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", "0", "x", "1"]))


@settings(max_examples=200, deadline=None)
@given(_VALUES, _VALUES)
def test_de_morgan(a: Any, b: Any) -> None:
    scope = {"a": a, "b": b}
    assert compile_expr("a && b").evaluate(scope) == compile_expr("!(!a || !b)").evaluate(scope)
    assert compile_expr("a || b").evaluate(scope) == compile_expr("!(!a && !b)").evaluate(scope)
    assert compile_expr("a and b").evaluate(scope) is (truthy(a) and truthy(b))


@settings(max_examples=200, deadline=None)
@given(_VALUES, _VALUES)
def test_equality_is_symmetric_and_not_equal_is_its_negation(a: Any, b: Any) -> None:
    scope = {"a": a, "b": b}
    eq = compile_expr("a == b").evaluate(scope)
    assert eq == compile_expr("b == a").evaluate(scope)
    assert compile_expr("a != b").evaluate(scope) is (not eq)


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(1, 1000))
def test_integer_arithmetic_matches_python(x: int, y: int, z: int) -> None:
    scope = {"x": x, "y": y, "z": z}
    assert compile_expr("x + y * z").evaluate(scope) == x + y * z
    assert compile_expr("(x - y) % z").evaluate(scope) == (x - y) % z
    assert compile_expr("x < y").evaluate(scope) is (x < y)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_text_literal_round_trip(s: str) -> None:
    quoted = "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    assert compile_expr(quoted).evaluate({}) == s


def test_rename_names() -> None:
    text = "count > 1 && 'count' != text(count) || customer.count == count2 || len(count)"
    assert rename_names(text, {"count": "tries"}) == \
        "tries > 1 && 'count' != text(tries) || customer.count == count2 || len(tries)"
    assert rename_names("customer.tier == 'a'", {"customer.tier": "customer.level"}) == "customer.level == 'a'"
    assert rename_names("len(x) + text", {"len": "z", "text": "t"}) == "len(x) + t"
    assert rename_names("'unterminated", {"x": "y"}) == "'unterminated"
