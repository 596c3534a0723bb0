"""The channel hub: cloud channel adapters in, interactions and the outbox out.

Inbound: every adapter (and webhook, and the relay link) calls ``receive``/``delivery`` on the
hub (the ``ChannelInbox``); the hub de-duplicates, continues the customer's open interaction
on that channel or opens one on the account's queue, and returns once the message is durable.
Outbound: the hub is the channel sink of each configured channel; an agent's message (stored
with delivery ``queued``) goes to its account's ``AccountOutbox``; what becomes of it is
journaled (``DeliveryChanged``) and pushed to the agents. Receipts move it forward only.
"""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from edge_server.channels import hub_reads
from edge_server.channels.base import (
    ChannelAdapter,
    ChannelLimits,
    Delivery,
    DeliveryUpdate,
    InboundMessage,
    OutboundMessage,
    SendResult,
    WebhookHandler,
)
from edge_server.channels.hub_reads import A_ACCOUNT, A_THREAD
from edge_server.channels.outbox import AccountOutbox, OutboxItem
from edge_server.channels.webhooks import WebhookServer
from edge_server.channels.registry import CHANNELS, Account, ChannelConfigError, Factory, build_accounts
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import (
    Attachment,
    AuthorKind,
    ChatMessage,
    Identity,
    IdentityKind,
    InteractionInfo,
    InteractionState,
    TypingChanged,
)
from edge_server.interactions.identities import normalise_all
from edge_server.interactions.live import ACTIVE_STATES, Live

if TYPE_CHECKING:
    from edge_server.config import ChannelsSection
    from edge_server.relay.egress_client import RelayEgress
    from edge_server.interactions.service import InteractionService
    from edge_server.store import Store

log = logging.getLogger("sb.channels")

#: Inbound keys remembered in memory (closed interactions included); older ones are asked of the store.
RECENT_KEYS = 100_000
#: Sent messages remembered by provider id for receipts; older ones are asked of the store.
RECENT_SENT = 100_000
#: Receipts that arrive before their send is recorded (the platform can be that fast), kept a while.
EARLY_RECEIPTS = 10_000

#: Forward-only delivery: a state never goes back; failed is final.
_RANK = {Delivery.QUEUED: 0, Delivery.SENT: 1, Delivery.DELIVERED: 2, Delivery.READ: 3}

#: The identities an outbound message of each channel is addressed to (the adapter picks one).
_TO_KINDS: dict[str, tuple[str, ...]] = {
    "wechat": (IdentityKind.WECHAT_OPENID, IdentityKind.WECHAT_UNIONID),
    "weibo": (IdentityKind.WEIBO_UID,),
    "email": (IdentityKind.EMAIL,),
    "sms": (IdentityKind.PHONE,),
    "wecom": (IdentityKind.WECOM_EXTERNAL_USERID,),
}


def forward(current: str, new: str) -> bool:
    """Whether a message in ``current`` may move to ``new`` (receipts repeat and arrive out of order)."""
    if current == Delivery.FAILED or current == new:
        return False
    if new == Delivery.FAILED:
        return current in ("", Delivery.QUEUED, Delivery.SENT)
    return _RANK.get(Delivery(new), -1) > _RANK.get(Delivery(current), -1) if current else True


