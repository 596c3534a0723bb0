"""The interactions service: one lifecycle for every channel, chat, participants, attachments.

An interaction is one customer contact; its id is the routing task id of its first
leg, later legs (transfers) are ``<interaction_id>.<n>``. Every change is an event
journaled (and awaited) before the caller gets its answer; changes caused by routing
(offered, connected, wrap-up, closed) are journaled in the same batch as the routing
input that caused them (``journal_extra``, a WorkService listener). Live state sits
in memory on the edge loop; closed interactions leave memory (the store has them).

Channels (web chat, later WeChat...) call the channel API below; agents reach the
same operations through ``routes`` (see ``agent_routes.py``).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from edge_server.contract import events as ev
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import (
    Attachment,
    AuthorKind,
    Channel,
    ChatMessage,
    CustomerCard,
    DeliveryChanged,
    Identity,
    InteractionInfo,
    InteractionInvite,
    InteractionState,
    Participant,
    ParticipantRole,
    TypingChanged,
)
from edge_server.contract.messages import AgentState, Message, Role
from edge_server.interactions import reads
from edge_server.interactions.attachments import AttachmentFiles
from edge_server.interactions.identities import normalise_all
from edge_server.interactions.live import ACTIVE_STATES, Live
from edge_server.routing import decisions as dec
from edge_server.routing import events as rev
from edge_server.work.service import A_INTERACTION

if TYPE_CHECKING:
    from edge_server.agents.directory import Directory
    from edge_server.bus.server import BusServer
    from edge_server.config import InteractionsSection
    from edge_server.store import Store
    from edge_server.work.service import WorkService

log = logging.getLogger("sb.interactions")

#: Closed interactions remembered for rating and attachment look-ups without a store read.
_RECENT_CLOSED = 10_000
#: Role prefix of a pending invite in ParticipantChanged / the participants table ("invited:consult").
INVITED = "invited:"
#: The line the customer sees when their agent logged out and the chat goes back to the queue.
AGENT_LEFT_TEXT = "agent left, you are being transferred"


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class ChannelSink(Protocol):
    """A channel registers one per channel name; called on the edge loop, must not block."""

    def deliver(self, interaction_id: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None: ...


class CustomerDirectory(Protocol):
    """What this service needs from H2's CustomerService."""

    def resolve(self, identities: list[Identity], *, name: str = "", by: str = "") -> Any: ...  # (id, created)

    async def card(self, customer_id: str) -> CustomerCard | None: ...


class FlowHostPort(Protocol):
    """What the service asks of the flow host (edge_server/flows/host.py): is an entry served by a
    flow, start it on the first message, feed it the customer's messages, tell it the customer left."""

    def has_flow(self, entry_kind: str, entry_key: str) -> bool: ...

    def opened(self, info: InteractionInfo, entry_kind: str, entry_key: str, contact: dict[str, str]) -> None: ...

    def customer_said(self, interaction_id: str, text: str) -> None: ...

    def customer_left(self, interaction_id: str) -> None: ...


