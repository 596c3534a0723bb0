"""Builders and world doubles shared by the runtime tests (no tests here).

FakeIO and FakeServices are the FlowIO / FlowServices of a test: they answer from a
script and record every call, so a test can assert exactly what the flow said,
asked and did.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edge_server.contract.designs import FlowChannel, FlowDoc, FlowNode, Variable
from edge_server.flows.io import Choice, Hangup, ListSink
from edge_server.flows.runtime import FlowResult, FlowRunner

NOON_SHANGHAI_MONDAY = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # Mon 12:00 in Asia/Shanghai


def t(en: str, zh: str | None = None) -> dict[str, str]:
    return {"en": en, "zh-CN": zh if zh is not None else f"{en}（中）"}


def node(node_id: str, type_: str, exits: dict[str, str | None] | None = None, **config: Any) -> FlowNode:
    return FlowNode(id=node_id, type=type_, config=config, exits=dict(exits or {}))


def flow(*nodes: FlowNode, variables: Sequence[Variable] = (), channel: FlowChannel = FlowChannel.CHAT,
         entry: str = "start") -> FlowDoc:
    """A flow beginning with a start node wired to the first given node."""
    start = node("start", "start", {"next": nodes[0].id if nodes else None})
    return FlowDoc(id="f1", name="test flow", channel=channel, entry=entry, variables=list(variables),
                   nodes=[start, *nodes])


class HangupNow:
    """Put in FakeIO.answers: the customer leaves at that question."""


@dataclass
class FakeIO:
    answers: list[str | None | type[HangupNow]] = field(default_factory=list)
    channel: str = "chat"
    language: str = "en"
    route_ok: bool = True
    transfer_ok: bool = True
    said: list[tuple[str, str, tuple[Choice, ...]]] = field(default_factory=list)
    asks: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [s[0] for s in self.said]

    def _next(self) -> str | None:
        if not self.answers:
            raise AssertionError("the flow asked more than the test scripted")
        a = self.answers.pop(0)
        if a is HangupNow:
            raise Hangup()
        assert a is None or isinstance(a, str)
        return a

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        self.said.append((text, audio, tuple(choices)))

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        self.asks.append({"timeout_s": timeout_s, "max_digits": max_digits, "terminator": terminator})
        return self._next()

    async def record(self, *, max_seconds: int, timeout_s: float) -> str | None:
        self.records.append({"max_seconds": max_seconds, "timeout_s": timeout_s})
        return self._next()

    async def route(self, *, queue: str, priority: int, skills: dict[str, int], preferred_agent: str,
                    variables: dict[str, str]) -> bool:
        self.routes.append({"queue": queue, "priority": priority, "skills": skills,
                            "preferred_agent": preferred_agent, "variables": variables})
        return self.route_ok

    async def transfer(self, number: str) -> bool:
        self.transfers.append(number)
        return self.transfer_ok


@dataclass
class FakeServices:
    customer: dict[str, Any] | None = None
    when: datetime = NOON_SHANGHAI_MONDAY
    fail_orders: bool = False
    http: Any = None
    lookups: list[tuple[str, str]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)

    async def lookup_customer(self, kind: str, value: str) -> dict[str, Any] | None:
        self.lookups.append((kind, value))
        return self.customer

    async def create_work_order(self, *, queue: str, subject: str, fields: dict[str, str], kind: str) -> str:
        if self.fail_orders:
            raise RuntimeError("the queue is closed")
        self.orders.append({"queue": queue, "subject": subject, "fields": fields, "kind": kind})
        return f"wo-{len(self.orders)}"

    def now(self) -> datetime:
        return self.when


async def run(doc: FlowDoc, io: FakeIO | None = None, services: FakeServices | None = None,
              contact: dict[str, str] | None = None) -> tuple[FlowResult, ListSink, FakeIO]:
    io = io or FakeIO()
    sink = ListSink()
    runner = FlowRunner(doc, design_id="d1", revision=3, io=io, services=services or FakeServices(), sink=sink,
                        contact=contact or {"channel": io.channel, "from": "+8613800138000", "name": "Li Lei"})
    result = await runner.run()
    assert sink.outcome == result.outcome  # the sink always hears the end, with the same outcome
    return result, sink, io


def path(sink: ListSink) -> list[str]:
    return [s.node_id for s in sink.steps]


def exits(sink: ListSink) -> list[str]:
    return [s.exit for s in sink.steps]
