"""diff_documents: added / removed / changed / rewired / moved per element, document-level changes."""
from __future__ import annotations

import copy

import msgspec

from edge_server.contract.designs import (
    DiffEntry,
    FieldOption,
    FieldType,
    FlowChannel,
    FlowDoc,
    FlowNode,
    FlowTestCase,
    FormDoc,
    FormField,
    LayoutItem,
    LayoutKind,
    Variable,
)
from edge_server.flows.diff import diff_documents


def flow() -> FlowDoc:
    return FlowDoc(id="f", name="Main", entry="s", variables=[Variable(name="phone")], nodes=[
        FlowNode(id="s", type="start", exits={"next": "m"}, ui={"x": 0.0, "y": 0.0}),
        FlowNode(id="m", type="menu", label="Menu", config={"prompt": {"en": "Choose"}, "timeout_s": 30},
                 exits={"1": "e", "timeout": "n3"}, ui={"x": 100.0, "y": 0.0}),
        FlowNode(id="n3", type="end", ui={"x": 200.0, "y": 0.0}),
        FlowNode(id="e", type="end", ui={"x": 200.0, "y": 100.0}),
    ], tests=[FlowTestCase(id="t1", name="happy")])


def clone(doc: FlowDoc | FormDoc) -> FlowDoc | FormDoc:
    return msgspec.json.decode(msgspec.json.encode(doc), type=type(doc))


def rows(entries: list[DiffEntry]) -> list[tuple[str, str, str, str]]:
    return [(e.change, e.element_kind, e.element_id, e.summary) for e in entries]


def test_identical_documents_have_no_diff() -> None:
    assert diff_documents(flow(), clone(flow())) == []


def test_node_changes() -> None:
    b = clone(flow())
    assert isinstance(b, FlowDoc)
    b.nodes[1].label = "Main menu"
    b.nodes[1].config["timeout_s"] = 60
    b.nodes[1].exits["timeout"] = "e"
    b.nodes[0].ui["x"] = 50.0
    b.nodes.pop(2)
    b.nodes.append(FlowNode(id="new", type="message", label="Hi"))
    got = rows(diff_documents(flow(), b))
    assert got == [
        ("moved", "node", "s", "position: (0, 0) -> (50, 0)"),
        ("changed", "node", "m", "label: 'Menu' -> 'Main menu'; config.timeout_s: 30 -> 60"),
        ("rewired", "node", "m", "exit timeout: n3 -> e"),
        ("added", "node", "new", "message 'Hi'"),
        ("removed", "node", "n3", "end"),
    ]
    paths = [e.path for e in diff_documents(flow(), b)]
    assert paths == ["/nodes/0", "/nodes/1", "/nodes/1/exits/timeout", "/nodes/3", "/nodes/2"]


def test_unwiring_and_new_exits_read_as_none() -> None:
    b = clone(flow())
    assert isinstance(b, FlowDoc)
    b.nodes[1].exits = {"1": None, "timeout": "n3", "2": "e"}
    b.nodes[1].config["options"] = [{"key": "1"}, {"key": "2"}]
    got = rows(diff_documents(flow(), b))
    assert ("rewired", "node", "m", "exit 1: e -> (none)") in got
    assert ("rewired", "node", "m", "exit 2: (none) -> e") in got
    assert any(r[0] == "changed" and r[3].startswith("config.options: (none) -> [") for r in got)


def test_document_variables_and_tests() -> None:
    b = clone(flow())
    assert isinstance(b, FlowDoc)
    b.name = "主流程"
    b.channel = FlowChannel.VOICE
    b.variables = [Variable(name="phone", type="number"), Variable(name="tier")]
    b.tests = []
    assert rows(diff_documents(flow(), b)) == [
        ("changed", "document", "f", "name: 'Main' -> '主流程'"),
        ("changed", "document", "f", "channel: 'chat' -> 'voice'"),
        ("changed", "variable", "phone", "type: 'string' -> 'number'"),
        ("added", "variable", "tier", "string variable 'tier'"),
        ("removed", "test", "t1", "test 'happy'"),
    ]


def test_long_values_are_truncated() -> None:
    b = clone(flow())
    assert isinstance(b, FlowDoc)
    b.nodes[1].config["prompt"] = {"en": "x" * 500}
    (entry,) = diff_documents(flow(), b)
    assert len(entry.summary) <= 240 and "…" in entry.summary and entry.summary.startswith("config.prompt: ")


def form() -> FormDoc:
    return FormDoc(id="g", name="Ticket", fields=[
        FormField(id="f1", key="reason", type=FieldType.CHOICE, label={"en": "Reason"},
                  options=[FieldOption(value="a")]),
        FormField(id="f2", key="note", ui={"w": 1}),
    ], pages=[LayoutItem(id="p", kind=LayoutKind.PAGE, children=[
        LayoutItem(id="s1", kind=LayoutKind.SECTION, title={"en": "One"}, children=[
            LayoutItem(id="l1", kind=LayoutKind.FIELD, field="f1"),
            LayoutItem(id="l2", kind=LayoutKind.FIELD, field="f2")]),
        LayoutItem(id="s2", kind=LayoutKind.SECTION, title={"en": "Two"}),
    ])])


def test_form_fields_and_layout() -> None:
    b = copy.deepcopy(form())
    b.fields[0].label = {"en": "Why"}
    b.fields[1].ui = {"w": 2}
    b.fields.append(FormField(id="f3", key="extra"))
    s1, s2 = b.pages[0].children
    l1, l2 = s1.children
    s1.children = [l2]  # l2 moves up within s1
    s2.children = [l1, LayoutItem(id="l3", kind=LayoutKind.FIELD, field="f3")]  # l1 moves to s2
    s2.title = {"en": "Second"}
    got = rows(diff_documents(form(), b))
    assert got == [
        ("changed", "field", "f1", 'label: {"en":"Reason"} -> {"en":"Why"}'),
        ("moved", "field", "f2", "layout: w: 1 -> 2"),
        ("added", "field", "f3", "text field 'extra'"),
        ("moved", "layout", "l2", "order: 2 -> 1"),
        ("changed", "layout", "s2", 'title: {"en":"Two"} -> {"en":"Second"}'),
        ("moved", "layout", "l1", "parent: s1 -> s2"),
        ("added", "layout", "l3", "field field f3"),
    ]


def test_flow_against_form_is_one_document_change() -> None:
    (entry,) = diff_documents(flow(), form())
    assert entry.element_kind == "document" and "FlowDoc -> FormDoc" in entry.summary
