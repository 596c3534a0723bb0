"""Runs published flows for conversations on text channels (web chat, WeChat, WeCom, Weibo, SMS, email).

The interactions service opens a conversation "in a flow" when the entry point it
arrived on is bound to a flow with a live revision, and tells this host. The host
starts the flow on the customer's first message, feeds it the customer's later
messages, and carries out what the flow asks: bot messages into the transcript
(the agent sees them), a hand-over to a queue, the end of the conversation. Each
execution runs on the revision it started with, whatever is published meanwhile.

Every step is journaled (FlowStepsRecorded) as it completes. A flow lives in
memory only: after an edge restart, conversations still in a flow are handed to
their fallback queue with a note, so nobody is left talking to a dead bot.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from edge_server.contract import events as ev
from edge_server.contract.designs import FlowDoc, FlowOutcome, TraceStep
from edge_server.contract.errors import SwitchboardError
from edge_server.contract.interactions import Identity, IdentityKind, InteractionInfo
from edge_server.flows import flow_reads
from edge_server.flows.io import Choice, ExecutionInfo, Hangup

if TYPE_CHECKING:
    import aiohttp

    from edge_server.interactions.customers import CustomerService
    from edge_server.interactions.service import InteractionService
    from edge_server.store import Store
    from edge_server.work.service import WorkService

log = logging.getLogger("sb.flows")

BOT_NAMES = {"zh-CN": "智能助手", "en": "Assistant"}
_INTERRUPTED = {
    "zh-CN": "抱歉，智能助手刚才中断了，正在为您转接人工客服。",
    "en": "Sorry, the assistant was interrupted. We are connecting you to an agent.",
}


class FlowSource(Protocol):
    """Where live flows come from (the design service)."""

    def live_flow(self, entry_kind: str, entry_key: str) -> tuple[str, int, FlowDoc] | None: ...


def _language(raw: str) -> str:
    return "en" if raw.lower().startswith("en") else "zh-CN"


class ChatFlowIO:
    """FlowIO for a conversation: says go into the transcript as bot messages, answers are the customer's
    next messages. Messages that arrive before a question is asked are not taken as its answer."""

    channel = "chat"

    def __init__(self, svc: InteractionService, interaction_id: str, language: str) -> None:
        self._svc = svc
        self._iid = interaction_id
        self.language = language
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self._gone = asyncio.Event()
        self.routed_to = ""

    def feed(self, text: str) -> None:
        self._inbox.put_nowait(text)

    def hangup(self) -> None:
        self._gone.set()

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        if self._gone.is_set():
            raise Hangup()
        if choices:
            text = "\n".join([text, *(f"{c.key}. {c.label}" for c in choices)]).strip()
        while not self._inbox.empty():  # typed before this prompt: not an answer to it
            self._inbox.get_nowait()
        if text:
            await self._svc.bot_message(self._iid, text, author_name=BOT_NAMES.get(self.language, "Assistant"))

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        if self._gone.is_set():
            raise Hangup()
        get = asyncio.ensure_future(self._inbox.get())
        gone = asyncio.ensure_future(self._gone.wait())
        try:
            done, _ = await asyncio.wait({get, gone}, timeout=max(0.0, timeout_s),
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            for f in (get, gone):
                if not f.done():
                    f.cancel()
        if get in done:
            return get.result()
        if gone in done:
            raise Hangup()
        return None

    async def record(self, *, max_seconds: int, timeout_s: float) -> str | None:
        return await self.ask(timeout_s=timeout_s)

    async def route(self, *, queue: str, priority: int, skills: dict[str, int], preferred_agent: str,
                    variables: dict[str, str]) -> bool:
        attrs = {f"flow.{k}": v for k, v in variables.items()}
        ok = await self._svc.route_from_flow(self._iid, queue=queue, priority=priority, skills=skills,
                                             preferred_agent=preferred_agent, attributes=attrs)
        if ok:
            self.routed_to = queue
        return ok

    async def transfer(self, number: str) -> bool:
        return False  # text channels have no number to transfer to


class EdgeFlowServices:
    """FlowServices for one conversation: customer lookup, work orders, the clock, HTTP."""

    def __init__(self, host: FlowHost, info: InteractionInfo, execution_id: str) -> None:
        self._host = host
        self._info = info
        self._execution_id = execution_id
        self.http: aiohttp.ClientSession | None = host.http

    async def lookup_customer(self, kind: str, value: str) -> dict[str, Any] | None:
        customers = self._host.customers
        if kind == "contact":
            customer_id = self._info.customer_id
        else:
            ident_kind = IdentityKind.PHONE if kind == "phone" else IdentityKind.EMAIL
            customer_id = await self._host.find_customer(ident_kind.value, value)
        if not customer_id:
            return None
        view = await customers.view(customer_id, timeline_limit=10)
        if view is None:
            return None
        card = view.card
        earlier = [t for t in view.timeline if t.interaction_id != self._info.interaction_id]
        # A customer created by this very conversation is not "found": the flow knows nothing of them yet.
        if kind == "contact" and not earlier and card.created_ms >= self._info.created_ms - 1000:
            return None
        last_agent = next((t.agent for t in earlier if t.agent), "")
        return {"id": card.customer_id, "name": card.name, "tier": card.tier, "vip": card.vip,
                "tags": list(card.tags), "last_agent": last_agent, "attributes": dict(card.attributes)}

    async def create_work_order(self, *, queue: str, subject: str, fields: dict[str, str], kind: str) -> str:
        info = self._info
        order_id = uuid.uuid4().hex
        now = self._host.now_ms()
        attrs = {k[:64]: str(v)[:1000] for k, v in fields.items()}
        attrs["work_order"] = kind
        attrs["interaction"] = info.interaction_id
        created = ev.WorkOrderCreated(ts_ms=now, order_id=order_id, queue=queue, subject=subject, fields=attrs,
                                      interaction_id=info.interaction_id, execution_id=self._execution_id,
                                      task_id=order_id)
        result = await self._host.work.create_internal(
            queue=queue, task_id=order_id, kind="outbound" if kind == "callback" else "inbound",
            customer_name=info.customer_name, customer_id=info.customer_id, subject=subject, attributes=attrs,
            extra_events=[created])
        if not result.accepted:
            raise RuntimeError(f"queue {queue} refused the work order: {result.reason}")
        return order_id

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._host.now_ms() / 1000, UTC)


class JournalSink:
    """TraceSink writing the execution to the store as it happens."""

    def __init__(self, host: FlowHost, interaction_id: str) -> None:
        self._host = host
        self._iid = interaction_id

    def started(self, execution: ExecutionInfo) -> None:
        self._host.append([ev.FlowExecutionStarted(
            ts_ms=execution.started_ms, execution_id=execution.execution_id, design_id=execution.design_id,
            revision=execution.revision, interaction_id=self._iid, channel=execution.channel)])

    def step(self, execution_id: str, step: TraceStep) -> None:
        self._host.append([ev.FlowStepsRecorded(ts_ms=step.ts_ms or self._host.now_ms(), execution_id=execution_id,
                                                steps=[msgspec.to_builtins(step)])])

    def ended(self, execution_id: str, outcome: FlowOutcome, error: str) -> None:
        if self._host.closing:  # cancelled by the edge stopping, not by the customer
            outcome, error = FlowOutcome.FAILED, "the edge stopped"
        self._host.append([ev.FlowExecutionEnded(ts_ms=self._host.now_ms(), execution_id=execution_id,
                                                 outcome=outcome.value, error=error[:1000])])


class _Pending:
    __slots__ = ("info", "design_id", "revision", "doc", "contact", "io", "task")

    def __init__(self, info: InteractionInfo, design_id: str, revision: int, doc: FlowDoc,
                 contact: dict[str, str], io: ChatFlowIO) -> None:
        self.info = info
        self.design_id = design_id
        self.revision = revision
        self.doc = doc
        self.contact = contact
        self.io = io
        self.task: asyncio.Task[None] | None = None


class FlowHost:
    def __init__(self, interactions: InteractionService, flows: FlowSource, customers: CustomerService,
                 work: WorkService, store: Store, *, now_ms: Callable[[], int] | None = None) -> None:
        self.interactions = interactions
        self.flows = flows
        self.customers = customers
        self.work = work
        self.store = store
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.http: aiohttp.ClientSession | None = None
        self._runs: dict[str, _Pending] = {}
        self.closing = False

    async def start(self) -> None:
        import aiohttp

        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.interactions.set_flow_host(self)

    async def close(self) -> None:
        self.closing = True
        self.interactions.set_flow_host(None)
        tasks = [r.task for r in self._runs.values() if r.task is not None]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._runs.clear()
        if self.http is not None:
            await self.http.close()
            self.http = None

    def append(self, events: list[ev.Event]) -> None:
        fut = self.store.append(events)
        fut.add_done_callback(_log_failure)

    async def find_customer(self, kind: str, value: str) -> str:
        from edge_server.interactions.identities import normalise_all

        try:
            ident = normalise_all([Identity(kind=IdentityKind(kind), value=value)],
                                  region=self.interactions.config.default_region)[0]
        except (ValueError, SwitchboardError, IndexError):
            return ""

        return await self.store.read(flow_reads.customer_by_identity, ident.kind.value, ident.value)

    # --- FlowHostPort (called by the interactions service) ---------------------------------

    def has_flow(self, entry_kind: str, entry_key: str) -> bool:
        return self.flows.live_flow(entry_kind, entry_key) is not None

    def opened(self, info: InteractionInfo, entry_kind: str, entry_key: str, contact: dict[str, str]) -> None:
        found = self.flows.live_flow(entry_kind, entry_key)
        if found is None:  # unbound between the check and now: hand it straight to the queue
            asyncio.get_running_loop().create_task(self._fallback(info.interaction_id, "unbound"))
            return
        design_id, revision, doc = found
        language = _language(contact.get("language", ""))
        io = ChatFlowIO(self.interactions, info.interaction_id, language)
        self._runs[info.interaction_id] = _Pending(info, design_id, revision, doc, dict(contact), io)

    def customer_said(self, interaction_id: str, text: str) -> None:
        run = self._runs.get(interaction_id)
        if run is None:
            return
        if run.task is None:  # the first message starts the flow; it is contact.message, not an answer
            run.contact["message"] = text
            run.task = asyncio.get_running_loop().create_task(self._run(run), name=f"flow-{interaction_id[:8]}")
        else:
            run.io.feed(text)

    def customer_left(self, interaction_id: str) -> None:
        run = self._runs.get(interaction_id)
        if run is not None:
            run.io.hangup()
            if run.task is None:
                self._runs.pop(interaction_id, None)

    # --- running ------------------------------------------------------------------------------

    async def _run(self, run: _Pending) -> None:
        from edge_server.flows.runtime import FlowRunner

        iid = run.info.interaction_id
        execution_id = uuid.uuid4().hex
        outcome = FlowOutcome.FAILED
        try:
            runner = FlowRunner(run.doc, design_id=run.design_id, revision=run.revision, io=run.io,
                                services=EdgeFlowServices(self, run.info, execution_id),
                                sink=JournalSink(self, iid), contact=run.contact, execution_id=execution_id)
            result = await runner.run()
            outcome = result.outcome
            log.info("flow %s r%d on %s ended %s%s", run.design_id, run.revision, iid, outcome.value,
                     f" ({result.error})" if result.error else "")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("flow %s on %s crashed", run.design_id, iid)
        finally:
            self._runs.pop(iid, None)
        try:
            if outcome in (FlowOutcome.ENDED, FlowOutcome.TRANSFERRED):
                await self.interactions.end_from_flow(iid, f"flow:{outcome.value}")
            elif outcome == FlowOutcome.FAILED:
                await self._fallback(iid, "failed", language=run.io.language)
            # ROUTED: the interaction is queued; HANGUP: the service closed it when the customer left.
        except SwitchboardError as e:
            log.warning("after the flow of %s: %s", iid, e.message)

    async def _fallback(self, iid: str, why: str, *, language: str = "zh-CN") -> None:
        """Hand a conversation whose flow cannot go on to its fallback queue (the entry's queue)."""
        info = self.interactions.info(iid)
        if info is None or info.state.value != "flow":
            return
        try:
            await self.interactions.bot_message(iid, _INTERRUPTED.get(language, _INTERRUPTED["en"]),
                                                author_name=BOT_NAMES.get(language, "Assistant"))
            if not await self.interactions.route_from_flow(iid, queue=info.queue, check_available=False):
                await self.interactions.end_from_flow(iid, f"flow:{why}:queue-refused")
        except SwitchboardError as e:
            log.warning("could not hand %s to %s after the flow %s: %s", iid, info.queue, why, e.message)

    async def recover_interrupted(self) -> int:
        """After a restart: conversations left in a flow go to their fallback queue; their executions end."""
        stuck = self.interactions.flow_interactions()
        if stuck:
            ids = [i.interaction_id for i in stuck]
            for execution_id in await self.store.read(flow_reads.running_executions, ids):
                self.append([ev.FlowExecutionEnded(ts_ms=self.now_ms(), execution_id=execution_id,
                                                   outcome=FlowOutcome.FAILED.value, error="the edge restarted")])
        for info in stuck:
            await self._fallback(info.interaction_id, "restart")
        if stuck:
            log.info("%d conversations were in a flow when the edge stopped: handed to their queues", len(stuck))
        return len(stuck)

    def running(self) -> list[str]:
        return list(self._runs)


def _log_failure(fut: asyncio.Future[int]) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("a flow trace could not be saved: %s", fut.exception())
