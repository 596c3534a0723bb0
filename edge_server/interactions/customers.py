"""Customers: identity matching, cards, the cross-channel timeline, search, merge and split.

The edge is the single writer: every change is an event appended to the store;
reads run in the store process (customer_reads.py). ``resolve`` is the channels'
entry (H1's interactions service calls it for every new contact); the rest are
the desktop's requests (``routes``). After a change, the agents with an open
interaction of that customer get a ``customer_changed`` push.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from edge_server.contract import events as ev
from edge_server.contract import interactions as ci
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message
from edge_server.interactions import customer_reads as reads
from edge_server.interactions.canned import CannedService
from edge_server.interactions.customer_claims import Claims
from edge_server.interactions.identities import DEFAULT_REGION, as_pairs, normalise_all, parse_phone
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.agents.directory import Directory
    from edge_server.store import Store

log = logging.getLogger("sb.customers")

MAX_NAME_CHARS = 200
MAX_NOTES_CHARS = 10_000
MAX_TAGS = 50
MAX_TAG_CHARS = 64
MAX_ATTRIBUTES = 100
MAX_TIMELINE_PAGE = 200
#: The FTS index is rebuilt at most this often (a rebuild over millions of messages takes seconds).
FTS_MIN_AGE_S = 30.0

_NOT_DIGITS = re.compile(r"[\s()\-.+/]")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class InteractionsPort(Protocol):
    """What H1's interactions service gives us (either method may be sync or async)."""

    def open_interactions_of(self, customer_id: str) -> Any: ...  # list[InteractionInfo] (or awaitable)

    def relink(self, interaction_id: str, customer_id: str, by: str) -> Any: ...  # None (or awaitable)


class PushSink(Protocol):
    def push(self, session_id: str, body: Message) -> int: ...


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _invalid(message: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.INVALID_ARGUMENT, message)


def _clean_tags(tags: Sequence[str]) -> list[str]:
    out: list[str] = []
    for t in tags:
        t = t.strip()
        if not t:
            continue
        if len(t) > MAX_TAG_CHARS:
            raise _invalid(f"tag longer than {MAX_TAG_CHARS} characters: {t[:40]!r}")
        if t.lower() not in (o.lower() for o in out):
            out.append(t)
    if len(out) > MAX_TAGS:
        raise _invalid(f"at most {MAX_TAGS} tags per customer, got {len(out)}")
    return out


def _check_fields(name: str | None, notes: str | None, attributes: dict[str, str] | None) -> None:
    if name is not None and len(name) > MAX_NAME_CHARS:
        raise _invalid(f"name longer than {MAX_NAME_CHARS} characters")
    if notes is not None and len(notes) > MAX_NOTES_CHARS:
        raise _invalid(f"notes longer than {MAX_NOTES_CHARS} characters")
    if attributes is not None and len(attributes) > MAX_ATTRIBUTES:
        raise _invalid(f"at most {MAX_ATTRIBUTES} attributes per customer")


