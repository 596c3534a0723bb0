"""canonical_json / content_hash: layout-only edits keep the hash, semantic edits change it."""
from __future__ import annotations

import json
import re
import time
from typing import Any

import msgspec

from edge_server.contract.designs import (
    Annotation,
    FieldOption,
    FieldType,
    FlowDoc,
    FlowNode,
    FlowTestCase,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
)
from edge_server.flows.canonical import canonical_json, content_hash


def flow() -> FlowDoc:
    return FlowDoc(id="f", name="流程", entry="s", nodes=[
        FlowNode(id="s", type="start", exits={"next": "m"}, ui={"x": 0.0, "y": 0.0}),
        FlowNode(id="m", type="message", config={"text": {"zh-CN": "您好", "en": "Hi"}, "extra": {"ui": 1, "b": 2}},
                 exits={"next": "e"}, ui={"x": 100.0, "y": 0.0, "w": 3}),
        FlowNode(id="e", type="end", ui={"x": 200.0, "y": 0.0}),
    ], annotations=[Annotation(id="a", text="note", ui={"x": 5})], ui={"zoom": 1.5})


def form() -> FormDoc:
    return FormDoc(id="g", name="表单", fields=[
        FormField(id="x", key="reason", type=FieldType.CHOICE, label={"en": "Reason"},
                  options=[FieldOption(value="a")], ui={"width": 2}),
    ], pages=[LayoutItem(id="p", kind=LayoutKind.PAGE, ui={"collapsed": True}, children=[
        LayoutItem(id="s", kind=LayoutKind.SECTION, children=[LayoutItem(id="l", kind=LayoutKind.FIELD, field="x")])])])


def _hash_of(doc: Any) -> str:
    return content_hash(doc)


def test_format() -> None:
    data = canonical_json(flow())
    text = data.decode("utf-8")
    assert "您好" in text and "\\u" not in text  # UTF-8, not escaped
    assert ", " not in text and ": " not in text
    assert '"ui"' not in text and '"tests"' not in text
    parsed = json.loads(text)
    assert json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == text
    assert parsed["nodes"][1]["config"]["extra"] == {"b": 2}  # "ui" dropped at any depth
    assert parsed["annotations"] == [{"id": "a", "text": "note"}]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", content_hash(flow()))


def test_layout_tests_and_key_order_do_not_change_the_hash() -> None:
    base = content_hash(flow())
    moved = flow()
    moved.nodes[1].ui["x"] = 999.0
    moved.annotations[0].ui["x"] = 1
    moved.ui["zoom"] = 3.0
    moved.tests.append(FlowTestCase(id="t", name="case", inputs=["1"]))
    assert content_hash(moved) == base
    # key order in the JSON the designer sent is irrelevant
    raw = json.loads(msgspec.json.encode(flow()))
    raw["nodes"][1]["config"] = dict(reversed(list(raw["nodes"][1]["config"].items())))
    shuffled = msgspec.json.decode(json.dumps(dict(reversed(list(raw.items())))), type=FlowDoc)
    assert content_hash(shuffled) == base
    f = form()
    f.fields[0].ui["width"] = 1
    f.pages[0].ui.clear()
    assert content_hash(f) == content_hash(form())


def test_semantic_edits_change_the_hash() -> None:
    base = content_hash(flow())
    edits = []
    for change in (
        lambda d: setattr(d, "name", "流程2"),
        lambda d: d.nodes[1].config["text"].__setitem__("en", "Hello"),
        lambda d: d.nodes[1].exits.__setitem__("next", "s"),
        lambda d: setattr(d.nodes[1], "label", "greeting"),
        lambda d: setattr(d.annotations[0], "text", "other note"),
        lambda d: d.locales.append("ja"),
        lambda d: setattr(d, "entry", "m"),
    ):
        d = flow()
        change(d)
        edits.append(content_hash(d))
    assert base not in edits and len(set(edits)) == len(edits)
    g = form()
    g.fields[0].options.append(FieldOption(value="b"))
    assert content_hash(g) != content_hash(form())
    assert content_hash(form()) != base


def test_thousand_nodes_hash_quickly() -> None:
    nodes = [FlowNode(id=f"n{i}", type="message", config={"text": {"zh-CN": "第{i}步", "en": "Step"}},
                      exits={"next": f"n{i + 1}"}, ui={"x": float(i), "y": 0.0}) for i in range(1000)]
    doc = FlowDoc(id="big", name="Big", entry="n0", nodes=nodes)
    t0 = time.perf_counter()
    digest = content_hash(doc)
    assert time.perf_counter() - t0 < 0.2
    assert digest == content_hash(msgspec.json.decode(msgspec.json.encode(doc), type=FlowDoc))
