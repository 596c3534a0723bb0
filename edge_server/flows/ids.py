"""Element ids: fresh ones, and remapping for paste / duplicate so copies never share an id."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence

import msgspec

from edge_server.contract.designs import FlowNode, FormField, LayoutItem, LayoutKind
from edge_server.flows.expr import rename_names


def new_id() -> str:
    """A fresh element or design id (uuid4 hex: unique without coordination between designers)."""
    return uuid.uuid4().hex


def remap_nodes(nodes: Sequence[FlowNode]) -> tuple[list[FlowNode], dict[str, str]]:
    """Copies of ``nodes`` with fresh ids, exits between them rewritten.

    Exits to nodes outside the copy become None: a pasted fragment must not reach into the
    original graph behind the supervisor's back. Returns (copies, old id -> new id).
    """
    mapping = {n.id: new_id() for n in nodes}
    out: list[FlowNode] = []
    for n in nodes:
        exits = {name: (mapping.get(target) if target is not None else None) for name, target in n.exits.items()}
        out.append(msgspec.structs.replace(
            n, id=mapping[n.id], exits=exits, config=_deep_copy(n.config), ui=_deep_copy(n.ui)))
    return out, mapping


_SUFFIXED = re.compile(r"^(.*?)_(\d+)$")


def unique_key(key: str, taken: Iterable[str]) -> str:
    """``key`` if free, else ``key_2``, ``key_3``... (a pasted ``phone_2`` becomes ``phone_3``)."""
    used = set(taken)
    if key not in used:
        return key
    m = _SUFFIXED.match(key)
    base = m.group(1) if m and m.group(1) else key
    n = 2
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"


def remap_layout(items: Sequence[LayoutItem], fields: Sequence[FormField],
                 existing_keys: Iterable[str] = ()) -> tuple[list[LayoutItem], list[FormField], dict[str, str]]:
    """Copies of layout ``items`` (with their children) and the ``fields`` they place, with fresh ids.

    Field keys are made unique against ``existing_keys`` (and each other) by suffixes _2, _3...,
    and the copied fields' expressions follow those new keys; FIELD items point at the copied fields. A FIELD item whose field is not in ``fields`` keeps its
    reference (placing an existing field again is for the validator to report). Returns
    (items, fields, old id -> new id for items and fields).
    """
    mapping: dict[str, str] = {f.id: new_id() for f in fields}
    taken = set(existing_keys)
    keys: dict[str, str] = {}  # old key -> new key, for keys that had to change
    new_keys: list[str] = []
    for f in fields:
        key = unique_key(f.key, taken)
        taken.add(key)
        new_keys.append(key)
        if key != f.key:
            keys.setdefault(f.key, key)
    new_fields: list[FormField] = []
    for f, key in zip(fields, new_keys, strict=True):
        copy = msgspec.structs.replace(f, id=mapping[f.id], key=key, ui=_deep_copy(f.ui))
        new_fields.append(_renamed(copy, keys) if keys else copy)

    def copy(item: LayoutItem) -> LayoutItem:
        nid = new_id()
        mapping[item.id] = nid
        field = mapping.get(item.field, item.field) if item.kind == LayoutKind.FIELD else item.field
        return msgspec.structs.replace(item, id=nid, field=field, title=dict(item.title),
                                       children=[copy(c) for c in item.children], ui=_deep_copy(item.ui))

    return [copy(i) for i in items], new_fields, mapping


def _renamed(field: FormField, keys: dict[str, str]) -> FormField:
    """The copy's expressions follow its copied siblings' new keys ("reason == 'x'" -> "reason_2 == 'x'")."""
    validators = [msgspec.structs.replace(v, value=rename_names(v.value, keys)) if v.kind == "expr" else v
                  for v in field.validators]
    return msgspec.structs.replace(
        field, required=rename_names(field.required, keys), read_only=rename_names(field.read_only, keys),
        visible_if=rename_names(field.visible_if, keys), default=rename_names(field.default, keys),
        validators=validators)


def _deep_copy(value: dict[str, object]) -> dict[str, object]:
    # Documents hold JSON only: a round trip through msgspec is a cheap exact deep copy.
    return msgspec.json.decode(msgspec.json.encode(value))  # type: ignore[no-any-return]