class CustomerService:
    """Build with the store and directory; ``attach`` the bus and the interactions service once they exist."""

    def __init__(
        self,
        store: Store,
        directory: Directory,
        *,
        now_ms: Callable[[], int] = wall_ms,
        default_region: str = DEFAULT_REGION,
        fts_min_age_s: float = FTS_MIN_AGE_S,
    ) -> None:
        self._store = store
        self._dir = directory
        self._now_ms = now_ms
        self.region = default_region
        self._fts_min_age_ms = int(fts_min_age_s * 1000)
        self._claims = Claims(lambda: store.applied_seq)
        # Human-speed writes (create, update, merge, split, link) one at a time: each reads the state
        # its checks need after the previous one appended (Store.read is read-your-writes).
        self._write_lock = asyncio.Lock()
        self._bus: PushSink | None = None
        self._interactions: InteractionsPort | None = None
        self._fts_task: asyncio.Task[reads.FtsStatus] | None = None
        self._fts_tried_ms = 0
        self.canned = CannedService(store, directory, now_ms=now_ms)
        self.routes: dict[str, Callable[[Any, Any, str], Awaitable[Message]]] = {
            "get_customer": self._get_customer,
            "get_timeline": self._get_timeline,
            "get_transcript": self._get_transcript,
            "search_customers": self._search_customers,
            "create_customer": self._create_customer,
            "update_customer": self._update_customer,
            "link_customer": self._link_customer,
            "merge_customers": self._merge_customers,
            "split_customer": self._split_customer,
            "get_customer_audit": self._get_customer_audit,
            **self.canned.routes,
        }

    def attach(self, bus: PushSink, interactions: InteractionsPort | None) -> None:
        """The bus for customer_changed pushes; H1's service for relink and open interactions."""
        self._bus = bus
        self._interactions = interactions

    async def close(self) -> None:
        """Wait for a running full-text rebuild's answer (it cannot be stopped mid-way in DuckDB)."""
        task, self._fts_task = self._fts_task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, StoreError):
                pass

    # --- the channels' API --------------------------------------------------------------

    def normalise(self, identities: list[ci.Identity]) -> list[ci.Identity]:
        """Normalised (E.164 phones, lower-case e-mail), duplicates dropped; INVALID_ARGUMENT names a bad one."""
        return normalise_all(identities, region=self.region)

    async def resolve(self, identities: list[ci.Identity], *, name: str = "", by: str = "") -> tuple[str, bool]:
        """(customer_id, created): the owner of any of ``identities`` (merges followed), linking the
        unowned ones to it; a new customer with all of them when none is known."""
        ids = self.normalise(identities)
        if not ids:
            raise _invalid("resolve needs at least one identity")
        pairs = as_pairs(ids)
        with self._claims.operation():
            # Not waiting for the database to catch up: every identity written but not yet applied
            # is in the claims (kept until applied), so a stale answer is completed by them.
            owners = {(o.kind, o.value): o.customer_id
                      for o in await self._read(reads.identity_owners, pairs, fresh=False)}
            # Decide and append without an await in between: the claims stay consistent.
            current = {k: self._claims.owner(k) or (self._claims.final(owners[k]) if k in owners else None)
                       for k in pairs}
            chosen = next((cid for cid in current.values() if cid), None)
            now = self._now_ms()
            created = chosen is None
            if chosen is None:
                chosen = uuid.uuid4().hex
                events: list[ev.Event] = [ev.CustomerCreated(ts_ms=now, customer_id=chosen, name=name[:MAX_NAME_CHARS],
                                                             identities=pairs, by=by)]
                new_keys = pairs
            else:
                # Identities owned by another customer stay there: a supervisor merges if they are one person.
                new_keys = [k for k in pairs if current[k] is None]
                events = [ev.IdentityLinked(ts_ms=now, customer_id=chosen, kind=k, value=v, by=by) for k, v in new_keys]
            pending = self._append(events) if events else None
            self._claims.claim(new_keys, chosen, self._store.appended_seq)
        if pending is not None:
            await self._wait(pending)
        if created:
            log.info("new customer %s from %s", chosen, ", ".join(f"{k}:{v}" for k, v in pairs))
        elif new_keys:
            await self._push_changed([chosen])
        return chosen, created

    async def card(self, customer_id: str) -> ci.CustomerCard | None:
        """The customer's card (the survivor's if it was merged); None if unknown."""
        return await self._read(reads.customer_card, customer_id, True)

    async def view(self, customer_id: str, timeline_limit: int = 20) -> ci.CustomerView | None:
        """Card and newest timeline entries in one store round trip."""
        limit = max(0, min(timeline_limit, MAX_TIMELINE_PAGE))
        return await self._read(reads.customer_view, customer_id, limit)

    # --- requests -------------------------------------------------------------------------

    async def _get_customer(self, conn: Any, body: ci.GetCustomer, username: str) -> ci.CustomerView:
        found = await self.view(body.customer_id, body.timeline_limit)
        if found is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no customer {body.customer_id!r}")
        return found

    async def _get_timeline(self, conn: Any, body: ci.GetTimeline, username: str) -> ci.Timeline:
        limit = max(1, min(body.limit, MAX_TIMELINE_PAGE))
        return await self._read(reads.timeline, body.customer_id, max(0, body.before_ms), limit, body.before_id)

    async def _get_transcript(self, conn: Any, body: ci.GetTranscript, username: str) -> ci.Transcript:
        found = await self._read(reads.transcript, body.interaction_id)
        if found is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {body.interaction_id!r}")
        return found

    async def _get_customer_audit(self, conn: Any, body: ci.GetCustomerAudit, username: str) -> ci.CustomerAudit:
        return ci.CustomerAudit(entries=await self._read(reads.customer_audit, body.customer_id))

    async def search(self, query: str, limit: int = 50) -> list[ci.CustomerHit]:
        text = " ".join(query.split())
        if not text:
            return []
        q = self._classify(text, max(1, min(limit, 200)))
        hits = await self._read(reads.search_customers, q)
        if q.fts:
            self._maybe_refresh_fts()
        return hits

    async def _search_customers(self, conn: Any, body: ci.SearchCustomers, username: str) -> ci.CustomerList:
        return ci.CustomerList(hits=await self.search(body.query, body.limit))

    def _classify(self, text: str, limit: int) -> reads.SearchQuery:
        if text.lower().startswith("tag:"):
            return reads.SearchQuery(text=text, limit=limit, tag=text[4:].strip(), fts=False)
        digits = _NOT_DIGITS.sub("", text)
        return reads.SearchQuery(
            text=text,
            limit=limit,
            phone=parse_phone(text, region=self.region) or "",
            digits=digits if digits.isdigit() and len(digits) >= 4 else "",
            email=text.lower() if "@" in text else "",
        )

    def _maybe_refresh_fts(self) -> None:
        """Start a rebuild of the static FTS index in the store process when it may be stale (the store
        decides: messages changed, index old enough); searches meanwhile scan what is newer than it."""
        now = self._now_ms()
        if self._fts_tried_ms and now - self._fts_tried_ms < self._fts_min_age_ms:
            return
        if self._fts_task is not None and not self._fts_task.done():
            return
        self._fts_tried_ms = now
        self._fts_task = asyncio.get_running_loop().create_task(
            self._read(reads.start_fts_rebuild, self._fts_min_age_ms, now), name="customers-fts")
        self._fts_task.add_done_callback(_log_fts_result)

    async def refresh_fts(self, *, force: bool = False, poll_s: float = 0.05) -> reads.FtsStatus:
        """Rebuild the full-text index now if stale (``force``: if messages changed at all) and wait for it."""
        before = await self._read(reads.fts_status)
        await self._read(reads.start_fts_rebuild, 0 if force else self._fts_min_age_ms, self._now_ms())
        while (status := await self._read(reads.fts_status)).busy:
            await asyncio.sleep(poll_s)
        rebuilt = status.built_ms != before.built_ms or status.messages != before.messages
        return reads.FtsStatus(rebuilt=rebuilt, messages=status.messages, high_water_ts=status.high_water_ts,
                               built_ms=status.built_ms, took_ms=status.took_ms)

    async def _create_customer(self, conn: Any, body: ci.CreateCustomer, username: str) -> ci.CustomerCard:
        _check_fields(body.name, body.notes, body.attributes)
        tags = _clean_tags(body.tags)
        ids = self.normalise(body.identities)
        pairs = as_pairs(ids)
        async with self._write_lock:
            with self._claims.operation():
                await self._refuse_owned(pairs, None)
                customer_id = uuid.uuid4().hex
                pending = self._append([ev.CustomerCreated(
                    ts_ms=self._now_ms(), customer_id=customer_id, name=body.name.strip(), tier=body.tier.strip(),
                    vip=body.vip, tags=tags, notes=body.notes, attributes=dict(body.attributes),
                    identities=pairs, by=username,
                )])
                self._claims.claim(pairs, customer_id, self._store.appended_seq)
            await self._wait(pending)
        if body.interaction_id:
            await self._relink(body.interaction_id, customer_id, username)
        log.info("%s created customer %s", username, customer_id)
        return await self._card_or_404(customer_id)

    async def _update_customer(self, conn: Any, body: ci.UpdateCustomer, username: str) -> ci.CustomerCard:
        _check_fields(body.name, body.notes, body.attributes)
        tags = _clean_tags(body.tags) if body.tags is not None else None
        ids = self.normalise(body.add_identities)
        async with self._write_lock:
            with self._claims.operation():
                card = await self._card_or_404(body.customer_id)
                cid = card.customer_id  # the survivor when it was merged
                have = {(i.kind.value, i.value) for i in card.identities}
                new_pairs = [p for p in as_pairs(ids) if p not in have]
                await self._refuse_owned(new_pairs, cid)
                now = self._now_ms()
                events: list[ev.Event] = []
                fields = {
                    "name": body.name.strip() if body.name is not None else None,
                    "tier": body.tier.strip() if body.tier is not None else None,
                    "vip": body.vip, "tags": tags, "notes": body.notes,
                    "attributes": dict(body.attributes) if body.attributes is not None else None,
                }
                if any(v is not None for v in fields.values()):
                    events.append(ev.CustomerUpdated(ts_ms=now, customer_id=cid, by=username, **fields))
                events += [ev.IdentityLinked(ts_ms=now, customer_id=cid, kind=k, value=v, by=username)
                           for k, v in new_pairs]
                pending = self._append(events) if events else None
                self._claims.claim(new_pairs, cid, self._store.appended_seq)
            if pending is not None:
                await self._wait(pending)
        if events:
            await self._push_changed([cid])
        return await self._card_or_404(cid)

    async def _link_customer(self, conn: Any, body: ci.LinkCustomer, username: str) -> ci.CustomerCard:
        card = await self._card_or_404(body.customer_id)
        await self._relink(body.interaction_id, card.customer_id, username)
        await self._push_changed([card.customer_id])
        return card

    async def _merge_customers(self, conn: Any, body: ci.MergeCustomers, username: str) -> ci.CustomerCard:
        if body.survivor_id == body.merged_id:
            raise _invalid("a customer cannot be merged into itself")
        async with self._write_lock:
            with self._claims.operation():
                survivor = await self._read(reads.customer_card, body.survivor_id, False)
                merged = await self._read(reads.customer_card, body.merged_id, False)
                for cid, card in ((body.survivor_id, survivor), (body.merged_id, merged)):
                    if card is None:
                        raise SwitchboardError(ErrorCode.NOT_FOUND, f"no customer {cid!r}")
                    if card.merged_into or self._claims.final(cid) != cid:
                        raise SwitchboardError(
                            ErrorCode.CONFLICT,
                            f"customer {cid} was already merged into {card.merged_into or self._claims.final(cid)}",
                            customer_id=card.merged_into,
                        )
                pending = self._append([ev.CustomersMerged(ts_ms=self._now_ms(), survivor_id=body.survivor_id,
                                                          merged_id=body.merged_id, by=username,
                                                          reason=body.reason)])
                self._claims.merged(body.merged_id, body.survivor_id)
                assert merged is not None
                self._claims.claim([(i.kind.value, i.value) for i in merged.identities], body.survivor_id, self._store.appended_seq)
            await self._wait(pending)
        log.info("%s merged customer %s into %s", username, body.merged_id, body.survivor_id)
        # Open interactions of the merged customer now belong to the survivor: tell the live state.
        for info in await self._open_of(body.merged_id):
            await self._relink(info.interaction_id, body.survivor_id, username)
        await self._push_changed([body.survivor_id])
        return await self._card_or_404(body.survivor_id)

    async def _split_customer(self, conn: Any, body: ci.SplitCustomer, username: str) -> ci.CustomerCard:
        ids = self.normalise(body.identities)
        if not ids:
            raise _invalid("a split needs at least one identity to move")
        pairs = as_pairs(ids)
        async with self._write_lock:
            with self._claims.operation():
                source = await self._read(reads.customer_card, body.customer_id, False)
                if source is None:
                    raise SwitchboardError(ErrorCode.NOT_FOUND, f"no customer {body.customer_id!r}")
                if source.merged_into:
                    raise SwitchboardError(ErrorCode.CONFLICT, f"customer {source.customer_id} was merged into "
                                           f"{source.merged_into}; split that one", customer_id=source.merged_into)
                have = {(i.kind.value, i.value) for i in source.identities}
                foreign = [f"{k}:{v}" for k, v in pairs if (k, v) not in have]
                if foreign:
                    raise _invalid(f"customer {source.customer_id} has no identity {', '.join(foreign)}")
                if set(pairs) == have:
                    raise _invalid("a split must leave the customer at least one identity")
                moved = await self._read(reads.interactions_on_identities, source.customer_id, pairs)
                new_id = uuid.uuid4().hex
                pending = self._append([ev.CustomerSplit(
                    ts_ms=self._now_ms(), source_id=source.customer_id, new_id=new_id, identities=pairs,
                    interaction_ids=moved, by=username, name=body.name.strip(), reason=body.reason,
                )])
                self._claims.claim(pairs, new_id, self._store.appended_seq)
            await self._wait(pending)
        log.info("%s split %d identities and %d interactions of %s into %s", username, len(pairs), len(moved),
                 source.customer_id, new_id)
        moved_set = set(moved)
        for info in await self._open_of(source.customer_id):
            if info.interaction_id in moved_set:
                await self._relink(info.interaction_id, new_id, username)
        await self._push_changed([source.customer_id, new_id])
        return await self._card_or_404(new_id)

    # --- helpers ---------------------------------------------------------------------------

    async def _refuse_owned(self, pairs: list[tuple[str, str]], allowed: str | None) -> None:
        """CONFLICT naming the owner when an identity belongs to a customer other than ``allowed``."""
        owners = {(o.kind, o.value): o.customer_id for o in await self._read(reads.identity_owners, pairs)}
        for key in pairs:
            owner = self._claims.owner(key) or (self._claims.final(owners[key]) if key in owners else None)
            if owner is not None and owner != allowed:
                raise SwitchboardError(
                    ErrorCode.CONFLICT,
                    f"{key[0]} {key[1]} belongs to customer {owner}: merge the two customers instead",
                    customer_id=owner, kind=key[0], value=key[1],
                )

    async def _card_or_404(self, customer_id: str) -> ci.CustomerCard:
        card = await self.card(customer_id)
        if card is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no customer {customer_id!r}")
        return card

    async def _read(self, fn: Callable[..., Any], *args: Any, fresh: bool = True) -> Any:
        try:
            return await self._store.read(fn, *args, fresh=fresh)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the customer database cannot be read: {e}") from e

    def _append(self, events: list[ev.Event]) -> asyncio.Future[int]:
        try:
            return self._store.append(events)
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e

    async def _wait(self, pending: asyncio.Future[int]) -> None:
        try:
            await pending
        except StoreError as e:
            log.critical("store refused customer events: %s", e)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e

    async def _relink(self, interaction_id: str, customer_id: str, by: str) -> None:
        if self._interactions is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "interactions are not served by this edge yet")
        await _maybe_await(self._interactions.relink(interaction_id, customer_id, by))

    async def _open_of(self, customer_id: str) -> list[ci.InteractionInfo]:
        if self._interactions is None:
            return []
        return list(await _maybe_await(self._interactions.open_interactions_of(customer_id)))

    async def _push_changed(self, customer_ids: Iterable[str]) -> None:
        """customer_changed to every agent with an open interaction of these customers."""
        if self._bus is None:
            return
        for cid in dict.fromkeys(customer_ids):
            infos = await self._open_of(cid)
            if not infos:
                continue
            card = await self.card(cid)
            if card is None:
                continue
            per_agent: dict[str, list[str]] = {}
            for info in infos:
                for p in info.participants:
                    per_agent.setdefault(p.username, []).append(info.interaction_id)
            for username, iids in per_agent.items():
                session = self._dir.session_of(username)
                if session is None:
                    continue
                try:
                    self._bus.push(session.session_id, ci.CustomerChanged(card=card, interaction_ids=iids))
                except SwitchboardError as e:  # the session ended between lookup and push
                    log.debug("customer_changed for %s not pushed: %s", username, e)


def _log_fts_result(task: asyncio.Task[reads.FtsStatus]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("full-text index rebuild failed: %s", exc, exc_info=exc)