class CursorFile:
    """Adapters' cursors (WeCom sync_msg cursor, IMAP UIDs) in one JSON file, replaced atomically.

    No journal event for these: a small file written with fsync + rename is as durable and keeps
    the event log free of pull-loop bookkeeping.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, str] = {}
        self._lock = asyncio.Lock()
        if path.exists():
            try:
                loaded = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError) as e:
                raise ChannelConfigError(
                    f"channel cursors in {path} are unreadable ({e}); move the file away to start over") from e
            self._values = {str(k): str(v) for k, v in loaded.items()}

    def get(self, key: str) -> str:
        return self._values.get(key, "")

    async def set(self, key: str, value: str) -> None:
        async with self._lock:
            if value:
                self._values[key] = value
            else:
                self._values.pop(key, None)
            data = json.dumps(self._values, ensure_ascii=False, sort_keys=True).encode()
            await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)  # the rename itself must survive a power cut
        finally:
            os.close(fd)


class _Sent:
    __slots__ = ("interaction_id", "seq", "delivery")

    def __init__(self, interaction_id: str, seq: int, delivery: str) -> None:
        self.interaction_id = interaction_id
        self.seq = seq
        self.delivery = delivery


class _Sink:
    """The interactions service's channel sink for one channel name."""

    tracks_delivery = True  # agent messages on this channel are stored "queued" and sent by the outbox

    def __init__(self, hub: ChannelHub) -> None:
        self._hub = hub

    def deliver(self, interaction_id: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None:
        self._hub.on_update(interaction_id, item)


class ChannelHub:
    """``async with ChannelHub(interactions, store, cfg.channels, data_dir) as hub``."""

    def __init__(self, interactions: InteractionService, store: Store, cfg: ChannelsSection, data_dir: Path, *,
                 factories: Mapping[str, Factory] | None = None, relay_keys: object | None = None) -> None:
        self._svc = interactions
        self._store = store
        self._cfg = cfg
        self._root = data_dir / "channels"
        self._factories = factories
        self._relay_keys = relay_keys  # the edge's CURVE keypair (ServerKeys) for the relay link
        self.accounts: dict[tuple[str, str], Account] = {}
        self.outboxes: dict[tuple[str, str], AccountOutbox] = {}
        self._cursors: CursorFile | None = None
        self._seen: OrderedDict[str, None] = OrderedDict()  # inbound keys stored
        self._older_in_store = False  # the store may know keys the map does not
        self._inflight: dict[str, asyncio.Event] = {}
        self._account_of: dict[str, str] = {}  # interaction -> account it came to
        self._by_thread: dict[tuple[str, str, str], str] = {}  # (channel, account, thread key) -> interaction
        self._sent: OrderedDict[tuple[str, str], _Sent] = OrderedDict()  # (channel, provider id) -> message
        self._early: OrderedDict[tuple[str, str], DeliveryUpdate] = OrderedDict()
        self._tasks: list[asyncio.Task[None]] = []
        self._started: list[ChannelAdapter] = []
        self._exits = contextlib.AsyncExitStack()
        self.webhooks: WebhookServer | None = None
        self.relay: object | None = None
        self._egress: RelayEgress | None = None  # calls waiting for the relay link (fixed egress)
        self.received = 0
        self.duplicates = 0

    # --- lifecycle ----------------------------------------------------------------------------------

    @property
    def channels(self) -> list[str]:
        return sorted({ch for ch, _ in self.accounts})

    def adapters(self) -> list[ChannelAdapter]:
        return [a.adapter for a in self.accounts.values()]

    async def __aenter__(self) -> ChannelHub:
        try:
            await self._start()
        except BaseException:
            await self._stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stop()

    async def _start(self) -> None:
        self._root.mkdir(parents=True, exist_ok=True)
        self.attachment_dir().mkdir(parents=True, exist_ok=True)
        self._cursors = CursorFile(self._root / "cursors.json")
        for acc in build_accounts(self._cfg, self._root.parent, self._factories):
            self.accounts[acc.key] = acc
        channels = self.channels
        if not channels:
            return
        # The sinks first: a message an agent sends from now on is tracked, and the re-queue below
        # meets it by its idempotency key instead of missing it.
        for ch in channels:
            self._svc.register_channel(ch, _Sink(self))
        for key, acc in self.accounts.items():
            self.outboxes[key] = AccountOutbox(acc.adapter, self, max_attempts=self._cfg.outbox_max_attempts,
                                               max_backoff_s=self._cfg.outbox_max_backoff_s)
        keys = await self._store.read(hub_reads.recent_inbound_keys, channels, RECENT_KEYS)
        self._seen = OrderedDict.fromkeys(keys)
        self._older_in_store = len(keys) >= RECENT_KEYS
        for row in await self._store.read(hub_reads.channel_interactions, channels, True):
            self._account_of[row.interaction_id] = row.account
            if row.thread_key:
                self._by_thread[(row.channel, row.account, row.thread_key)] = row.interaction_id
            live = self._svc.live(row.interaction_id)
            if live is not None:
                self._apply_limits(live)
        requeued = await self._requeue(channels)
        egress_channels = self._egress_channels()
        for acc in self.accounts.values():
            await acc.adapter.start(self)
            self._started.append(acc.adapter)
            if acc.adapter.channel in egress_channels:
                await self._send_through_relay(acc.adapter)
        # The outboxes run once their adapters are started (and, with egress, re-plumbed): a message
        # re-queued above is never sent by an adapter that is not ready, nor from the wrong address.
        for key, box in self.outboxes.items():
            self._tasks.append(asyncio.create_task(box.run(), name=f"outbox-{key[0]}-{key[1]}"))
        await self._start_pushes()
        log.info("channel hub: %d accounts on %s; %d queued messages to send again", len(self.accounts),
                 ", ".join(channels), requeued)

    def _egress_channels(self) -> frozenset[str]:
        """Channels whose API calls leave through the relay (platforms with an IP allow-list).

        ``channels.relay_egress``: a list of channel names.
        """
        names = frozenset(self._cfg.relay_egress)
        if not names:
            return names
        if not self._cfg.relay:
            raise ChannelConfigError("channels.relay_egress is set but channels.relay is empty: "
                                     "there is no relay to send through")
        unknown = names - set(CHANNELS)
        if unknown:
            raise ChannelConfigError(f"channels.relay_egress: unknown channel(s) {', '.join(sorted(unknown))}")
        if self._egress is None:
            from edge_server.relay.egress_client import RelayEgress
            self._egress = RelayEgress()
        return names

    async def _send_through_relay(self, adapter: ChannelAdapter) -> None:
        from edge_server.relay.egress_client import EgressSession, attach

        assert self._egress is not None
        if not await attach(adapter, EgressSession(self._egress)):
            raise ChannelConfigError(f"channels.relay_egress: {adapter.channel}/{adapter.account} makes no HTTP "
                                     "calls the relay could perform (email goes out by SMTP)")
        log.info("%s/%s: platform API calls leave through the relay", adapter.channel, adapter.account)

    async def _start_pushes(self) -> None:
        """Platform pushes reach the hub from this edge's webhook host, or from the relay when one is set."""
        if self._cfg.relay:
            try:
                link_module = importlib.import_module("edge_server.relay.link")
            except ModuleNotFoundError as e:
                raise ChannelConfigError("channels.relay is set but this edge has no relay link "
                                         "(edge_server.relay.link is missing)") from e
            self.relay = await self._exits.enter_async_context(
                link_module.RelayLink(self._cfg, self, keys=self._relay_keys, egress=self._egress))
            log.info("platform pushes come through the relay %s", self._cfg.relay)
            return
        handlers: list[WebhookHandler] = []
        for adapter in self.adapters():
            hooks = getattr(adapter, "webhooks", None)
            if callable(hooks):
                handlers.extend(hooks())
        if handlers:
            self.webhooks = await self._exits.enter_async_context(
                WebhookServer(handlers, self, self._cfg.webhook_host, self._cfg.webhook_port))

    async def _stop(self) -> None:
        errors: list[BaseException] = []
        try:
            await self._exits.aclose()  # pushes stop first: nothing new arrives while the rest stops
        except Exception as e:
            log.exception("channel webhooks/relay did not stop cleanly")
            errors.append(e)
        for adapter in reversed(self._started):
            try:
                await asyncio.wait_for(adapter.stop(), 10.0)
            except Exception as e:  # collect: every adapter gets its stop
                log.exception("channel %s/%s did not stop cleanly", adapter.channel, adapter.account)
                errors.append(e)
        self._started.clear()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()

    # --- the ChannelInbox ------------------------------------------------------------------------------

    def cursor(self, key: str) -> str:
        assert self._cursors is not None
        return self._cursors.get(key)

    async def set_cursor(self, key: str, value: str) -> None:
        assert self._cursors is not None
        await self._cursors.set(key, value)

    def attachment_dir(self) -> Path:
        return self._root / "media"

    async def receive(self, msg: InboundMessage) -> None:
        if msg.kind == "event":  # subscribe, menu click, scan: nothing for an agent
            log.info("channel %s/%s event %s from %s", msg.channel, msg.account, msg.event or "?",
                     ",".join(i.value for i in msg.identities))
            return
        key = f"{msg.channel}:{msg.account}:{msg.external_id}"
        while True:  # a platform retry racing the first delivery waits for it
            if key in self._seen:
                self.duplicates += 1
                return
            running = self._inflight.get(key)
            if running is None:
                break
            await running.wait()
        done = asyncio.Event()
        self._inflight[key] = done
        try:
            if self._older_in_store and await self._store.read(hub_reads.inbound_stored, key):
                self.duplicates += 1
            else:
                await self._receive(await self._enrich(msg), key)
                self.received += 1
            self._remember(key)
        finally:
            del self._inflight[key]
            done.set()

    async def _enrich(self, msg: InboundMessage) -> InboundMessage:
        """Let the adapter fetch what the pure webhook handler could not (WeChat media, reply window).

        Adapters never lose a message here: media trouble becomes a note in the text.
        """
        acc = self.accounts.get((msg.channel, msg.account))
        enrich = getattr(acc.adapter, "enrich", None) if acc is not None else None
        return await enrich(msg) if enrich is not None else msg

    async def delivery(self, update: DeliveryUpdate) -> None:
        pk = (update.channel, update.provider_id)
        ref = self._sent.get(pk)
        if ref is None:
            row = await self._store.read(hub_reads.message_by_provider_id, update.channel, update.provider_id)
            if row is None:  # the send is not recorded yet: apply once it is
                self._early[pk] = update
                while len(self._early) > EARLY_RECEIPTS:
                    self._early.popitem(last=False)
                return
            ref = _Sent(row.interaction_id, row.seq, row.delivery)
            self._remember_sent(pk, ref)
        if not forward(ref.delivery, update.state):
            return
        ref.delivery = update.state
        await self._svc.set_delivery(ref.interaction_id, ref.seq, update.state.value, error=update.error)

    # --- inbound ------------------------------------------------------------------------------------------

    def _remember(self, key: str) -> None:
        self._seen[key] = None
        while len(self._seen) > RECENT_KEYS:
            self._seen.popitem(last=False)
            self._older_in_store = True

    async def _receive(self, msg: InboundMessage, key: str) -> None:
        live = self._find_open(msg)
        text = self._fit(msg.text)
        if live is None:
            queue = self._queue_for(msg.channel, msg.account)
            is_open, agents = self._svc.availability(queue)
            flow = self._svc.has_flow(str(msg.channel), msg.account)  # a bound flow answers with nobody logged in
            if not flow and (not is_open or agents == 0):
                # Nobody can take it now: kept as an offline message for follow-up, never dropped.
                names = ", ".join(a.name for a in msg.attachments)
                await self._svc.leave_offline_message(
                    channel=msg.channel, queue=queue, identities=list(msg.identities), name=msg.name,
                    text=text or f"[{names}]")
                log.info("channel %s/%s: %s left as an offline message (queue %s %s)", msg.channel, msg.account,
                         key, queue, "closed" if not is_open else "has no agent")
                return
            attrs = {A_ACCOUNT: msg.account}
            if msg.thread_key:
                attrs[A_THREAD] = msg.thread_key
            info = await self._svc.open_interaction(channel=msg.channel, queue=queue, identities=list(msg.identities),
                                                    name=msg.name, subject=msg.subject, attributes=attrs,
                                                    entry_kind=str(msg.channel), entry_key=msg.account)
            live = self._svc.live(info.interaction_id)
            if live is None:  # closed already (the queue raced shut): the journal has it
                raise SwitchboardError(ErrorCode.UNAVAILABLE, "the interaction closed as it opened",
                                       interaction_id=info.interaction_id)
            self._account_of[live.iid] = msg.account
            if msg.thread_key:
                self._by_thread[(msg.channel, msg.account, msg.thread_key)] = live.iid
        atts: list[Attachment] = []
        notes: list[str] = []
        for a in msg.attachments:
            try:
                atts.append(await self._svc.store_attachment(live.iid, name=a.name, content_type=a.content_type,
                                                             data=a.data))
            except SwitchboardError as e:  # a type or size the site refuses: say so in the transcript
                notes.append(f"[{a.name}: not kept, {e.message}]")
        if notes:
            text = "\n".join([text, *notes]).strip()
        if msg.meta.get("Message-ID"):
            await self._keep_thread(live.iid, msg)
        await self._svc.customer_message(live.iid, client_msg_id=key, text=text or ("" if atts else "[empty message]"), attachments=atts)
        self._apply_limits(live)
        self._svc.mark(live)
        self._svc.after_durable()

    def _fit(self, text: str) -> str:
        limit = self._svc.config.max_message_chars
        if len(text) <= limit:
            return text
        marker = " […]"  # long mails: the agent sees the start; the rest is in the source
        return text[: limit - len(marker)] + marker

    def _find_open(self, msg: InboundMessage) -> Live | None:
        if msg.thread_key:
            iid = self._by_thread.get((msg.channel, msg.account, msg.thread_key))
            live = self._svc.live(iid) if iid else None
            if live is not None and live.info.state in ACTIVE_STATES:
                return live
        try:
            wanted = {(i.kind.value, i.value) for i in normalise_all(list(msg.identities),
                                                                       region=self._svc.config.default_region)}
        except SwitchboardError:
            wanted = {(i.kind.value, i.value) for i in msg.identities}
        found = [lv for lv in self._svc.live_all()
                 if lv.info.channel.value == msg.channel and lv.info.state in ACTIVE_STATES
                 and self._account_of.get(lv.iid, msg.account) == msg.account
                 and wanted.intersection(lv.identities)]
        return max(found, key=lambda lv: lv.info.created_ms) if found else None

    def _queue_for(self, channel: str, account: str) -> str:
        acc = self.accounts.get((channel, account))
        if acc is not None and acc.queue:
            return acc.queue
        work = self._svc.work
        names = sorted(self._svc.directory.queues)
        for want in (channel, "chat"):
            for name in names:
                qc = work.queue_config(name)
                if qc is not None and qc.channel == want:
                    return name
        return names[0] if names else ""

    async def _keep_thread(self, iid: str, msg: InboundMessage) -> None:
        """Email: the customer's last mail (its Message-ID, References, In-Reply-To and Subject), kept until
        the interaction closes; the adapter answers that mail (email/compose.py derives In-Reply-To and
        References from it). Passing ready-made reply headers under the parent's names made the adapter
        read them as the parent's own and send replies without In-Reply-To (found by the e2e test)."""
        thread = {k: msg.meta[k] for k in ("Message-ID", "References", "In-Reply-To") if msg.meta.get(k)}
        if msg.subject:
            thread["Subject"] = msg.subject
        await self.set_cursor(f"thread:{iid}", json.dumps(thread, ensure_ascii=False))

    def _thread_of(self, iid: str) -> dict[str, str]:
        raw = self.cursor(f"thread:{iid}")
        return json.loads(raw) if raw else {}

    # --- limits -------------------------------------------------------------------------------------------

    def limits_of(self, channel: str, account: str) -> ChannelLimits:
        acc = self.accounts.get((channel, account))
        return acc.adapter.limits() if acc is not None else ChannelLimits()

    def _apply_limits(self, live: Live) -> None:
        """The composer's rules on the interaction, from the adapter's limits and the customer's last message."""
        account = self._account_of.get(live.iid, "")
        lim = self.limits_of(live.info.channel.value, account)
        info = live.info
        info.max_chars = lim.max_chars
        info.media_types = list(lim.media_types)
        last = max((mm.ts_ms for mm in live.messages if mm.author_kind == AuthorKind.CUSTOMER),
                   default=info.created_ms)
        info.reply_until_ms = last + lim.reply_window_s * 1000 if lim.reply_window_s else 0
        if lim.replies_per_window:
            used = sum(1 for mm in live.messages
                       if mm.ts_ms >= last and mm.author_kind in (AuthorKind.AGENT, AuthorKind.BOT) and mm.delivery
                       and mm.delivery != Delivery.FAILED)
            info.replies_left = max(0, lim.replies_per_window - used)
        else:
            info.replies_left = -1

    # --- outbound -------------------------------------------------------------------------------------------

    def on_update(self, iid: str, item: ChatMessage | InteractionInfo | TypingChanged) -> None:
        if isinstance(item, ChatMessage):
            # A flow's (bot's) lines go out like an agent's: the customer on WeChat only sees what is sent.
            if item.author_kind in (AuthorKind.AGENT, AuthorKind.BOT) and not item.private \
                    and item.delivery == Delivery.QUEUED:
                live = self._svc.live(iid)
                if live is not None:
                    self._enqueue(live.info.channel.value, self._account_of.get(iid, ""), iid, item.seq,
                                  item.text, item.attachments, live.identities, live.info.subject, 0)
        elif isinstance(item, InteractionInfo) and item.state == InteractionState.CLOSED:
            self._account_of.pop(iid, None)
            for k in [k for k, v in self._by_thread.items() if v == iid]:
                del self._by_thread[k]
            # The thread headers go with it; queued replies already carry theirs.
            if self._cursors is not None and self._cursors.get(f"thread:{iid}"):
                t = asyncio.get_running_loop().create_task(self.set_cursor(f"thread:{iid}", ""))
                self._tasks.append(t)
                t.add_done_callback(self._tasks.remove)

    def _enqueue(self, channel: str, account: str, iid: str, seq: int, text: str, attachments: list[Attachment],
                 identities: list[tuple[str, str]], subject: str, attempts: int) -> bool:
        box = self.outboxes.get((channel, account))
        if box is None:
            log.error("no %s account %r to send %s:%d through (configuration changed?)", channel, account, iid, seq)
            task = asyncio.get_running_loop().create_task(
                self._record(iid, seq, Delivery.FAILED, error=f"the {channel} account {account!r} is not configured"))
            self._tasks.append(task)
            task.add_done_callback(self._tasks.remove)
            return False
        kinds = _TO_KINDS.get(channel)
        to = [Identity(kind=IdentityKind(k), value=v) for k, v in identities if kinds is None or k in kinds]
        if not to:
            to = [Identity(kind=IdentityKind(k), value=v) for k, v in identities]
        files: list[tuple[Attachment, str]] = [(a, str(self._svc.files.path_of(a.sha256))) for a in attachments]
        thread = self._thread_of(iid)
        if subject and thread and not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        out = OutboundMessage(channel=channel, account=account, interaction_id=iid, seq=seq,
                              idempotency_key=f"{iid}:{seq}", to=to, text=text, attachments=files,
                              subject=subject, thread=thread)
        return box.put(OutboxItem(seq=seq, out=out, attempts=attempts))

    async def _requeue(self, channels: list[str]) -> int:
        queued = await self._store.read(hub_reads.queued_messages, channels)
        origin: dict[str, hub_reads.ChannelInteraction | None] = {}
        n = 0
        for q in queued:
            if q.interaction_id not in origin:
                origin[q.interaction_id] = await self._store.read(hub_reads.channel_interaction, q.interaction_id)
            row = origin[q.interaction_id]
            if row is None:
                continue
            n += self._enqueue(row.channel, row.account, q.interaction_id, q.seq, q.text, q.attachments,
                               row.identities, q.subject, q.attempts)
        return n

    # DeliveryBook (called by the outboxes)

    async def record_sent(self, item: OutboxItem, result: SendResult) -> None:
        out = item.out
        state = result.state if result.state != Delivery.QUEUED else Delivery.SENT
        if result.provider_id:
            self._remember_sent((out.channel, result.provider_id), _Sent(out.interaction_id, out.seq, state))
        await self._record(out.interaction_id, out.seq, state, provider_id=result.provider_id,
                           attempts=item.attempts)
        early = self._early.pop((out.channel, result.provider_id), None) if result.provider_id else None
        if early is not None:
            await self.delivery(early)

    async def record_retry(self, item: OutboxItem, reason: str) -> None:
        await self._record(item.out.interaction_id, item.out.seq, Delivery.QUEUED, error=reason,
                           attempts=item.attempts)

    async def record_failed(self, item: OutboxItem, reason: str) -> None:
        await self._record(item.out.interaction_id, item.out.seq, Delivery.FAILED, error=reason,
                           attempts=item.attempts)

    async def _record(self, iid: str, seq: int, state: Delivery, *, error: str = "", provider_id: str = "",
                      attempts: int = 0) -> None:
        delay = 0.5
        while True:  # the send happened: its outcome must be journaled, or a restart would send it again
            try:
                await self._svc.set_delivery(iid, seq, state.value, error=error, provider_id=provider_id,
                                             attempts=attempts)
                return
            except SwitchboardError as e:
                log.error("delivery of %s:%d not journaled (%s); trying again", iid, seq, e.message)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def _remember_sent(self, pk: tuple[str, str], ref: _Sent) -> None:
        self._sent[pk] = ref
        while len(self._sent) > RECENT_SENT:
            self._sent.popitem(last=False)


__all__ = ["CHANNELS", "ChannelHub", "CursorFile", "forward"]
