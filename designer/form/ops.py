"""Edits of a FormDoc's layout tree in place: find, insert, remove, move (no Qt).

The undo commands (commands.py) are thin wrappers over these; every operation here
has an exact inverse, so undo gives back the document byte for byte (fields keep
their positions in ``doc.fields`` too).
"""
from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field

import msgspec

from edge_server.contract.designs import FormDoc, FormField, LayoutItem, LayoutKind
from edge_server.flows.validate import FORM_CHILDREN

#: The parent id of pages (they live in ``doc.pages``, not in a layout item).
ROOT = ""

#: What each container may hold: the structure rules validate.py enforces (LAYOUT_INVALID), plus the root
#: (the form itself) that holds pages.
ALLOWED: dict[str, frozenset[LayoutKind]] = {ROOT: frozenset({LayoutKind.PAGE}),
                                             **{k: v for k, v in FORM_CHILDREN.items() if v}}
CONTAINERS = frozenset(k for k in ALLOWED if k != ROOT)


def can_contain(parent_kind: str, child_kind: LayoutKind) -> bool:
    return child_kind in ALLOWED.get(parent_kind, frozenset())


def clone_doc(doc: FormDoc) -> FormDoc:
    return msgspec.json.decode(msgspec.json.encode(doc), type=FormDoc)


def walk(items: list[LayoutItem], parent_id: str = ROOT) -> Iterator[tuple[str, LayoutItem]]:
    """(parent id, item) for every item, depth first in layout order."""
    for item in items:
        yield parent_id, item
        yield from walk(item.children, item.id)


def find(doc: FormDoc, item_id: str) -> tuple[str, int, LayoutItem] | None:
    """(parent id, index among its siblings, item) or None."""
    for parent_id, item in walk(doc.pages):
        if item.id == item_id:
            return parent_id, children_of(doc, parent_id).index(item), item
    return None


def item_by_id(doc: FormDoc, item_id: str) -> LayoutItem | None:
    found = find(doc, item_id)
    return found[2] if found else None


def children_of(doc: FormDoc, parent_id: str) -> list[LayoutItem]:
    if parent_id == ROOT:
        return doc.pages
    parent = item_by_id(doc, parent_id)
    if parent is None:
        raise KeyError(parent_id)
    return parent.children


def kind_of(doc: FormDoc, item_id: str) -> str:
    if item_id == ROOT:
        return ROOT
    item = item_by_id(doc, item_id)
    return item.kind if item is not None else ""


def field_ids_under(item: LayoutItem) -> list[str]:
    return [i.field for _, i in walk([item]) if i.kind == LayoutKind.FIELD and i.field]


def is_within(doc: FormDoc, item_id: str, ancestor_id: str) -> bool:
    """Whether ``item_id`` is ``ancestor_id`` or lies inside it."""
    ancestor = item_by_id(doc, ancestor_id)
    return ancestor is not None and any(i.id == item_id for _, i in walk([ancestor]))


def layout_item_of_field(doc: FormDoc, field_id: str) -> LayoutItem | None:
    return next((i for _, i in walk(doc.pages) if i.kind == LayoutKind.FIELD and i.field == field_id), None)


def field_by_id(doc: FormDoc, field_id: str) -> FormField | None:
    return next((f for f in doc.fields if f.id == field_id), None)


@dataclass
class Removed:
    """What remove() took out, enough to put it back exactly."""

    parent_id: str
    index: int
    item: LayoutItem
    fields: list[tuple[int, FormField]] = field(default_factory=list)  # (index in doc.fields, field)


def insert(doc: FormDoc, parent_id: str, index: int, item: LayoutItem,
           fields: list[tuple[int, FormField]] | list[FormField]) -> None:
    """Insert ``item`` (with its fields: new ones appended, or (index, field) pairs put back where they were)."""
    siblings = children_of(doc, parent_id)
    siblings.insert(max(0, min(index, len(siblings))), item)
    for f in fields:
        if isinstance(f, tuple):
            doc.fields.insert(f[0], f[1])
        else:
            doc.fields.append(f)


def remove(doc: FormDoc, item_id: str) -> Removed:
    found = find(doc, item_id)
    if found is None:
        raise KeyError(item_id)
    parent_id, index, item = found
    del children_of(doc, parent_id)[index]
    gone = set(field_ids_under(item))
    taken = [(i, f) for i, f in enumerate(doc.fields) if f.id in gone]
    for i, _f in reversed(taken):
        del doc.fields[i]
    return Removed(parent_id, index, item, taken)


def move(doc: FormDoc, item_id: str, parent_id: str, index: int) -> tuple[str, int]:
    """Move an item (fields stay); ``index`` counts the new siblings without the item. Returns the old place."""
    found = find(doc, item_id)
    if found is None:
        raise KeyError(item_id)
    old_parent, old_index, item = found
    del children_of(doc, old_parent)[old_index]
    siblings = children_of(doc, parent_id)
    siblings.insert(max(0, min(index, len(siblings))), item)
    return old_parent, old_index


def snapshot(value: object) -> object:
    """A deep copy of a property value (lists of options/validators are mutable structs)."""
    return copy.deepcopy(value)
