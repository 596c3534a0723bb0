"""The edge's design service: drafts, immutable revisions, aliases, bindings, simulation and traces.

Supervisors edit a design's one mutable draft (optimistic concurrency on
``draft_version``), publish immutable numbered revisions and point the ``live``
alias at one of them (rollback = repointing); bindings say which flow serves an
entry point and which form pops for a queue, always at the design's live
revision. Every change is journaled and durable before memory (design_cache.py)
and the reply change, so the flow runtime and the screen-pop only ever see what
survives a restart. Screen-pop forms at the desktop are in screen_forms.py.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from edge_server.contract import designs as cd
from edge_server.contract import events as ev
from edge_server.contract.designs import LIVE, EntryKind, FlowDoc, FormDoc
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message
from edge_server.flows import design_reads
from edge_server.flows.canonical import content_hash
from edge_server.flows.design_cache import DesignCache, DesignRecord, Revision
from edge_server.flows.diff import diff_documents
from edge_server.flows.interaction_access import check_access
from edge_server.flows.screen_forms import ScreenForms
from edge_server.flows.simulate import SIMULATION_TIMEOUT_S, simulate
from edge_server.flows.validate import has_errors, validate
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.agents.directory import Directory
    from edge_server.bus.server import BusServer
    from edge_server.interactions.customers import CustomerService
    from edge_server.interactions.service import InteractionService
    from edge_server.store import Store
    from edge_server.work.service import WorkService

log = logging.getLogger("sb.designs")

#: Largest document accepted (encoded JSON): ~1,000 nodes with prompts in two languages fit in well under this.
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_MESSAGE_CHARS = 500
#: The web widget's entry point when a site does not name its own.
DEFAULT_WEBCHAT_ENTRY = "default"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")
_ALIAS = re.compile(r"^[a-z][a-z0-9_\-]{0,31}$")
_json = msgspec.json.Encoder()

Route = Callable[[Any, Any, str], Awaitable[Message]]


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def _not_found(design_id: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.NOT_FOUND, f"no design {design_id!r}", design_id=design_id)


def _problems_detail(problems: list[cd.Problem]) -> list[Any]:
    return msgspec.to_builtins(problems)  # type: ignore[no-any-return]


class DesignService:
    """Build after the interactions service; ``await load()``, then hand ``routes`` to the AgentService."""

    def __init__(self, store: Store, directory: Directory, work: WorkService, customers: CustomerService,
                 interactions: InteractionService, *, now_ms: Callable[[], int] = wall_ms) -> None:
        self._store = store
        self._dir = directory
        self._work = work  # not read yet: the flow integration asks it about queues through this service later
        self._interactions = interactions
        self._now_ms = now_ms
        self._cache = DesignCache()
        self._bus: BusServer | None = None  # no design pushes in the contract yet; designers poll list_designs
        # Entry points besides web chat's default (cloud channel accounts), for the designer's pickers.
        self._entries: list[tuple[str, str]] = [(EntryKind.WEBCHAT.value, DEFAULT_WEBCHAT_ENTRY)]
        # Human-speed writes one at a time: each checks its preconditions against the state the
        # previous one left (memory changes only after the append is durable).
        self._write_lock = asyncio.Lock()
        self.forms = ScreenForms(store, directory, customers, interactions, self, now_ms=now_ms)
        self.routes: dict[str, Route] = {
            "list_designs": self._list_designs,
            "get_design": self._get_design,
            "save_draft": self._save_draft,
            "validate_design": self._validate_design,
            "publish_design": self._publish_design,
            "list_revisions": self._list_revisions,
            "set_alias": self._set_alias,
            "diff_revisions": self._diff_revisions,
            "list_bindings": self._list_bindings,
            "set_binding": self._set_binding,
            "get_ref_catalog": self._get_ref_catalog,
            "run_simulation": self._run_simulation,
            "get_flow_trace": self._get_flow_trace,
            **self.forms.routes,
        }

    async def load(self) -> None:
        """Read designs, revisions, aliases and bindings from the store."""
        try:
            state = await self._store.read(design_reads.design_state)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"designs cannot be read: {e}") from e
        self._cache = DesignCache.from_state(state)
        for rec in self._cache.designs.values():
            if rec.live:  # decoded now, so the first chat after a start does not pay for it
                self._cache.revision(rec.design_id, rec.live)
        log.info("designs loaded: %d designs, %d revisions, %d bindings", len(state.designs),
                 len(state.revisions), len(state.bindings))

    def attach(self, bus: BusServer) -> None:
        self._bus = bus

    def add_entries(self, entries: Iterable[tuple[str, str]]) -> None:
        """Entry points the site has configured ((channel, account) of cloud channels), for the catalog."""
        known = {k.value for k in EntryKind} - {EntryKind.QUEUE_FORM.value}
        for kind, key in entries:
            if kind in known and (kind, key) not in self._entries:
                self._entries.append((kind, key))

    # --- used by the flow integration and the screen-pop -------------------------------------

    def live_flow(self, entry_kind: str, entry_key: str) -> tuple[str, int, FlowDoc] | None:
        """(design id, revision, document) of the flow bound to the entry at its live alias now."""
        design_id = self._cache.bound(str(entry_kind), entry_key)
        if not design_id or str(entry_kind) == EntryKind.QUEUE_FORM:
            return None
        found = self._cache.live_document(design_id)
        if found is None or not isinstance(found[1], FlowDoc):
            return None
        return design_id, found[0], found[1]

    def flow_revision(self, design_id: str, revision: int) -> FlowDoc | None:
        """A published revision of a flow (a running execution keeps the revision it started on)."""
        doc = self._cache.revision(design_id, revision)
        return doc if isinstance(doc, FlowDoc) else None

    def form_revision(self, design_id: str, revision: int) -> FormDoc | None:
        doc = self._cache.revision(design_id, revision)
        return doc if isinstance(doc, FormDoc) else None

    def live_form(self, queue: str) -> tuple[str, int, FormDoc] | None:
        """(design id, revision, document) of the form that pops for the queue, at its live alias now."""
        design_id = self._cache.bound(EntryKind.QUEUE_FORM.value, queue)
        found = self._cache.live_document(design_id) if design_id else None
        if found is None or not isinstance(found[1], FormDoc):
            return None
        return design_id, found[0], found[1]

    def catalog(self) -> cd.RefCatalog:
        """What documents may refer to: queues, skills, forms, flows and entry points."""
        d = self._dir
        queues = [cd.RefItem(key=q.queue, name_en=q.name_en, name_zh=q.name_zh)
                  for q in sorted(d.queues.values(), key=lambda q: q.queue)]
        skills = [cd.RefItem(key=s.skill, name_en=s.name_en, name_zh=s.name_zh)
                  for s in sorted(d.skills.values(), key=lambda s: s.skill)]
        designs = sorted(self._cache.designs.values(), key=lambda r: r.design_id)
        forms = [cd.RefItem(key=r.design_id, name_en=r.name, name_zh=r.name) for r in designs if r.kind == "form"]
        flows = [cd.RefItem(key=r.design_id, name_en=r.name, name_zh=r.name) for r in designs if r.kind == "flow"]
        seen = list(self._entries)
        for kind, key in self._cache.bindings:
            if kind != EntryKind.QUEUE_FORM and (kind, key) not in seen:
                seen.append((kind, key))
        entries = [cd.Binding(entry_kind=EntryKind(k), entry_key=key) for k, key in seen]
        return cd.RefCatalog(queues=queues, skills=skills, forms=forms, flows=flows, entries=entries)

    # --- documents -------------------------------------------------------------------------------

    async def _list_designs(self, conn: Any, req: cd.ListDesigns, user: str) -> cd.DesignList:
        if req.kind not in ("", "flow", "form"):
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "kind is '', 'flow' or 'form'")
        items = [r.summary() for r in sorted(self._cache.designs.values(), key=lambda r: r.name.lower())
                 if not req.kind or r.kind == req.kind]
        return cd.DesignList(items=items)

    async def _get_design(self, conn: Any, req: cd.GetDesign, user: str) -> cd.DesignDetail:
        rec = self._record(req.design_id)
        if req.revision:
            rev = rec.revisions.get(req.revision)
            doc = self._cache.revision(req.design_id, req.revision)
            if rev is None or doc is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"design {req.design_id!r} has no revision {req.revision}",
                                       design_id=req.design_id, revision=req.revision)
            digest = rev.info.content_hash
        else:
            doc = self._cache.draft(req.design_id)
            assert doc is not None
            digest = rec.draft_hash
        return cd.DesignDetail(summary=rec.summary(), document=doc, revision=req.revision, content_hash=digest,
                               problems=(await self._check(doc))[0])

    async def _save_draft(self, conn: Any, req: cd.SaveDraft, user: str) -> cd.DraftSaved:
        doc = req.document
        design_id = doc.id
        if not _ID.match(design_id):
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "a design id is 1-128 letters, digits, '_', '-' or "
                                   "'.', starting with a letter or digit", design_id=design_id)
        text = _json.encode(doc)
        if len(text) > MAX_DOCUMENT_BYTES:
            raise SwitchboardError(ErrorCode.TOO_LARGE, f"the document is {len(text)} bytes; at most "
                                   f"{MAX_DOCUMENT_BYTES} are accepted", size=len(text), limit=MAX_DOCUMENT_BYTES)
        kind = "flow" if isinstance(doc, FlowDoc) else "form"
        problems, digest = await self._check(doc)
        json_text = text.decode()
        async with self._write_lock:
            rec = self._cache.designs.get(design_id)
            if rec is not None and rec.draft_json == json_text:
                # Byte-identical to the stored draft (a retried save whose reply was lost, or Save with
                # nothing changed): nothing to write, whatever version the client thought it had.
                return cd.DraftSaved(summary=rec.summary(), problems=problems)
            if rec is None and req.base_version != 0:
                raise _not_found(design_id)
            if rec is not None and req.base_version == 0:
                raise SwitchboardError(ErrorCode.CONFLICT, f"a design {design_id!r} exists already",
                                       design_id=design_id, current_version=rec.draft_version,
                                       updated_by=rec.updated_by)
            if rec is not None and rec.kind != kind:
                raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"design {design_id!r} is a {rec.kind}; "
                                       f"its kind cannot change", design_id=design_id)
            if rec is not None and req.base_version != rec.draft_version:
                raise SwitchboardError(
                    ErrorCode.CONFLICT,
                    f"{rec.updated_by or 'someone'} saved version {rec.draft_version} of this design after the "
                    f"version {req.base_version} you edited; reload it and apply your changes again",
                    design_id=design_id, current_version=rec.draft_version, updated_by=rec.updated_by)
            version = (rec.draft_version if rec is not None else 0) + 1
            now = self._now()
            channel = doc.channel.value if isinstance(doc, FlowDoc) else ""
            await self._append([ev.DesignDraftSaved(
                ts_ms=now, design_id=design_id, kind=kind, name=doc.name, draft_version=version,
                document=json_text, content_hash=digest, channel=channel, by=user)])
            if rec is None:
                rec = DesignRecord(design_id=design_id, kind=kind, name=doc.name, channel=channel,
                                   draft_version=version, draft_json=json_text, draft_hash=digest,
                                   updated_ms=now, updated_by=user)
                self._cache.designs[design_id] = rec
            else:
                rec.name, rec.channel, rec.draft_version = doc.name, channel, version
                rec.draft_json, rec.draft_hash, rec.updated_ms, rec.updated_by = json_text, digest, now, user
        log.info("%s saved draft %d of %s %s", user, version, kind, design_id)
        return cd.DraftSaved(summary=rec.summary(), problems=problems)

    async def _validate_design(self, conn: Any, req: cd.ValidateDesign, user: str) -> cd.ValidationResult:
        problems, digest = await self._check(req.document)
        return cd.ValidationResult(problems=problems, content_hash=digest)

    async def _publish_design(self, conn: Any, req: cd.PublishDesign, user: str) -> cd.RevisionInfo:
        message = req.message.strip()
        if not message:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "say what changed: a publish needs a message")
        if len(message) > MAX_MESSAGE_CHARS:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"the message is longer than {MAX_MESSAGE_CHARS} "
                                   f"characters")
        async with self._write_lock:
            rec = self._record(req.design_id)
            if req.draft_version != rec.draft_version:
                raise SwitchboardError(
                    ErrorCode.CONFLICT,
                    f"the draft is at version {rec.draft_version} (saved by {rec.updated_by or 'someone'}), not the "
                    f"version {req.draft_version} you reviewed; reload before publishing",
                    design_id=rec.design_id, current_version=rec.draft_version, updated_by=rec.updated_by)
            doc = self._cache.draft(rec.design_id)
            assert doc is not None
            problems, _ = await self._check(doc)
            if has_errors(problems):
                errors = [p for p in problems if p.severity == cd.Severity.ERROR]
                raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                       f"the design has {len(errors)} error(s); fix them before publishing",
                                       problems=_problems_detail(problems))
            latest = rec.revisions.get(rec.latest)
            if latest is not None and latest.info.content_hash == rec.draft_hash:
                raise SwitchboardError(ErrorCode.CONFLICT, f"nothing changed since revision {rec.latest}",
                                       design_id=rec.design_id, revision=rec.latest)
            now = self._now()
            info = cd.RevisionInfo(design_id=rec.design_id, number=rec.latest + 1, content_hash=rec.draft_hash,
                                   message=message, by=user, ts_ms=now)
            events: list[ev.Event] = [ev.DesignPublished(
                ts_ms=now, design_id=rec.design_id, number=info.number, document=rec.draft_json,
                content_hash=info.content_hash, message=message, by=user)]
            if req.make_live:  # same batch: a crash cannot leave a published revision half made live
                events.append(ev.DesignAliasSet(ts_ms=now, design_id=rec.design_id, alias=LIVE,
                                                revision=info.number, by=user))
            await self._append(events)
            rec.revisions[info.number] = Revision(info, rec.draft_json)
            if req.make_live:
                rec.aliases[LIVE] = info.number
                self._cache.revision(rec.design_id, info.number)  # decode once here, not on the next chat
        log.info("%s published %s revision %d%s: %s", user, rec.design_id, info.number,
                 " (live)" if req.make_live else "", message)
        return info

    async def _list_revisions(self, conn: Any, req: cd.ListRevisions, user: str) -> cd.RevisionList:
        return self._revision_list(self._record(req.design_id))

    async def _set_alias(self, conn: Any, req: cd.SetAlias, user: str) -> cd.RevisionList:
        if not _ALIAS.match(req.alias):
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "an alias is 1-32 lower-case letters, digits, "
                                   "'_' or '-'", alias=req.alias)
        async with self._write_lock:
            rec = self._record(req.design_id)
            if req.revision not in rec.revisions:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"design {rec.design_id!r} has no revision "
                                       f"{req.revision}", design_id=rec.design_id, revision=req.revision)
            if rec.aliases.get(req.alias) != req.revision:
                await self._append([ev.DesignAliasSet(ts_ms=self._now(), design_id=rec.design_id, alias=req.alias,
                                                      revision=req.revision, by=user)])
                previous = rec.aliases.get(req.alias, 0)
                rec.aliases[req.alias] = req.revision
                self._cache.revision(rec.design_id, req.revision)
                log.info("%s pointed %s of %s at revision %d (was %d)", user, req.alias, rec.design_id,
                         req.revision, previous)
        return self._revision_list(rec)

    async def _diff_revisions(self, conn: Any, req: cd.DiffRevisions, user: str) -> cd.DesignDiff:
        rec = self._record(req.design_id)
        docs = []
        for number in (req.from_revision, req.to_revision):
            doc = self._cache.revision(rec.design_id, number) if number else self._cache.draft(rec.design_id)
            if doc is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"design {rec.design_id!r} has no revision {number}",
                                       design_id=rec.design_id, revision=number)
            docs.append(doc)
        return cd.DesignDiff(design_id=rec.design_id, from_revision=req.from_revision, to_revision=req.to_revision,
                             changes=diff_documents(docs[0], docs[1]))

    # --- bindings and references ----------------------------------------------------------------

    async def _list_bindings(self, conn: Any, req: cd.ListBindings, user: str) -> cd.BindingList:
        return cd.BindingList(items=self._cache.binding_list())

    async def _set_binding(self, conn: Any, req: cd.SetBinding, user: str) -> cd.BindingList:
        b = req.binding
        kind, key = b.entry_kind.value, b.entry_key.strip()
        if not key or len(key) > 256:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "an entry key is 1-256 characters")
        if b.entry_kind == EntryKind.QUEUE_FORM and key not in self._dir.queues:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no queue {key!r}", queue=key)
        async with self._write_lock:
            if b.design_id:
                rec = self._record(b.design_id)
                wanted = "form" if b.entry_kind == EntryKind.QUEUE_FORM else "flow"
                if rec.kind != wanted:
                    raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"a {kind} entry takes a {wanted}; "
                                           f"{rec.design_id!r} is a {rec.kind}", design_id=rec.design_id)
                if not rec.live:
                    raise SwitchboardError(ErrorCode.CONFLICT, f"{rec.design_id!r} has no live revision: publish "
                                           f"it first", design_id=rec.design_id)
            if self._cache.bound(kind, key) != b.design_id:
                await self._append([ev.DesignBindingSet(ts_ms=self._now(), entry_kind=kind, entry_key=key,
                                                        design_id=b.design_id, by=user)])
                # Durable now: the next chat on this entry (or pop for this queue) uses it, no restart.
                if b.design_id:
                    self._cache.bindings[(kind, key)] = b.design_id
                else:
                    self._cache.bindings.pop((kind, key), None)
                log.info("%s bound %s %r to %s", user, kind, key, b.design_id or "nothing")
        return cd.BindingList(items=self._cache.binding_list())

    async def _get_ref_catalog(self, conn: Any, req: cd.GetRefCatalog, user: str) -> cd.RefCatalog:
        return self.catalog()

    # --- simulation and traces -------------------------------------------------------------------

    async def _run_simulation(self, conn: Any, req: cd.RunSimulation, user: str) -> cd.SimulationResult:
        language = req.test.contact.get("language", "") or "zh-CN"
        try:
            # simulate() stops the flow itself after its own 5 s and reports FAILED with the path so far;
            # this cap is the backstop that keeps a bug there from holding the request for ever.
            async with asyncio.timeout(SIMULATION_TIMEOUT_S + 1.0):
                return await simulate(req.document, req.test, language=language)
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the simulation ran longer than {SIMULATION_TIMEOUT_S:g} s; "
                                   f"look for a loop waiting on input the test does not give") from e

    async def _get_flow_trace(self, conn: Any, req: cd.GetFlowTrace, user: str) -> cd.FlowTrace:
        await check_access(self._interactions, req.interaction_id, user, write=False)
        try:
            executions = await self._store.read(design_reads.flow_trace, req.interaction_id)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"flow traces cannot be read: {e}") from e
        return cd.FlowTrace(executions=executions)

    # --- helpers -----------------------------------------------------------------------------------

    def _record(self, design_id: str) -> DesignRecord:
        rec = self._cache.designs.get(design_id)
        if rec is None:
            raise _not_found(design_id)
        return rec

    @staticmethod
    def _revision_list(rec: DesignRecord) -> cd.RevisionList:
        items = [rec.revisions[n].info for n in sorted(rec.revisions, reverse=True)]
        return cd.RevisionList(design_id=rec.design_id, items=items, aliases=dict(rec.aliases))

    async def _check(self, doc: FlowDoc | FormDoc) -> tuple[list[cd.Problem], str]:
        """Problems (against the catalog) and content hash of ``doc``, off the event loop.

        A 1,000-node flow takes ~35 ms to validate and ~25 ms to hash here: in a thread, the chats
        the loop serves meanwhile wait for GIL slices (~5 ms) instead of the whole 60 ms.
        """
        catalog = self.catalog()
        return await asyncio.to_thread(lambda: (validate(doc, catalog), content_hash(doc)))

    def _now(self) -> int:
        return int(self._now_ms())

    async def _append(self, events: list[ev.Event]) -> None:
        try:
            await self._store.append(events)
        except StoreError as e:
            log.critical("store refused design events: %s", e)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e
