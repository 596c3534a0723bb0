"""Canonical JSON of a document and its semantic content hash.

The hash names what a revision *does*: moving a node, resizing a field, saved
test cases and annotation positions leave it unchanged (so "publish" of a mere
re-layout is recognisably a no-op); any change to behaviour or wording changes it.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import msgspec

from edge_server.contract.designs import FlowDoc, FormDoc

Document = FlowDoc | FormDoc


def _strip(value: Any) -> Any:
    """Drop every "ui" key at any depth (layout only)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "ui"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def canonical_builtins(doc: Document) -> dict[str, Any]:
    """The document as plain JSON values without ui blocks and saved tests (what the hash covers)."""
    data = msgspec.to_builtins(doc)
    assert isinstance(data, dict)
    data.pop("tests", None)
    # to_builtins applies the structs' omit_defaults rule, so a field that holds its default is left
    # out whether the JSON spelled it or not: both spellings hash alike.
    return _strip(data)  # type: ignore[no-any-return]


def canonical_json(doc: Document) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes), no ui blocks, no tests."""
    text = json.dumps(canonical_builtins(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return text.encode("utf-8")


def content_hash(doc: Document) -> str:
    """``sha256:<64 hex>`` over canonical_json(doc)."""
    return "sha256:" + hashlib.sha256(canonical_json(doc)).hexdigest()
