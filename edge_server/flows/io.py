"""What the flow runtime needs from the world: the customer's channel, edge services, a trace sink.

The runner (edge_server/flows/runtime.py) only talks to these three protocols, so the
same code runs a live web chat (the lead's chat adapter), a phone call (the voice
gateway, later) and a designer simulation (edge_server/flows/simulate.py) without
knowing which.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from edge_server.contract.designs import FlowOutcome, TraceStep

if TYPE_CHECKING:  # aiohttp is only needed by live runs; simulations pass None.
    import aiohttp


class Hangup(Exception):
    """The customer left (chat closed, caller hung up)."""


@dataclass(frozen=True)
class Choice:
    """A menu option as shown to the customer (label already localised)."""

    key: str
    label: str


@dataclass(frozen=True)
class ExecutionInfo:
    """Identifies one run of a published flow revision (passed to TraceSink.started)."""

    execution_id: str
    design_id: str
    revision: int
    channel: str  # the FlowIO's channel: "chat" | "voice"
    started_ms: int  # from FlowServices.now()
    contact: dict[str, str] = field(default_factory=dict)  # contact.* values without the prefix


class FlowIO(Protocol):
    """The customer's side of one execution."""

    channel: str  # "chat" | "voice"
    language: str  # "zh-CN" | "en": picks the Text locale (fallback: doc.locales[0], then any)

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        """Chat: post a bot message (choices shown as buttons); voice: play ``audio`` or speak ``text``."""
        ...

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        """The next answer (chat: the visitor's next message; voice: DTMF digits); None on timeout.

        Called after say() sent the prompt. Raises Hangup when the customer left.
        """
        ...

    async def record(self, *, max_seconds: int, timeout_s: float) -> str | None:
        """Voicemail. Voice: path of the recording; chat: the visitor's next message; None on timeout."""
        ...

    async def route(self, *, queue: str, priority: int, skills: dict[str, int], preferred_agent: str,
                    variables: dict[str, str]) -> bool:
        """Hand the customer to routing; True = accepted (the flow ends ROUTED), False = unavailable.

        ``variables`` are the flow's variables as text (sensitive ones masked) for the agent's screen-pop.
        """
        ...

    async def transfer(self, number: str) -> bool:
        """Voice only: blind transfer to an external number; True = done (the flow ends TRANSFERRED)."""
        ...


@dataclass(frozen=True)
class HttpRequest:
    """What an HTTP node sends (URL and body already rendered)."""

    node_id: str
    method: str  # GET | POST | PUT
    url: str
    body: str  # JSON text ("" = no body)
    timeout_s: float


@dataclass(frozen=True)
class HttpReply:
    """What came back: ``error`` set (status 0) when nothing usable did (connection error, timeout, too big)."""

    status: int = 0
    body: bytes = b""
    error: str = ""


class HttpTransport(Protocol):
    """Answers HTTP nodes without the network (simulation mocks; tests)."""

    async def send(self, request: HttpRequest) -> HttpReply: ...


class FlowServices(Protocol):
    """Edge services a flow may call."""

    # Live: the edge's shared aiohttp session. Simulation: an HttpTransport answering from the test's mocks.
    # None: HTTP nodes take their error exit.
    http: aiohttp.ClientSession | HttpTransport | None

    async def lookup_customer(self, kind: str, value: str) -> dict[str, Any] | None:
        """kind "contact" (value = contact.from on its channel) | "phone" | "email".

        Returns {"id", "name", "tier", "vip", "tags", "last_agent", "attributes": {...}} or None.
        """
        ...

    async def create_work_order(self, *, queue: str, subject: str, fields: dict[str, str], kind: str) -> str:
        """kind "work_order" | "voicemail" | "callback"; returns the order/task id; raises on failure."""
        ...

    def now(self) -> datetime:
        """Aware (UTC) current time; business hours convert it to the node's time zone."""
        ...


class TraceSink(Protocol):
    """Receives the execution's trace as it happens (live: events to the store; simulation: a list)."""

    def started(self, execution: ExecutionInfo) -> None: ...

    def step(self, execution_id: str, step: TraceStep) -> None:
        """Called when a step is complete (its exit known, or its error set)."""
        ...

    def ended(self, execution_id: str, outcome: FlowOutcome, error: str) -> None: ...


class NullSink:
    """A TraceSink that keeps nothing (for callers that do not record traces)."""

    def started(self, execution: ExecutionInfo) -> None:
        pass

    def step(self, execution_id: str, step: TraceStep) -> None:
        pass

    def ended(self, execution_id: str, outcome: FlowOutcome, error: str) -> None:
        pass


@dataclass
class ListSink:
    """A TraceSink collecting everything in memory (simulation, tests)."""

    execution: ExecutionInfo | None = None
    steps: list[TraceStep] = field(default_factory=list)
    outcome: FlowOutcome = FlowOutcome.RUNNING
    error: str = ""

    def started(self, execution: ExecutionInfo) -> None:
        self.execution = execution

    def step(self, execution_id: str, step: TraceStep) -> None:
        self.steps.append(step)

    def ended(self, execution_id: str, outcome: FlowOutcome, error: str) -> None:
        self.outcome = outcome
        self.error = error
