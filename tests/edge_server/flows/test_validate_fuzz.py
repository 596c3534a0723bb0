"""The validator reads untrusted documents from the wire: garbage in any config slot is a problem, never a crash."""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from edge_server.contract.designs import (
    FieldType,
    FlowChannel,
    FlowDoc,
    FlowNode,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Validator,
)
from edge_server.flows.nodetypes import NODE_TYPES
from edge_server.flows.validate import validate_flow, validate_form

_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 30) | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["09:00", "mon", "Asia/Shanghai", "{x}", "a ==", "support", "2026-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["key", "label", "name", "when", "variable", "value", "days", "open", "close", "zh-CN",
                         "en", "keywords", "answer", "path"]), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def flows(draw: st.DrawFn) -> FlowDoc:
    n = draw(st.integers(1, 6))
    ids = [f"n{i}" for i in range(n)]
    nodes = []
    for nid in ids:
        type_ = draw(st.sampled_from([*NODE_TYPES, "bogus"]))
        t = NODE_TYPES.get(type_)
        keys = [f.key for f in t.fields] if t else ["x"]
        config = draw(st.dictionaries(st.sampled_from(keys), _json, max_size=len(keys))) if keys else {}
        exits = draw(st.dictionaries(st.text(max_size=4) | st.sampled_from(["next", "ok", "else", "1"]),
                                     st.none() | st.sampled_from([*ids, "ghost"]), max_size=4))
        nodes.append(FlowNode(id=nid, type=type_, config=config, exits=exits))
    return FlowDoc(id="fz", name="fuzz", channel=draw(st.sampled_from(list(FlowChannel))),
                   entry=draw(st.sampled_from([*ids, ""])), nodes=nodes)


@settings(max_examples=150, deadline=None)
@given(flows())
def test_validate_flow_never_crashes(doc: FlowDoc) -> None:
    problems = validate_flow(doc)
    assert all(p.code and p.message and p.message_zh for p in problems)


@st.composite
def forms(draw: st.DrawFn) -> FormDoc:
    n = draw(st.integers(0, 4))
    fields = [FormField(id=f"f{i}", key=draw(st.sampled_from(["a", "b", "1x", "value", ""])),
                        type=draw(st.sampled_from(list(FieldType))),
                        visible_if=draw(st.sampled_from(["", "a == 1", "b ==", "zz"])),
                        validators=[Validator(kind=draw(st.sampled_from(["pattern", "min", "max", "min_length",
                                                                         "max_length", "expr"])),
                                              value=draw(st.text(max_size=6)))],
                        bind=draw(st.sampled_from(["", "customer.name", "x.y"]))) for i in range(n)]
    kinds = list(LayoutKind)

    def item(depth: int, i: int) -> LayoutItem:
        kind = draw(st.sampled_from(kinds))
        children = [item(depth + 1, j) for j in range(draw(st.integers(0, 2)))] if depth < 3 else []
        return LayoutItem(id=f"l{depth}_{i}_{draw(st.integers(0, 3))}", kind=kind,
                          field=draw(st.sampled_from(["f0", "f1", "nope", ""])), children=children)

    return FormDoc(id="fm", name="fuzz", fields=fields, pages=[item(0, i) for i in range(draw(st.integers(0, 2)))])


@settings(max_examples=100, deadline=None)
@given(forms())
def test_validate_form_never_crashes(doc: FormDoc) -> None:
    problems = validate_form(doc)
    assert all(p.code and p.message and p.message_zh for p in problems)
