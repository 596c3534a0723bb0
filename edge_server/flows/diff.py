"""What changed between two revisions of a document, element by element (matched by id).

The supervisor reads it in the history dialog before a rollback, so summaries say what
changed in words: ``label: 'Menu' -> 'Main menu'``, ``exit timeout: n3 -> n5``. A change
of position only is "moved" (it does not change the content hash).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from edge_server.contract.designs import DiffEntry, FlowDoc, FormDoc, LayoutItem

MAX_VALUE = 60  # characters of one old/new value in a summary
MAX_SUMMARY = 240

_FLOW_DOC_KEYS = ("name", "channel", "description", "locales", "entry", "format_version")
_FORM_DOC_KEYS = ("name", "description", "locales", "format_version")


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        text = json.dumps(msgspec.to_builtins(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def _cap(summary: str) -> str:
    return summary if len(summary) <= MAX_SUMMARY else summary[:MAX_SUMMARY - 1] + "…"


def _changes(old: Mapping[str, Any], new: Mapping[str, Any], keys: Iterable[str], prefix: str = "") -> list[str]:
    out = []
    for k in keys:
        a, b = old.get(k), new.get(k)
        if a != b:
            if isinstance(a, Mapping) and isinstance(b, Mapping) and k in ("config",):
                out += _changes(a, b, sorted(set(a) | set(b)), prefix=f"{k}.")
            else:
                out.append(f"{prefix}{k}: {_show(a)} -> {_show(b)}")
    return out


def _plain(obj: Any) -> dict[str, Any]:
    # Every field, defaults included (to_builtins would omit them: "type: (none) -> ..." reads badly).
    return {f: msgspec.to_builtins(getattr(obj, f)) for f in obj.__struct_fields__}


def _semantic_keys(a: Mapping[str, Any], b: Mapping[str, Any], skip: Sequence[str]) -> list[str]:
    ordered = list(a) + [k for k in b if k not in a]
    return [k for k in ordered if k not in skip]


def _by_id(items: Sequence[Any], key: str = "id") -> dict[str, Any]:
    return {getattr(x, key): x for x in items}


def _elements(kind: str, old: Sequence[Any], new: Sequence[Any], path: str, *, key: str = "id",
              describe: Any = None, exits: bool = False) -> list[DiffEntry]:
    """added / removed / changed / rewired / moved entries for one list of elements."""
    out: list[DiffEntry] = []
    a_by, b_by = _by_id(old, key), _by_id(new, key)
    a_pos = {getattr(x, key): i for i, x in enumerate(old)}
    for i, item in enumerate(new):
        eid = getattr(item, key)
        here = f"{path}/{i}"
        if eid not in a_by:
            out.append(DiffEntry(element_id=eid, change="added", element_kind=kind, path=here,
                                 summary=_cap(describe(item) if describe else "")))
            continue
        a, b = _plain(a_by[eid]), _plain(item)
        skip = ["ui", "exits"] if exits else ["ui"]
        changed = _changes(a, b, _semantic_keys(a, b, skip))
        if changed:
            out.append(DiffEntry(element_id=eid, change="changed", element_kind=kind, path=here,
                                 summary=_cap("; ".join(changed))))
        rewired = False
        if exits:
            ea, eb = a.get("exits", {}), b.get("exits", {})
            for name in list(ea) + [n for n in eb if n not in ea]:
                if ea.get(name) != eb.get(name):
                    rewired = True
                    out.append(DiffEntry(element_id=eid, change="rewired", element_kind=kind,
                                         path=f"{here}/exits/{name}",
                                         summary=_cap(f"exit {name}: {ea.get(name) or '(none)'} -> "
                                                      f"{eb.get(name) or '(none)'}")))
        if not changed and not rewired and a.get("ui", {}) != b.get("ui", {}):
            out.append(DiffEntry(element_id=eid, change="moved", element_kind=kind, path=here,
                                 summary=_cap(_moved(a.get("ui", {}), b.get("ui", {})))))
    for item in old:
        eid = getattr(item, key)
        if eid not in b_by:
            out.append(DiffEntry(element_id=eid, change="removed", element_kind=kind,
                                 path=f"{path}/{a_pos[eid]}", summary=_cap(describe(item) if describe else "")))
    return out


def _moved(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    if {"x", "y"} <= set(a) and {"x", "y"} <= set(b):
        return f"position: ({a['x']:g}, {a['y']:g}) -> ({b['x']:g}, {b['y']:g})"
    return "layout: " + "; ".join(_changes(a, b, sorted(set(a) | set(b))))


def _document(kind_keys: Sequence[str], a: FlowDoc | FormDoc, b: FlowDoc | FormDoc) -> list[DiffEntry]:
    da, db = _plain(a), _plain(b)
    return [DiffEntry(element_id=b.id, change="changed", element_kind="document", path=f"/{k}",
                      summary=_cap(f"{k}: {_show(da.get(k))} -> {_show(db.get(k))}"))
            for k in kind_keys if da.get(k) != db.get(k)]


def _flatten(pages: Sequence[LayoutItem]) -> tuple[list[LayoutItem], dict[str, tuple[str, int]], dict[str, str]]:
    """Layout items in document order, each item's (parent id, index), and its JSON pointer."""
    items: list[LayoutItem] = []
    where: dict[str, tuple[str, int]] = {}
    paths: dict[str, str] = {}

    def walk(children: Sequence[LayoutItem], parent: str, path: str) -> None:
        for i, c in enumerate(children):
            items.append(c)
            where[c.id] = (parent, i)
            paths[c.id] = f"{path}/{i}"
            walk(c.children, c.id, f"{path}/{i}/children")

    walk(pages, "", "/pages")
    return items, where, paths


