"""The durable outbox of one channel account: agents' messages sent in order, retried only when safe.

The message is stored (its delivery ``queued``, in the same batch as the message) before it gets
here, so a crash loses nothing: the hub queues the still-``queued`` ones again at start with the
same idempotency key. A send is retried only when the adapter says the platform certainly did not
take it (``SendError.not_sent``) or the adapter's sends are idempotent, so a retry never delivers
a message twice. One worker per account sends one message at a time; messages of one interaction
keep their order (a message in back-off holds back the later ones of its interaction only).
"""
from __future__ import annotations

import asyncio
import bisect
import logging
import random
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import msgspec

from edge_server.channels.base import ChannelAdapter, OutboundMessage, SendError, SendResult

log = logging.getLogger("sb.channels.outbox")

#: First back-off; doubles per attempt up to the configured maximum, with jitter.
BASE_BACKOFF_S = 1.0


@dataclass(order=True)
class OutboxItem:
    seq: int
    out: OutboundMessage = field(compare=False)
    attempts: int = field(default=0, compare=False)  # sends made so far (journaled with each state)


class DeliveryBook(Protocol):
    """Where the outbox records what became of a message (the hub: journal + push)."""

    async def record_sent(self, item: OutboxItem, result: SendResult) -> None: ...

    async def record_retry(self, item: OutboxItem, reason: str) -> None: ...

    async def record_failed(self, item: OutboxItem, reason: str) -> None: ...


class AccountOutbox:
    """The FIFO worker of one adapter; ``put`` from the edge loop, ``run`` as a task."""

    def __init__(self, adapter: ChannelAdapter, book: DeliveryBook, *, max_attempts: int, max_backoff_s: float,
                 base_backoff_s: float = BASE_BACKOFF_S, clock: Callable[[], float] | None = None,
                 rng: random.Random | None = None) -> None:
        self.adapter = adapter
        self._book = book
        self._max_attempts = max(1, max_attempts)
        self._max_backoff = max_backoff_s
        self._base = base_backoff_s
        self._clock = clock or asyncio.get_running_loop().time
        self._rng = rng or random.Random()
        self._lanes: OrderedDict[str, list[OutboxItem]] = OrderedDict()  # interaction -> items in seq order
        self._not_before: dict[str, float] = {}  # interaction in back-off -> loop time
        self._keys: set[str] = set()  # idempotency keys queued (a restart's re-queue meets live ones)
        self._wake = asyncio.Event()
        self.sent = 0
        self.failed = 0

    def put(self, item: OutboxItem) -> bool:
        """Queue a message (in seq order within its interaction); False if it is queued already."""
        if item.out.idempotency_key in self._keys:
            return False
        self._keys.add(item.out.idempotency_key)
        lane = self._lanes.setdefault(item.out.interaction_id, [])
        bisect.insort(lane, item)
        self._wake.set()
        return True

    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    async def run(self) -> None:
        while True:
            iid = self._next_ready()
            if iid is None:
                await self._sleep()
                continue
            lane = self._lanes[iid]
            item = lane[0]
            if await self._attempt(item):
                lane.pop(0)
                self._keys.discard(item.out.idempotency_key)
                if not lane:
                    del self._lanes[iid]
            else:
                self._lanes.move_to_end(iid)  # the others of this account go first meanwhile

    def _next_ready(self) -> str | None:
        now = self._clock()
        for iid in self._lanes:
            if self._not_before.get(iid, 0.0) <= now:
                self._not_before.pop(iid, None)
                return iid
        return None

    async def _sleep(self) -> None:
        self._wake.clear()
        waits = [t for iid, t in self._not_before.items() if iid in self._lanes]
        timeout = max(0.0, min(waits) - self._clock()) if waits else None
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass

    async def _attempt(self, item: OutboxItem) -> bool:
        """One send; True when the message is done (sent or failed for good)."""
        item.attempts += 1
        out = msgspec.structs.replace(item.out, attempt=item.attempts)
        ch = f"{self.adapter.channel}/{self.adapter.account}"
        try:
            result = await self.adapter.send(out)
        except SendError as e:
            if e.permanent:
                log.info("%s: %s refused for good: %s", ch, out.idempotency_key, e.reason)
                return await self._fail(item, e.reason)
            safe = e.not_sent or bool(getattr(self.adapter, "idempotent_sends", False))
            if not safe:
                # The platform may have it: sending again could deliver it twice. The agent decides.
                log.warning("%s: %s outcome unknown, not retried: %s", ch, out.idempotency_key, e.reason)
                return await self._fail(item, f"the platform did not confirm the message ({e.reason})")
            if item.attempts >= self._max_attempts:
                return await self._fail(item, f"{e.reason} (gave up after {item.attempts} attempts)")
            delay = self._backoff(item.attempts, e.retry_after_s)
            log.info("%s: %s not sent (%s); attempt %d in %.2f s", ch, out.idempotency_key, e.reason,
                     item.attempts + 1, delay)
            self._not_before[out.interaction_id] = self._clock() + delay
            await self._book.record_retry(item, e.reason)
            return False
        except Exception as e:  # an adapter's bug: the outcome is unknown, so never resend
            log.exception("%s: send of %s crashed", ch, out.idempotency_key)
            return await self._fail(item, f"the channel failed: {type(e).__name__}")
        self.sent += 1
        await self._book.record_sent(item, result)
        return True

    async def _fail(self, item: OutboxItem, reason: str) -> bool:
        self.failed += 1
        await self._book.record_failed(item, reason)
        return True

    def _backoff(self, attempts: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(max(0.0, retry_after_s), self._max_backoff)
        ceiling = min(self._max_backoff, self._base * 2 ** (attempts - 1))
        return ceiling * (0.5 + self._rng.random() / 2)  # jitter: accounts retrying together spread out
