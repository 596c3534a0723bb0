"""The edge's in-memory picture of designs: drafts, revisions, aliases and bindings.

Loaded once from the store, then changed by the design service only after its
events are durable, so what flows and screen-pops read here is always on disk.
Revision documents are immutable: their JSON stays in memory and decoded
documents are cached (a chat entry looks its live flow up on every new chat;
decoding a large flow each time would cost milliseconds). Documents handed out
are shared: callers must treat them as read-only.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import msgspec

from edge_server.contract.designs import (
    LIVE,
    Binding,
    DesignSummary,
    Document,
    EntryKind,
    FlowDoc,
    FormDoc,
    RevisionInfo,
)
from edge_server.flows.design_reads import DesignState

_decoder: msgspec.json.Decoder[Document] = msgspec.json.Decoder(Document)  # type: ignore[arg-type]
#: Decoded revision documents kept besides the live ones (older revisions: traces, diffs, late form submits).
DECODED_CACHE = 128


def decode_document(text: str | bytes) -> FlowDoc | FormDoc:
    return _decoder.decode(text)


@dataclass
class Revision:
    info: RevisionInfo
    json: str  # the frozen document


@dataclass
class DesignRecord:
    design_id: str
    kind: str  # flow | form
    name: str
    channel: str
    draft_version: int
    draft_json: str
    draft_hash: str
    updated_ms: int
    updated_by: str
    revisions: dict[int, Revision] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)

    @property
    def latest(self) -> int:
        return max(self.revisions, default=0)

    @property
    def live(self) -> int:
        return self.aliases.get(LIVE, 0)

    def summary(self) -> DesignSummary:
        live = self.revisions.get(self.live)
        return DesignSummary(
            design_id=self.design_id, kind=self.kind, name=self.name,  # type: ignore[arg-type]
            channel=self.channel, draft_version=self.draft_version, draft_hash=self.draft_hash,
            latest_revision=self.latest, live_revision=self.live,
            live_hash=live.info.content_hash if live is not None else "", updated_ms=self.updated_ms,
            updated_by=self.updated_by)


class DesignCache:
    def __init__(self) -> None:
        self.designs: dict[str, DesignRecord] = {}
        self.bindings: dict[tuple[str, str], str] = {}  # (entry kind, entry key) -> design id
        self._decoded: OrderedDict[tuple[str, int], FlowDoc | FormDoc] = OrderedDict()

    @classmethod
    def from_state(cls, state: DesignState) -> DesignCache:
        cache = cls()
        for d in state.designs:
            cache.designs[d.design_id] = DesignRecord(
                design_id=d.design_id, kind=d.kind, name=d.name, channel=d.channel,
                draft_version=d.draft_version, draft_json=d.draft_doc, draft_hash=d.draft_hash,
                updated_ms=d.updated_ms, updated_by=d.updated_by)
        for r in state.revisions:
            rec = cache.designs.get(r.design_id)
            if rec is not None:  # a revision without its design cannot happen through the service
                rec.revisions[r.number] = Revision(
                    RevisionInfo(design_id=r.design_id, number=r.number, content_hash=r.content_hash,
                                 message=r.message, by=r.by, ts_ms=r.ts_ms), r.doc)
        for a in state.aliases:
            rec = cache.designs.get(a.design_id)
            if rec is not None:
                rec.aliases[a.alias] = a.revision
        for b in state.bindings:
            cache.bindings[(b.entry_kind, b.entry_key)] = b.design_id
        return cache

    # --- documents -----------------------------------------------------------------

    def draft(self, design_id: str) -> FlowDoc | FormDoc | None:
        rec = self.designs.get(design_id)
        return None if rec is None else decode_document(rec.draft_json)  # a fresh copy: drafts get edited

    def revision(self, design_id: str, number: int) -> FlowDoc | FormDoc | None:
        key = (design_id, number)
        doc = self._decoded.get(key)
        if doc is not None:
            self._decoded.move_to_end(key)
            return doc
        rec = self.designs.get(design_id)
        rev = rec.revisions.get(number) if rec is not None else None
        if rev is None:
            return None
        doc = decode_document(rev.json)
        self._decoded[key] = doc
        while len(self._decoded) > DECODED_CACHE:
            self._decoded.popitem(last=False)
        return doc

    def live_document(self, design_id: str) -> tuple[int, FlowDoc | FormDoc] | None:
        rec = self.designs.get(design_id)
        if rec is None or not rec.live:
            return None
        doc = self.revision(design_id, rec.live)
        return None if doc is None else (rec.live, doc)

    # --- bindings --------------------------------------------------------------------

    def bound(self, entry_kind: str, entry_key: str) -> str:
        return self.bindings.get((entry_kind, entry_key), "")

    def binding_list(self) -> list[Binding]:
        return [Binding(entry_kind=EntryKind(k), entry_key=key, design_id=d)
                for (k, key), d in sorted(self.bindings.items())]
