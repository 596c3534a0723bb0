"""Import design documents straight into a stopped edge's store: IT's `admin import-design` and the demo.

Each document is validated as the designer's publish would (errors refuse the
import, naming them); a new design gets draft version 1, revision 1 and the live
alias; an existing one gets a new revision only when its content changed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from edge_server.contract import events as ev
from edge_server.contract.designs import LIVE, Document, EntryKind, FlowDoc
from edge_server.flows import flow_reads

_json = msgspec.json.Encoder()


class SeedError(ValueError):
    pass


@dataclass(frozen=True)
class Seeded:
    design_id: str
    revision: int  # 0: unchanged
    name: str


def load_document(path: Path) -> Document:
    try:
        return msgspec.json.decode(path.read_bytes(), type=Document)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as e:
        raise SeedError(f"{path}: not a design document: {e}") from e


def parse_binding(text: str) -> tuple[str, str]:
    kind, sep, key = text.partition(":")
    if not sep or not key or kind not in {k.value for k in EntryKind}:
        raise SeedError(f"binding {text!r}: use KIND:KEY with KIND one of {', '.join(k.value for k in EntryKind)}")
    return kind, key


async def seed_designs(store: Any, docs: Sequence[Document], bindings: Sequence[tuple[str, str, str]] = (),
                       *, by: str = "admin", message: str = "imported", now_ms: int) -> list[Seeded]:
    """Publish ``docs`` (live) and set ``bindings`` (entry kind, entry key, design id)."""
    from edge_server.flows.canonical import content_hash
    from edge_server.flows.validate import has_errors, validate

    have = await store.read(flow_reads.design_heads)
    events: list[ev.Event] = []
    out: list[Seeded] = []
    for doc in docs:
        problems = validate(doc)
        if has_errors(problems):
            listed = "; ".join(f"{p.code} {p.element_id}: {p.message}" for p in problems if p.severity == "error")
            raise SeedError(f"{doc.name}: {listed}")
        digest = content_hash(doc)
        draft, latest, latest_hash = have.get(doc.id, (0, 0, ""))
        if latest and latest_hash == digest:
            out.append(Seeded(doc.id, 0, doc.name))
            continue
        body = _json.encode(doc).decode()
        kind = "flow" if isinstance(doc, FlowDoc) else "form"
        channel = doc.channel.value if isinstance(doc, FlowDoc) else ""
        events += [
            ev.DesignDraftSaved(ts_ms=now_ms, design_id=doc.id, kind=kind, name=doc.name, draft_version=draft + 1,
                                document=body, content_hash=digest, channel=channel, by=by),
            ev.DesignPublished(ts_ms=now_ms, design_id=doc.id, number=latest + 1, document=body,
                               content_hash=digest, message=message, by=by),
            ev.DesignAliasSet(ts_ms=now_ms, design_id=doc.id, alias=LIVE, revision=latest + 1, by=by),
        ]
        out.append(Seeded(doc.id, latest + 1, doc.name))
    known = set(have) | {d.id for d in docs}
    for kind, key, design_id in bindings:
        if design_id not in known:
            raise SeedError(f"binding {kind}:{key}: no design {design_id!r}")
        events.append(ev.DesignBindingSet(ts_ms=now_ms, entry_kind=kind, entry_key=key, design_id=design_id, by=by))
    if events:
        await store.append(events)
    return out
