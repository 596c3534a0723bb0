"""ids: fresh ids, remapped copies for paste (exits kept inside the copy), unique form keys."""
from __future__ import annotations

import re

from edge_server.contract.designs import FieldType, FlowNode, FormField, LayoutItem, LayoutKind, Validator
from edge_server.flows.ids import new_id, remap_layout, remap_nodes, unique_key


def test_new_id_is_uuid_hex_and_unique() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_remap_nodes_rewires_inside_and_cuts_outside() -> None:
    a = FlowNode(id="a", type="menu", config={"options": [{"key": "1"}]}, exits={"1": "b", "timeout": "outside",
                                                                                 "no_match": None}, ui={"x": 1.0})
    b = FlowNode(id="b", type="end")
    copies, mapping = remap_nodes([a, b])
    assert set(mapping) == {"a", "b"} and not set(mapping.values()) & {"a", "b"}
    ca, cb = copies
    assert ca.id == mapping["a"] and cb.id == mapping["b"]
    assert ca.exits == {"1": mapping["b"], "timeout": None, "no_match": None}
    assert ca.type == "menu" and ca.ui == {"x": 1.0}
    # deep copies: editing the copy leaves the original alone
    ca.config["options"][0]["key"] = "9"
    ca.ui["x"] = 5.0
    assert a.config["options"][0]["key"] == "1" and a.ui == {"x": 1.0}
    assert a.exits["1"] == "b"


def test_unique_key() -> None:
    assert unique_key("phone", []) == "phone"
    assert unique_key("phone", ["phone"]) == "phone_2"
    assert unique_key("phone", ["phone", "phone_2"]) == "phone_3"
    assert unique_key("phone_2", ["phone", "phone_2"]) == "phone_3"
    assert unique_key("_2", ["_2"]) == "_2_2"


def test_remap_layout_copies_items_and_fields_with_unique_keys() -> None:
    fields = [FormField(id="f1", key="phone", type=FieldType.PHONE), FormField(id="f2", key="name")]
    items = [LayoutItem(id="row", kind=LayoutKind.ROW, title={"en": "R"}, children=[
        LayoutItem(id="i1", kind=LayoutKind.FIELD, field="f1"),
        LayoutItem(id="i2", kind=LayoutKind.FIELD, field="f2"),
        LayoutItem(id="i3", kind=LayoutKind.FIELD, field="elsewhere"),
    ])]
    new_items, new_fields, mapping = remap_layout(items, fields, existing_keys=["phone", "phone_2"])
    assert [f.key for f in new_fields] == ["phone_3", "name"]
    assert [f.id for f in new_fields] == [mapping["f1"], mapping["f2"]]
    (row,) = new_items
    assert row.id == mapping["row"] != "row"
    assert [c.field for c in row.children] == [mapping["f1"], mapping["f2"], "elsewhere"]
    assert len({row.id, *(c.id for c in row.children), *(f.id for f in new_fields)}) == 6
    row.title["en"] = "changed"
    assert items[0].title == {"en": "R"} and fields[0].key == "phone"
    # two pasted fields with the same key get distinct keys
    _, twice, _ = remap_layout([], [FormField(id="a", key="k"), FormField(id="b", key="k")], existing_keys=["k"])
    assert [f.key for f in twice] == ["k_2", "k_3"]


def test_pasted_fields_expressions_follow_renamed_siblings() -> None:
    fields = [FormField(id="a", key="reason"),
              FormField(id="b", key="details", visible_if="reason == 'other' && customer.reason != null",
                        required="len(reason) > 0", validators=[Validator(kind="expr", value="value != reason"),
                                                                Validator(kind="pattern", value="reason")]),
              FormField(id="c", key="note", visible_if="tier == 'gold'")]
    _, copies, _ = remap_layout([], fields, existing_keys=["reason", "details", "tier"])
    assert [f.key for f in copies] == ["reason_2", "details_2", "note"]
    assert copies[1].visible_if == "reason_2 == 'other' && customer.reason != null"
    assert copies[1].required == "len(reason_2) > 0"
    assert [v.value for v in copies[1].validators] == ["value != reason_2", "reason"]
    assert copies[2].visible_if == "tier == 'gold'"  # tier is not in the copy: still the existing field