def _layout(a: FormDoc, b: FormDoc) -> list[DiffEntry]:
    ia, wa, pa = _flatten(a.pages)
    ib, wb, pb = _flatten(b.pages)
    a_by = _by_id(ia)
    out: list[DiffEntry] = []

    def describe(item: LayoutItem) -> str:
        title = item.title.get("en") or item.title.get("zh-CN") or ""
        extra = f" field {item.field}" if item.field else ""
        return f"{item.kind.value} '{title}'{extra}" if title else f"{item.kind.value}{extra}"

    for item in ib:
        if item.id not in a_by:
            out.append(DiffEntry(element_id=item.id, change="added", element_kind="layout", path=pb[item.id],
                                 summary=_cap(describe(item))))
            continue
        old = a_by[item.id]
        keys = ("kind", "title", "field")
        changed = _changes(_plain(old), _plain(item), keys)
        if changed:
            out.append(DiffEntry(element_id=item.id, change="changed", element_kind="layout", path=pb[item.id],
                                 summary=_cap("; ".join(changed))))
        if wa[item.id][0] != wb[item.id][0]:
            out.append(DiffEntry(element_id=item.id, change="moved", element_kind="layout", path=pb[item.id],
                                 summary=_cap(f"parent: {wa[item.id][0] or '(top)'} -> {wb[item.id][0] or '(top)'}")))
        elif wa[item.id][1] != wb[item.id][1]:
            out.append(DiffEntry(element_id=item.id, change="moved", element_kind="layout", path=pb[item.id],
                                 summary=f"order: {wa[item.id][1] + 1} -> {wb[item.id][1] + 1}"))
        elif not changed and old.ui != item.ui:
            out.append(DiffEntry(element_id=item.id, change="moved", element_kind="layout", path=pb[item.id],
                                 summary=_cap(_moved(old.ui, item.ui))))
    b_ids = {x.id for x in ib}
    for item in ia:
        if item.id not in b_ids:
            out.append(DiffEntry(element_id=item.id, change="removed", element_kind="layout", path=pa[item.id],
                                 summary=_cap(describe(item))))
    return out


def diff_documents(a: FlowDoc | FormDoc, b: FlowDoc | FormDoc) -> list[DiffEntry]:
    """Changes from ``a`` (older) to ``b`` (newer); [] when they are the same document content and layout."""
    if isinstance(a, FlowDoc) and isinstance(b, FlowDoc):
        return [
            *_document(_FLOW_DOC_KEYS, a, b),
            *_elements("variable", a.variables, b.variables, "/variables", key="name",
                       describe=lambda v: f"{v.type} variable '{v.name}'"),
            *_elements("node", a.nodes, b.nodes, "/nodes", exits=True,
                       describe=lambda n: f"{n.type} '{n.label}'" if n.label else n.type),
            *_elements("annotation", a.annotations, b.annotations, "/annotations",
                       describe=lambda x: _show(x.text)),
            *_elements("test", a.tests, b.tests, "/tests", describe=lambda t: f"test '{t.name}'"),
        ]
    if isinstance(a, FormDoc) and isinstance(b, FormDoc):
        return [
            *_document(_FORM_DOC_KEYS, a, b),
            *_elements("field", a.fields, b.fields, "/fields",
                       describe=lambda f: f"{f.type.value} field '{f.key}'"),
            *_layout(a, b),
        ]
    return [DiffEntry(element_id=b.id, change="changed", element_kind="document", path="/kind",
                      summary=f"kind: {type(a).__name__} -> {type(b).__name__}")]