class InteractionService:
    def __init__(
        self,
        directory: Directory,
        store: Store,
        work: WorkService,
        customers: CustomerDirectory,
        config: InteractionsSection,
        data_dir: Path,
        *,
        now_ms: Any = wall_ms,
    ) -> None:
        self._dir = directory
        self._store = store
        self._work = work
        self._customers = customers
        self._cfg = config
        self._now_ms = now_ms
        self._bus: BusServer | None = None
        self._live: dict[str, Live] = {}
        self._by_task: dict[str, str] = {}  # task id of a current leg -> interaction id
        self._sinks: dict[str, ChannelSink] = {}
        self._dirty: dict[str, set[str]] = {}  # interaction id -> agents to tell besides participants
        self._closed: OrderedDict[str, bool] = OrderedDict()  # recently closed id -> rated
        self._attachments: dict[str, tuple[str, Attachment]] = {}  # attachment id -> (interaction, attachment)
        # (interaction, seq) of messages whose append is not durable yet. Readers (a visitor's resume, an
        # agent's get_interaction) must not see them: after a crash their seq goes to another message,
        # and a client that kept the first one under that seq would never show the second.
        self._unsaved: set[tuple[str, int]] = set()
        self.files = AttachmentFiles(data_dir / "attachments", max_bytes=config.max_attachment_bytes,
                                     types=list(config.attachment_types))
        self._flows: FlowHostPort | None = None
        work.add_listener(self)
        from edge_server.interactions.agent_routes import AgentRoutes

        self.routes = AgentRoutes(self).routes

    def attach(self, bus: BusServer) -> None:
        self._bus = bus

    # --- small accessors (also used by agent_routes) -------------------------------

    @property
    def directory(self) -> Directory:
        return self._dir

    @property
    def work(self) -> WorkService:
        return self._work

    @property
    def store(self) -> Store:
        return self._store

    @property
    def config(self) -> InteractionsSection:
        return self._cfg

    def now(self) -> int:
        return int(self._now_ms())

    def live(self, interaction_id: str) -> Live | None:
        return self._live.get(interaction_id)

    def live_all(self) -> list[Live]:
        return list(self._live.values())

    def display_name(self, username: str) -> str:
        u = self._dir.users.get(username)
        return u.display_name if u else username

    def is_supervisor(self, username: str) -> bool:
        u = self._dir.users.get(username)
        return u is not None and u.role.allows(Role.SUPERVISOR)

    # --- the channel API -----------------------------------------------------------

    def set_flow_host(self, host: FlowHostPort | None) -> None:
        self._flows = host

    def has_flow(self, entry_kind: str, entry_key: str = "default") -> bool:
        """A published flow serves this entry point (the bot answers even with no agent logged in)."""
        return self._flows is not None and self._flows.has_flow(entry_kind, entry_key)

    def register_channel(self, channel: str, sink: ChannelSink) -> None:
        self._sinks[str(channel)] = sink

    def availability(self, queue: str) -> tuple[bool, int]:
        """(queue open, agents logged in and eligible for it)."""
        stats = self._work.engine.queue_stats(queue)
        qc = self._work.queue_config(queue)
        if stats is None or qc is None:
            return False, 0
        engine = self._work.engine
        n = 0
        for a in engine.config.agents:
            presence = engine.agent_presence(a.username)
            if presence is None or presence[0] == AgentState.LOGGED_OUT:
                continue
            if a.username in qc.agents or (a.team and a.team in qc.teams) or (
                qc.skills and all(a.skills.get(s, 0) >= lvl for s, lvl in qc.skills.items())
            ):
                n += 1
        return bool(stats.open), n

    async def open_interaction(
        self, *, channel: str, queue: str, identities: list[Identity], name: str = "", subject: str = "",
        attributes: dict[str, str] | None = None, language: str = "", entry_kind: str = "", entry_key: str = "default",
    ) -> InteractionInfo:
        """Open a conversation: through the flow bound to the entry point if there is one (``queue`` is then
        the fallback queue if the flow is interrupted), else straight into ``queue``."""
        if entry_kind and self.has_flow(entry_kind, entry_key):
            return await self._open_in_flow(channel=channel, queue=queue, identities=identities, name=name,
                                            subject=subject, attributes=attributes, language=language,
                                            entry_kind=entry_kind, entry_key=entry_key)
        is_open, agents = self.availability(queue)
        if not is_open or agents == 0:
            raise SwitchboardError(ErrorCode.UNAVAILABLE,
                                   "the queue is closed" if not is_open else "no agent is logged in",
                                   queue=queue, open=is_open, agents=agents)
        live, created = await self._new_live(channel=channel, queue=queue, identities=identities, name=name,
                                             subject=subject, attributes=attributes, language=language,
                                             state=InteractionState.QUEUED)
        iid = live.iid
        customer_id, customer_name = live.info.customer_id, live.info.customer_name
        attrs = {k: v for k, v in (attributes or {}).items() if not k.startswith("sb.")}
        attrs[A_INTERACTION] = iid
        try:
            result = await self._work.create_internal(
                queue=queue, task_id=iid, customer_name=customer_name, customer_id=customer_id, subject=subject,
                attributes=attrs, language=language, extra_events=created)
        except BaseException:
            self._forget(iid)
            raise
        if not result.accepted:  # raced with the queue closing: journal the end, tell the channel
            if iid in self._live:
                await self._journal([self._close_events(live, f"rejected:{result.reason}")])
                self.after_durable()
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the queue did not take the chat: {result.reason}",
                                   queue=queue)
        log.info("interaction %s opened on %s, queue %s, customer %s", iid, channel, queue, customer_id)
        return self._copy(live)

    async def _new_live(self, *, channel: str, queue: str, identities: list[Identity], name: str, subject: str,
                        attributes: dict[str, str] | None, language: str, state: InteractionState,
                        reason: str = "") -> tuple[Live, list[ev.Event]]:
        """A new interaction in memory (customer resolved) and the events that create it, not yet journaled."""
        identities = normalise_all(identities, region=self._cfg.default_region)
        customer_id, customer_name = await self._resolve(identities, name)
        iid = uuid.uuid4().hex
        now = self.now()
        ident_pairs = [(i.kind.value, i.value) for i in identities]
        info = InteractionInfo(interaction_id=iid, channel=Channel(channel), state=state, queue=queue,
                               customer_id=customer_id, customer_name=customer_name, subject=subject,
                               created_ms=now, task_id=iid)
        live = Live(info=info, identities=ident_pairs, attributes=dict(attributes or {}), language=language)
        self._live[iid] = live
        self._by_task[iid] = iid
        return live, [
            ev.InteractionCreated(ts_ms=now, interaction_id=iid, channel=str(channel), queue=queue,
                                  customer_id=customer_id, subject=subject, identities=ident_pairs,
                                  attributes=dict(attributes or {})),
            ev.InteractionStateChanged(ts_ms=now, interaction_id=iid, state=state.value, task_id=iid, reason=reason),
        ]

    async def _open_in_flow(self, *, channel: str, queue: str, identities: list[Identity], name: str, subject: str,
                            attributes: dict[str, str] | None, language: str, entry_kind: str,
                            entry_key: str) -> InteractionInfo:
        assert self._flows is not None
        live, created = await self._new_live(channel=channel, queue=queue, identities=identities, name=name,
                                             subject=subject, attributes=attributes, language=language,
                                             state=InteractionState.FLOW, reason=f"flow:{entry_kind}:{entry_key}")
        iid, customer_name = live.iid, live.info.customer_name
        try:
            await self._journal(created)
        except BaseException:
            self._forget(iid)
            raise
        self._dirty.pop(iid, None)
        contact = {"channel": str(channel), "from": live.identities[0][1] if live.identities else "", "to": entry_key,
                   "name": customer_name, "language": language or (attributes or {}).get("visitor_language", "")}
        self._flows.opened(self._copy(live), entry_kind, entry_key, contact)
        log.info("interaction %s opened on %s into the flow of %s:%s", iid, channel, entry_kind, entry_key)
        return self._copy(live)

    async def bot_message(self, interaction_id: str, text: str, *, author_name: str = "") -> ChatMessage:
        """A flow's message to the customer (greeting, menu, bot answer): in the transcript the agent sees."""
        live = self._require(interaction_id)
        return await self.post(live, author_kind=AuthorKind.BOT, author="bot", author_name=author_name, text=text,
                               private=False, client_msg_id="")

    async def route_from_flow(self, interaction_id: str, *, queue: str, priority: int = 0,
                              skills: dict[str, int] | None = None, preferred_agent: str = "",
                              attributes: dict[str, str] | None = None, check_available: bool = True) -> bool:
        """The flow hands the customer to a queue. False (nothing changes) when the queue is closed or
        nobody can serve it and ``check_available``; the flow then takes its ``unavailable`` exit."""
        live = self._require(interaction_id)
        if live.info.state != InteractionState.FLOW:
            raise SwitchboardError(ErrorCode.CONFLICT, "the conversation is not in a flow",
                                   state=live.info.state.value)
        if check_available:
            is_open, agents = self.availability(queue)
            if not is_open or agents == 0:
                return False
        now = self.now()
        live.info.queue = queue
        live.attributes.update(attributes or {})
        attrs = {k: v for k, v in live.attributes.items() if not k.startswith("sb.")}
        attrs[A_INTERACTION] = live.iid
        queued = self._set_state(live, InteractionState.QUEUED, now, reason="flow")
        queued.queue = queue
        agents_pref = (preferred_agent,) if preferred_agent and preferred_agent in self._dir.users else ()
        result = await self._work.create_internal(
            queue=queue, task_id=live.info.task_id, customer_name=live.info.customer_name,
            customer_id=live.info.customer_id, subject=live.info.subject, attributes=attrs,
            language=live.language, priority=priority, skills=skills or None, preferred_agents=agents_pref,
            extra_events=[queued])
        if not result.accepted:
            live.info.state = InteractionState.FLOW
            await self._journal([self._set_state(live, InteractionState.FLOW, self.now(),
                                                 reason=f"rejected:{result.reason}")])
            self._dirty.pop(live.iid, None)
            return False
        self.after_durable()
        log.info("interaction %s routed by its flow to %s", live.iid, queue)
        return True

    async def end_from_flow(self, interaction_id: str, reason: str) -> None:
        """The flow ended the conversation (an end node, a message left, a failure with nowhere to go)."""
        live = self._live.get(interaction_id)
        if live is None or live.info.state == InteractionState.CLOSED:
            return
        await self._journal(self._close_events(live, reason))
        self.after_durable()

    def flow_interactions(self) -> list[InteractionInfo]:
        """Open interactions still in a flow (after a restart: their flows died with the old process)."""
        return [self._copy(v) for v in self._live.values() if v.info.state == InteractionState.FLOW]

    async def customer_message(self, interaction_id: str, *, client_msg_id: str, text: str,
                               attachments: Sequence[Attachment] = ()) -> ChatMessage:
        live = self._require(interaction_id)
        hit = await self._repeat(live, client_msg_id)
        if hit is not None:
            return hit
        if live.info.state not in ACTIVE_STATES:
            raise SwitchboardError(ErrorCode.CONFLICT, "the conversation has ended", state=live.info.state.value)
        msg = await self.post(live, author_kind=AuthorKind.CUSTOMER, author=live.info.customer_id,
                              author_name=live.info.customer_name, text=text, private=False,
                              client_msg_id=client_msg_id, attachments=list(attachments))
        if live.info.state == InteractionState.FLOW and self._flows is not None:
            self._flows.customer_said(live.iid, text)
        return msg

    async def store_attachment(self, interaction_id: str, *, name: str, content_type: str, data: bytes,
                               by: str = "customer") -> Attachment:
        self._require(interaction_id)
        att = await self.files.store_whole(name, content_type, data)
        await self.journal_attachment(interaction_id, att, by)
        return att

    async def journal_attachment(self, interaction_id: str, att: Attachment, by: str) -> None:
        await self._journal([ev.AttachmentStored(
            ts_ms=self.now(), attachment_id=att.attachment_id, interaction_id=interaction_id, name=att.name,
            content_type=att.content_type, size=att.size, sha256=att.sha256, by=by)])
        self._attachments[att.attachment_id] = (interaction_id, att)

    def attachment_path(self, attachment_id: str) -> tuple[Attachment, Path] | None:
        hit = self._attachments.get(attachment_id)
        if hit is None:
            return None
        return hit[1], self.files.path_of(hit[1].sha256)

    async def find_attachment(self, attachment_id: str) -> tuple[str, Attachment] | None:
        hit = self._attachments.get(attachment_id)
        if hit is not None:
            return hit
        row = await self._store.read(reads.attachment_row, attachment_id)
        return None if row is None else (row.interaction_id, row.attachment)

    def customer_typing(self, interaction_id: str, typing: bool) -> None:
        live = self._live.get(interaction_id)
        if live is None:
            return
        if live.typing_off is not None:
            live.typing_off.cancel()
            live.typing_off = None
        if typing:  # a widget that vanishes never says "off": expire it
            live.typing_off = asyncio.get_running_loop().call_later(
                self._cfg.customer_typing_timeout_s, self.customer_typing, interaction_id, False)
        self._push_agents(live, TypingChanged(interaction_id=interaction_id, author_kind=AuthorKind.CUSTOMER,
                                              author=live.info.customer_id, typing=typing))

    async def customer_read(self, interaction_id: str, seq: int) -> None:
        live = self._live.get(interaction_id)
        if live is None:
            return
        await self.mark_read(live, "customer", seq)

    def customer_presence(self, interaction_id: str, online: bool) -> None:
        live = self._live.get(interaction_id)
        if live is None or live.info.customer_online == online:
            return
        live.info.customer_online = online
        self._push_agents(live, self._copy(live))

    async def customer_left(self, interaction_id: str) -> None:
        live = self._live.get(interaction_id)
        if live is None or live.customer_left:
            return
        state = live.info.state
        if state in (InteractionState.CREATED, InteractionState.FLOW, InteractionState.QUEUED,
                     InteractionState.OFFERED):
            live.customer_left = True
            live.info.customer_online = False
            if state == InteractionState.FLOW and self._flows is not None:
                self._flows.customer_left(live.iid)
            if not await self._work.cancel_internal(live.info.task_id, "abandoned"):
                await self._journal([self._close_events(live, "abandoned")])
                self.after_durable()
            return
        live.customer_left = True
        live.info.customer_online = False
        if state == InteractionState.CONNECTED:
            await self.post(live, author_kind=AuthorKind.SYSTEM, author="", author_name="",
                            text="customer left", private=False, client_msg_id="")
        self._push_agents(live, self._copy(live))

    async def rate(self, interaction_id: str, score: int, comment: str = "") -> None:
        if not 1 <= score <= 5:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "the rating is 1..5", score=score)
        if len(comment) > self._cfg.max_message_chars:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "the comment is too long")
        live = self._live.get(interaction_id)
        if live is not None:
            if live.info.state in ACTIVE_STATES:
                raise SwitchboardError(ErrorCode.CONFLICT, "rate once the chat has ended")
            rated = live.rated
        elif interaction_id in self._closed:
            rated = self._closed[interaction_id]
        else:
            row = await self._store.read(reads.interaction_row, interaction_id)
            if row is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {interaction_id!r}")
            if row.state != InteractionState.CLOSED.value:
                raise SwitchboardError(ErrorCode.CONFLICT, "rate once the chat has ended")
            rated = row.rating > 0
        if rated:
            raise SwitchboardError(ErrorCode.CONFLICT, "this chat is rated already")
        if live is not None:
            live.rated = True
        else:
            self._closed[interaction_id] = True
        await self._journal([ev.InteractionRated(ts_ms=self.now(), interaction_id=interaction_id, score=score,
                                                 comment=comment)])

    async def messages_after(self, interaction_id: str, after_seq: int) -> list[ChatMessage]:
        """The customer's view: no internal notes."""
        live = self._live.get(interaction_id)
        if live is not None:
            return [mm for mm in live.messages if mm.seq > after_seq and not mm.private and self._saved(mm)]
        return await self._store.read(reads.transcript, interaction_id, after_seq, False)

    async def transcript(self, interaction_id: str, after_seq: int) -> list[ChatMessage]:
        """The agents' view, private notes included (newest 500 at most)."""
        live = self._live.get(interaction_id)
        if live is not None:
            out = [mm for mm in live.messages if mm.seq > after_seq and self._saved(mm)]
            return out[-reads.MAX_TRANSCRIPT:]
        return await self._store.read(reads.transcript, interaction_id, after_seq, True)

    def info(self, interaction_id: str) -> InteractionInfo | None:
        live = self._live.get(interaction_id)
        return None if live is None else self._copy(live)

    async def find_open(self, identity: Identity) -> InteractionInfo | None:
        norm = normalise_all([identity], region=self._cfg.default_region)[0]
        key = (norm.kind.value, norm.value)
        found = [lv for lv in self._live.values() if key in lv.identities]
        if not found:
            return None
        return self._copy(max(found, key=lambda lv: lv.info.created_ms))

    async def leave_offline_message(self, *, channel: str, queue: str, identities: list[Identity], name: str,
                                    text: str) -> InteractionInfo:
        self._check_text(text, has_attachments=False)
        identities = normalise_all(identities, region=self._cfg.default_region)
        customer_id, customer_name = await self._resolve(identities, name)
        iid = uuid.uuid4().hex
        now = self.now()
        pairs = [(i.kind.value, i.value) for i in identities]
        await self._journal([
            ev.InteractionCreated(ts_ms=now, interaction_id=iid, channel=str(channel), queue=queue,
                                  customer_id=customer_id, identities=pairs),
            ev.MessageAdded(ts_ms=now, interaction_id=iid, seq=1, message_id=uuid.uuid4().hex,
                            author_kind=AuthorKind.CUSTOMER.value, author=customer_id, author_name=customer_name,
                            text=text),
            ev.WrapUpRecorded(ts_ms=now, interaction_id=iid, agent="", disposition="offline_message",
                              follow_up=True),
            ev.InteractionStateChanged(ts_ms=now, interaction_id=iid, state=InteractionState.CLOSED.value,
                                       reason="offline_message"),
        ])
        self._remember_closed(iid)
        return InteractionInfo(interaction_id=iid, channel=Channel(channel), state=InteractionState.CLOSED,
                               queue=queue, customer_id=customer_id, customer_name=customer_name, created_ms=now,
                               last_seq=1, customer_online=False)

    # --- for H2 (customers) --------------------------------------------------------------

    async def relink(self, interaction_id: str, customer_id: str, by: str) -> None:
        live = self._live.get(interaction_id)
        await self._journal([ev.InteractionCustomerLinked(ts_ms=self.now(), interaction_id=interaction_id,
                                                          customer_id=customer_id, by=by)])
        if live is not None:
            live.info.customer_id = customer_id
            card = await self._customers.card(customer_id)
            if card is not None and card.name:
                live.info.customer_name = card.name
            self._mark(interaction_id)
            self.after_durable()

    def open_interactions_of(self, customer_id: str) -> list[InteractionInfo]:
        return [self._copy(lv) for lv in self._live.values() if lv.info.customer_id == customer_id]

    # --- messages, receipts (shared by channels and agents) --------------------------------

    def _check_text(self, text: str, *, has_attachments: bool) -> None:
        if len(text) > self._cfg.max_message_chars:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"messages are at most {self._cfg.max_message_chars} characters",
                                   limit=self._cfg.max_message_chars)
        if not text.strip() and not has_attachments:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "empty message")

    async def _repeat(self, live: Live, client_msg_id: str) -> ChatMessage | None:
        """The stored message of a repeated client_msg_id (after it is durable), else None."""
        if not client_msg_id:
            return None
        hit = live.by_client.get(client_msg_id)
        if hit is None:
            return None
        fut = live.in_flight.get(client_msg_id)
        if fut is not None:
            await self._durable(asyncio.shield(fut))
        return hit

    async def post(self, live: Live, *, author_kind: AuthorKind, author: str, author_name: str, text: str,
                   private: bool, client_msg_id: str, attachments: list[Attachment] | None = None,
                   extra: Sequence[ev.Event] = ()) -> ChatMessage:
        """Add a message: seq assigned now, journaled, and only once durable pushed to everyone."""
        hit = await self._repeat(live, client_msg_id)
        if hit is not None:
            return hit
        atts = list(attachments or [])
        if author_kind != AuthorKind.SYSTEM:
            self._check_text(text, has_attachments=bool(atts))
        refused = ""
        if author_kind == AuthorKind.BOT and not private:
            # A flow's line goes out through the channel like an agent's (the platform counts it against the
            # same reply quota). A flow cannot be told "no": a line past the channel's limits is kept with
            # delivery "failed" and the reason, so the agent sees what the customer did not get.
            try:
                tracked = self._channel_admits(live, text, atts)
            except SwitchboardError as e:
                tracked, refused = False, e.message
        else:
            tracked = author_kind == AuthorKind.AGENT and not private and self._channel_admits(live, text, atts)
        msg = self._new_message(live, author_kind, author, author_name, text, private, client_msg_id, atts)
        if tracked:  # the outbox sends it; "queued" in the same batch, so a crash cannot lose the send
            msg.delivery = "queued"
            extra = [*extra, ev.DeliveryChanged(ts_ms=msg.ts_ms, interaction_id=live.iid, seq=msg.seq,
                                                state="queued")]
            if live.info.replies_left > 0:
                live.info.replies_left -= 1
        elif refused:
            msg.delivery, msg.delivery_error = "failed", refused
            extra = [*extra, ev.DeliveryChanged(ts_ms=msg.ts_ms, interaction_id=live.iid, seq=msg.seq,
                                                state="failed", error=refused)]
        fut = self._store.append([self._message_event(msg), *extra])
        if client_msg_id:
            live.in_flight[client_msg_id] = fut
        try:
            await self._durable(fut)
        finally:
            live.in_flight.pop(client_msg_id, None)
        self.fan_out(live, msg)
        return msg

    def _channel_admits(self, live: Live, text: str, attachments: list[Attachment]) -> bool:
        """True when an agent's message goes out through a cloud channel's outbox (its delivery is tracked).

        Refused (INVALID_ARGUMENT, the reason in words) past the channel's limits the hub put on the
        interaction: the platform would refuse it anyway, and the agent must know now, not later.
        """
        sink = self._sinks.get(live.info.channel.value)
        if not getattr(sink, "tracks_delivery", False):
            return False
        info = live.info
        if info.max_chars and len(text) > info.max_chars:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"{info.channel.value} messages are at most {info.max_chars} characters",
                                   limit=info.max_chars)
        if info.reply_until_ms and self.now() > info.reply_until_ms:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   "the reply window has closed: the customer must write again first",
                                   reply_until_ms=info.reply_until_ms)
        if info.replies_left == 0:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   "no more replies are allowed until the customer writes again")
        bad = [a.content_type for a in attachments if info.media_types and a.content_type not in info.media_types]
        if bad:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"{info.channel.value} cannot send {', '.join(bad)}", media_types=info.media_types)
        return True

    async def set_delivery(self, interaction_id: str, seq: int, state: str, *, error: str = "",
                           provider_id: str = "", attempts: int = 0) -> None:
        """Journal a cloud-channel message's delivery state, then tell the interaction's agents.

        The channel hub calls it and keeps states forward-only (queued -> sent -> delivered -> read).
        """
        await self._journal([ev.DeliveryChanged(ts_ms=self.now(), interaction_id=interaction_id, seq=seq,
                                                state=state, error=error, provider_id=provider_id,
                                                attempts=attempts)])
        live = self._live.get(interaction_id)
        if live is None:  # closed: the store has it; nobody has the chat open any more
            return
        msg = next((mm for mm in reversed(live.messages) if mm.seq == seq), None)
        if msg is not None:
            msg.delivery = state
            msg.delivery_error = error
        self._push_agents(live, DeliveryChanged(interaction_id=interaction_id, seq=seq, delivery=state, error=error))

    def _new_message(self, live: Live, author_kind: AuthorKind, author: str, author_name: str, text: str,
                     private: bool, client_msg_id: str, attachments: list[Attachment]) -> ChatMessage:
        msg = ChatMessage(interaction_id=live.iid, seq=live.info.last_seq + 1, message_id=uuid.uuid4().hex,
                          ts_ms=self.now(), author_kind=author_kind, author=author, author_name=author_name,
                          text=text, private=private, client_msg_id=client_msg_id, attachments=attachments)
        live.remember(msg)
        self._unsaved.add((live.iid, msg.seq))  # until fan_out, which every caller runs once it is durable
        return msg

    def _saved(self, msg: ChatMessage) -> bool:
        return not self._unsaved or (msg.interaction_id, msg.seq) not in self._unsaved

    @staticmethod
    def _message_event(msg: ChatMessage) -> ev.MessageAdded:
        return ev.MessageAdded(
            ts_ms=msg.ts_ms, interaction_id=msg.interaction_id, seq=msg.seq, message_id=msg.message_id,
            author_kind=msg.author_kind.value, author=msg.author, author_name=msg.author_name, text=msg.text,
            private=msg.private, client_msg_id=msg.client_msg_id,
            attachments=[msgspec.to_builtins(a) for a in msg.attachments])

    def system_message(self, live: Live, text: str, *, private: bool) -> tuple[ChatMessage, ev.MessageAdded]:
        """A system line to journal with other events (the caller fans it out once durable)."""
        msg = self._new_message(live, AuthorKind.SYSTEM, "", "", text, private, "", [])
        return msg, self._message_event(msg)

    def fan_out(self, live: Live, msg: ChatMessage) -> None:
        self._unsaved.discard((live.iid, msg.seq))
        self._push_agents(live, msg)
        if not msg.private:
            self._deliver(live, msg)

    async def mark_read(self, live: Live, reader: str, seq: int) -> None:
        seq = min(seq, live.info.last_seq)
        current = live.info.customer_read_seq if reader == "customer" else live.info.agent_read_seq
        if seq <= current:
            return
        if reader == "customer":
            live.info.customer_read_seq = seq
        else:
            live.info.agent_read_seq = seq
        await self._journal([ev.ReadMarked(ts_ms=self.now(), interaction_id=live.iid, reader=reader, seq=seq)])
        self._mark(live.iid)
        self.after_durable()

    def agent_typing(self, live: Live, username: str, typing: bool) -> None:
        item = TypingChanged(interaction_id=live.iid, author_kind=AuthorKind.AGENT, author=username, typing=typing)
        self._push_agents(live, item, exclude=username)
        p = live.participant(username)
        if p is not None and p.role != ParticipantRole.CONSULT:  # a consulted agent is invisible to the customer
            self._deliver(live, item)

    # --- legs, participants and invites (shared by agent_routes and logout) ---------------------

    async def new_leg(self, live: Live, *, queue: str, text: str, by: str, from_agent: str = "", note: str = "",
                      to_agent: str = "", to_queue: str = "", reason: str = "transferred") -> None:
        """Move the interaction to a new routing leg: queued on ``queue`` (or direct to ``to_agent``).

        The owner leaves without wrap-up (TaskEnded ``reason``); ``text`` is the system line everyone,
        the customer included, sees; ``note`` an internal note for the next agent. The interaction's
        events are journaled in the routing inputs' batch (WorkService.replace_leg).
        """
        attrs = {k: v for k, v in live.attributes.items() if not k.startswith("sb.")}
        attrs[A_INTERACTION] = live.iid
        new_task = f"{live.iid}.{live.legs + 1}"
        spec = self._work.task_spec(queue=queue, task_id=new_task, customer_name=live.info.customer_name,
                                    customer_id=live.info.customer_id, subject=live.info.subject,
                                    attributes=attrs, language=live.language, direct_agent=to_agent)
        now = self.now()
        owner = live.owner()
        msgs = [self.system_message(live, text, private=False)]
        if note:
            author = from_agent or by
            nm = self._new_message(live, AuthorKind.AGENT, author, self.display_name(author), note, True, "", [])
            msgs.append((nm, self._message_event(nm)))
        events: list[ev.Event] = [e for _, e in msgs]
        if owner:
            live.remove(owner)
            events.append(ev.ParticipantChanged(ts_ms=now, interaction_id=live.iid, username=owner,
                                                role=ParticipantRole.OWNER.value, joined=False, by=by))
        old_task = live.info.task_id
        live.legs += 1
        live.info.queue = queue
        self.bind_leg(live, new_task)
        live.info.state = InteractionState.QUEUED
        events.append(ev.InteractionTransferred(ts_ms=now, interaction_id=live.iid, from_agent=from_agent or by,
                                                task_id=new_task, to_agent=to_agent, to_queue=to_queue,
                                                note=note))
        events.append(ev.InteractionStateChanged(ts_ms=now, interaction_id=live.iid,
                                                 state=InteractionState.QUEUED.value, task_id=new_task,
                                                 reason=reason))
        self._mark(live.iid, {owner} if owner else set())
        for msg, _ in msgs:  # the leaving owner still sees the lines that close their part
            if owner:
                self.push_to(owner, msg)
        await self._work.replace_leg(old_task, spec, reason=reason, extra_events=events)
        for msg, _ in msgs:
            self.fan_out(live, msg)

    async def participant_left(self, live: Live, username: str, *, by: str = "") -> bool:
        """A consulted/conferenced agent leaves (a line for the others; private for a consult)."""
        p = live.remove(username)
        if p is None:
            return False
        msg, msg_ev = self.system_message(live, f"{self.display_name(username)} left",
                                          private=p.role == ParticipantRole.CONSULT)
        await self._journal([ev.ParticipantChanged(ts_ms=self.now(), interaction_id=live.iid, username=username,
                                                   role=p.role.value, joined=False, by=by), msg_ev])
        self._mark(live.iid, {username})
        self.after_durable()
        self.fan_out(live, msg)
        return True

    @staticmethod
    def invite_role(mode: ParticipantRole) -> str:
        """The participants role of a pending invite: "invited:consult" / "invited:conference"."""
        return f"{INVITED}{mode.value}"

    def invite_event(self, live: Live, username: str, invite: InteractionInvite, *, joined: bool,
                     now: int | None = None, by: str = "") -> ev.ParticipantChanged:
        return ev.ParticipantChanged(ts_ms=self.now() if now is None else now, interaction_id=live.iid,
                                     username=username, role=self.invite_role(invite.mode), joined=joined,
                                     by=by or (invite.from_agent if joined else ""))

    async def add_invite(self, live: Live, username: str, invite: InteractionInvite) -> None:
        """Journal a pending invite (it survives a restart) and push it to the invited agent."""
        old = live.invites.get(username)
        events: list[ev.Event] = []
        if old is not None and old.mode != invite.mode:
            events.append(self.invite_event(live, username, old, joined=False))
        if old is None or old.mode != invite.mode:
            events.append(self.invite_event(live, username, invite, joined=True))
        live.invites[username] = invite
        if events:
            await self._journal(events)
        self.push_to(username, invite)

    async def end_invite(self, live: Live, username: str, *, by: str = "") -> InteractionInvite | None:
        """A pending invite ends unanswered or declined: journaled as left."""
        invite = live.invites.pop(username, None)
        if invite is not None:
            await self._journal([self.invite_event(live, username, invite, joined=False, by=by)])
        return invite

    async def agent_logged_out(self, username: str, by: str = "") -> int:
        """The agent logged out (themselves, a supervisor, a disabled account); not a silent desktop.

        Each connected chat they own is re-queued on its queue as a new leg (the customer is told),
        their consult/conference participations and pending invites end. Wrap-ups were ended by
        routing itself (AcwEnded by "logout"). Returns how many chats were re-queued.
        """
        moved = 0
        engine = self._work.engine
        for live in list(self._live.values()):
            try:
                if username in live.invites:
                    await self.end_invite(live, username, by=by or username)
                p = live.participant(username)
                if p is None:
                    continue
                if p.role != ParticipantRole.OWNER:
                    await self.participant_left(live, username, by=by or username)
                elif (live.info.state == InteractionState.CONNECTED
                      and engine.task_state(live.info.task_id) == "active"):
                    await self.new_leg(live, queue=live.info.queue, to_queue=live.info.queue, text=AGENT_LEFT_TEXT,
                                       by=by or username, from_agent=username, reason="agent_logged_out")
                    moved += 1
            except SwitchboardError:  # one interaction's failure must not keep the others with a ghost
                log.exception("interaction %s: cannot release %s after logout", live.iid, username)
        if moved:
            log.info("%s logged out: %d chats re-queued", username, moved)
        return moved

    # --- lifecycle driven by routing (WorkService listener) -----------------------------------

    def journal_extra(self, event: rev.RoutingEvent, decisions: Sequence[dec.Decision]) -> list[ev.Event]:
        out: list[ev.Event] = []
        acw = False
        for d in decisions:
            task_id = getattr(d, "task_id", "")
            live = self._live_of_task(task_id) if task_id else None
            if live is None:
                continue
            now = event.now_ms
            match d:
                case dec.Offer():
                    live.offered_to.add(d.agent)
                    if live.info.state == InteractionState.QUEUED:
                        out.append(self._set_state(live, InteractionState.OFFERED, now, agent=d.agent))
                case dec.Rescind():
                    live.offered_to.discard(d.agent)
                    if not live.offered_to and live.info.state == InteractionState.OFFERED:
                        out.append(self._set_state(live, InteractionState.QUEUED, now, reason=d.reason))
                case dec.Assigned():
                    live.offered_to.clear()
                    live.info.connected_ms = live.info.connected_ms or now
                    old = live.owner()
                    if old and old != d.agent:
                        live.remove(old)
                    if live.participant(d.agent) is None:
                        live.info.participants.append(Participant(
                            username=d.agent, display_name=self.display_name(d.agent),
                            role=ParticipantRole.OWNER, joined_ms=now))
                        out.append(ev.ParticipantChanged(ts_ms=now, interaction_id=live.iid, username=d.agent,
                                                         role=ParticipantRole.OWNER.value, joined=True))
                    out.append(self._set_state(live, InteractionState.CONNECTED, now, agent=d.agent))
                case dec.AcwStarted():
                    acw = True
                    out.append(self._set_state(live, InteractionState.WRAPUP, now, agent=d.agent))
                case dec.AcwEnded():
                    out.extend(self._close_events(live, f"wrapup:{d.by}", now))
                case dec.TaskExpired():
                    out.extend(self._close_events(live, "expired", now))
                case dec.TaskRejected():
                    out.extend(self._close_events(live, f"rejected:{d.reason}", now))
                case dec.FinalActionTaken() if d.action == "voicemail":
                    out.extend(self._close_events(live, "voicemail", now))
                case dec.Overflowed():
                    live.info.queue = d.to_queue
                    out.append(ev.InteractionTransferred(ts_ms=now, interaction_id=live.iid, from_agent="",
                                                         task_id=task_id, to_queue=d.to_queue, note="overflow"))
                    self._mark(live.iid)
                case _:
                    pass
        if isinstance(event, (rev.TaskCompleted, rev.TaskCancelled)) and not acw and not any(
            isinstance(d, dec.EventRefused) for d in decisions
        ):
            live = self._live_of_task(event.task_id)
            if live is not None:
                reason = "completed" if live.info.state == InteractionState.CONNECTED else "abandoned"
                out.extend(self._close_events(live, reason, event.now_ms))
        return out

    def after_durable(self) -> None:
        """Tell agents and channels what changed; closed interactions leave memory."""
        dirty, self._dirty = self._dirty, {}
        for iid, also in dirty.items():
            live = self._live.get(iid)
            if live is None:
                continue
            info = self._copy(live)
            self._push_agents(live, info, also=also)
            self._deliver(live, info)
            if live.info.state == InteractionState.CLOSED:
                self._forget(iid)
                self._remember_closed(iid, live.rated)

    def _live_of_task(self, task_id: str) -> Live | None:
        iid = self._by_task.get(task_id)
        return None if iid is None else self._live.get(iid)

    def _set_state(self, live: Live, state: InteractionState, now: int, *, agent: str = "",
                   reason: str = "") -> ev.InteractionStateChanged:
        live.info.state = state
        self._mark(live.iid)
        return ev.InteractionStateChanged(ts_ms=now, interaction_id=live.iid, state=state.value, agent=agent,
                                          task_id=live.info.task_id, reason=reason)

    def _close_events(self, live: Live, reason: str, now: int | None = None) -> list[ev.Event]:
        now = self.now() if now is None else now
        out: list[ev.Event] = []
        gone = set()
        for p in list(live.info.participants):
            out.append(ev.ParticipantChanged(ts_ms=now, interaction_id=live.iid, username=p.username,
                                             role=p.role.value, joined=False))
            gone.add(p.username)
        for username, invite in live.invites.items():  # unanswered invites expire with it
            out.append(self.invite_event(live, username, invite, joined=False, now=now))
        live.invites.clear()
        agent = live.owner()
        live.info.participants = []
        out.append(self._set_state(live, InteractionState.CLOSED, now, agent=agent, reason=reason))
        self._mark(live.iid, gone)
        log.info("interaction %s closed (%s)", live.iid, reason)
        return out

    def bind_leg(self, live: Live, task_id: str) -> None:
        """The interaction's current leg is now ``task_id`` (decisions of older legs are ignored)."""
        self._by_task.pop(live.info.task_id, None)
        live.info.task_id = task_id
        self._by_task[task_id] = live.iid

    # --- recovery ------------------------------------------------------------------------------

    async def recover(self) -> int:
        """Load the open interactions from the store (before routing is reconciled and the bus serves)."""
        self.files.ensure()
        state = await self._store.read(reads.open_state)
        for row in state.interactions:
            info = InteractionInfo(
                interaction_id=row.interaction_id, channel=Channel(row.channel), state=InteractionState(row.state),
                queue=row.queue, customer_id=row.customer_id, customer_name=row.customer_name,
                subject=row.subject, created_ms=row.created_ms, connected_ms=row.connected_ms,
                customer_online=False, task_id=state.legs.get(row.interaction_id, row.interaction_id))
            live = Live(info=info, identities=list(row.identities))
            suffix = info.task_id.rpartition(".")[2] if "." in info.task_id else ""
            live.legs = int(suffix) if suffix.isdigit() else 1
            self._live[row.interaction_id] = live
            self._by_task[info.task_id] = row.interaction_id
        for p in state.participants:
            live = self._live.get(p.interaction_id)
            if live is not None and live.participant(p.username) is None:
                live.info.participants.append(Participant(username=p.username,
                                                          display_name=self.display_name(p.username),
                                                          role=ParticipantRole(p.role), joined_ms=p.joined_ms))
        for msg in state.messages:
            live = self._live.get(msg.interaction_id)
            if live is not None:
                live.remember(msg)
        for inv in state.invites:
            live = self._live.get(inv.interaction_id)
            if live is not None and live.participant(inv.username) is None:
                mode = ParticipantRole(inv.role.removeprefix(INVITED))
                live.invites[inv.username] = InteractionInvite(
                    interaction_id=inv.interaction_id, from_agent=inv.by, from_name=self.display_name(inv.by),
                    mode=mode, info=self._copy(live))
        for mark in state.marks:
            live = self._live.get(mark.interaction_id)
            if live is not None:
                if mark.reader == "customer":
                    live.info.customer_read_seq = mark.seq
                else:
                    live.info.agent_read_seq = mark.seq
        for a in state.attachments:
            self._attachments[a.attachment.attachment_id] = (a.interaction_id, a.attachment)
        return len(state.interactions)

    async def reconcile(self) -> int:
        """After WorkService.recover(): bring each open interaction in line with routing's state.

        A crash can fall between routing's input and a follow-up journaled by the
        AgentService path; routing's state is the truth. An interaction whose task routing no
        longer knows is closed ("lost"), or ("recovered") if it was in wrap-up.
        """
        engine = self._work.engine
        now = self.now()
        out: list[ev.Event] = []
        for live in list(self._live.values()):
            st = engine.task_state(live.info.task_id)
            s = live.info.state
            if st is None and s == InteractionState.FLOW:
                continue  # its flow died with the old process: the flow host routes it on start
            if st is None:
                out.extend(self._close_events(live, "lost" if s != InteractionState.WRAPUP else "recovered", now))
            elif st == "waiting" and s not in (InteractionState.QUEUED, InteractionState.FLOW):
                out.append(self._set_state(live, InteractionState.QUEUED, now, reason="recovered"))
            elif st == "offered":
                live.offered_to = {a for t, a in engine.pending_offers() if t == live.info.task_id}
                if s != InteractionState.OFFERED:
                    out.append(self._set_state(live, InteractionState.OFFERED, now, reason="recovered"))
            elif st in ("active", "wrapup"):
                target = InteractionState.CONNECTED if st == "active" else InteractionState.WRAPUP
                owner = self._work.owner_of(live.info.task_id) or ""
                if owner and live.participant(owner) is None:
                    live.info.participants.append(Participant(username=owner, display_name=self.display_name(owner),
                                                              role=ParticipantRole.OWNER, joined_ms=now))
                    out.append(ev.ParticipantChanged(ts_ms=now, interaction_id=live.iid, username=owner,
                                                     role=ParticipantRole.OWNER.value, joined=True))
                if s != target:
                    out.append(self._set_state(live, target, now, agent=owner, reason="recovered"))
        if out:
            await self._journal(out)
        n = len(self._dirty)
        # Nobody is connected yet: the closed ones leave memory, the rest are simply current.
        for iid in list(self._dirty):
            live = self._live.get(iid)
            if live is not None and live.info.state == InteractionState.CLOSED:
                self._forget(iid)
                self._remember_closed(iid)
        self._dirty.clear()
        return n

    # --- plumbing ---------------------------------------------------------------------------------

    async def _resolve(self, identities: list[Identity], name: str) -> tuple[str, str]:
        got = self._customers.resolve(identities, name=name, by="")
        if inspect.isawaitable(got):
            got = await got
        customer_id, created = got[0], bool(got[1])
        if name or created:
            # A customer created just now was created with this (empty) name: no store read. Each read
            # waits for the database to catch up with the journal; under a burst of new web chats that
            # wait was most of the time to open one.
            return customer_id, name
        card = await self._customers.card(customer_id)
        return customer_id, card.name if card is not None else ""

    def _require(self, interaction_id: str) -> Live:
        live = self._live.get(interaction_id)
        if live is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no open interaction {interaction_id!r}",
                                   interaction_id=interaction_id)
        return live

    def _forget(self, iid: str) -> None:
        live = self._live.pop(iid, None)
        if live is not None:
            self._by_task.pop(live.info.task_id, None)
            if live.typing_off is not None:
                live.typing_off.cancel()

    def _remember_closed(self, iid: str, rated: bool = False) -> None:
        self._closed[iid] = rated
        while len(self._closed) > _RECENT_CLOSED:
            self._closed.popitem(last=False)

    def _mark(self, iid: str, also: set[str] | None = None) -> None:
        self._dirty.setdefault(iid, set()).update(also or ())

    def mark(self, live: Live, also: set[str] | None = None) -> None:
        self._mark(live.iid, also)

    async def _journal(self, events: Sequence[ev.Event]) -> None:
        await self._durable(self._store.append(list(events)))

    async def journal(self, events: Sequence[ev.Event]) -> None:
        await self._journal(events)

    @staticmethod
    async def _durable(fut: Any) -> None:
        from edge_server.store import StoreError

        try:
            await fut
        except StoreError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the edge cannot save changes: {e}") from e

    def _copy(self, live: Live) -> InteractionInfo:
        live.info.sl_target_s = self.sl_target(live.info.queue)  # current after a transfer or an overflow
        return msgspec.structs.replace(live.info, participants=list(live.info.participants))

    def sl_target(self, queue: str) -> float:
        """The queue's service-level target in seconds (0: unknown queue)."""
        qc = self._work.queue_config(queue)
        return float(qc.sl_target_s) if qc is not None else 0.0

    def push_to(self, username: str, body: Message) -> None:
        session = self._dir.session_of(username)
        if session is None or self._bus is None:
            return
        try:
            self._bus.push(session.session_id, body)
        except SwitchboardError as e:  # the session is not on the bus (yet): its snapshot catches up
            log.debug("push to %s skipped: %s", username, e)

    def _push_agents(self, live: Live, body: Message, *, exclude: str = "", also: set[str] | None = None) -> None:
        for username in dict.fromkeys([*live.agents(), *(also or ())]):
            if username != exclude:
                self.push_to(username, body)

    def _deliver(self, live: Live, item: ChatMessage | InteractionInfo | TypingChanged) -> None:
        sink = self._sinks.get(live.info.channel.value)
        if sink is None:
            return
        try:
            sink.deliver(live.iid, item)
        except Exception:  # a channel's bug must not break the agent side
            log.exception("channel %s failed to take an update of %s", live.info.channel.value, live.iid)
