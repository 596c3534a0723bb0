"""Run a flow against a saved test case: scripted customer, mocked services, the real runner.

The designer (locally) and the edge (``run_simulation``) both call this. Nothing
here touches the network or the store: HTTP nodes, lookups, routing and work
orders are answered from ``FlowTestCase.mocks``. A run cannot hang: the customer
"hangs up" when the scripted inputs run out, and the whole run is bounded by
SIMULATION_TIMEOUT_S.

Scripted inputs: each is what the customer types (chat) or keys (voice) at the
next waiting node; the special input ``<timeout>`` stands for no answer at all.
"""
from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edge_server.contract.designs import (
    FlowChannel,
    FlowDoc,
    FlowOutcome,
    FlowTestCase,
    SimulationResult,
    TraceStep,
)
from edge_server.flows import hours
from edge_server.flows.io import Choice, ExecutionInfo, Hangup, HttpReply, HttpRequest
from edge_server.flows.runtime import FlowRunner, first_timezone

SIMULATION_TIMEOUT_S = 5.0
TIMEOUT_INPUT = "<timeout>"


class ScriptedIO:
    """The customer of a test case: answers from the script, records a transcript."""

    def __init__(self, channel: str, language: str, inputs: Sequence[str], mocks: Mapping[str, Any]) -> None:
        self.channel = channel
        self.language = language
        self._inputs = list(inputs)
        self._mocks = mocks
        self.transcript: list[str] = []

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        line = text or f"[{audio}]"
        if choices:
            line += "  " + "  ".join(f"[{c.key}] {c.label}" for c in choices)
        self.transcript.append(f"bot: {line}")

    def _next(self) -> str | None:
        if not self._inputs:
            self.transcript.append("customer: (left: no more scripted inputs)")
            raise Hangup()
        answer = self._inputs.pop(0)
        if answer == TIMEOUT_INPUT:
            self.transcript.append("customer: (no answer)")
            return None
        self.transcript.append(f"customer: {answer}")
        return answer

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        answer = self._next()
        if answer is not None and terminator and terminator in answer:
            answer = answer.split(terminator, 1)[0]  # as a phone collects digits up to the end key
        if answer is not None and max_digits:
            answer = answer[:max_digits]
        return answer

    async def record(self, *, max_seconds: int, timeout_s: float) -> str | None:
        return self._next()

    async def route(self, *, queue: str, priority: int, skills: dict[str, int], preferred_agent: str,
                    variables: dict[str, str]) -> bool:
        ok = str(self._mocks.get("route", "ok")) == "ok"
        self.transcript.append(f"(routed to {queue})" if ok else f"(queue {queue} unavailable)")
        return ok

    async def transfer(self, number: str) -> bool:
        ok = str(self._mocks.get("transfer", "ok")) == "ok"
        self.transcript.append(f"(transferred to {number})" if ok else f"(transfer to {number} failed)")
        return ok


class MockHttp:
    """Answers HTTP nodes from ``mocks["http:<node id>"]``: {"status", "body"} or {"error": ...}."""

    def __init__(self, mocks: Mapping[str, Any]) -> None:
        self._mocks = mocks

    async def send(self, request: HttpRequest) -> HttpReply:
        mock = self._mocks.get(f"http:{request.node_id}")
        if not isinstance(mock, Mapping):
            return HttpReply(error=f"the test has no mock answer for HTTP node {request.node_id}")
        if mock.get("error"):
            return HttpReply(error=f"simulated {mock['error']}")
        body = mock.get("body")
        raw = body.encode() if isinstance(body, str) else b"" if body is None else json.dumps(body).encode()
        return HttpReply(status=int(mock.get("status", 200)), body=raw)


class MockServices:
    """Lookups, work orders and the clock from the test's mocks."""

    def __init__(self, mocks: Mapping[str, Any], timezone: str) -> None:
        self._mocks = mocks
        self.http = MockHttp(mocks)
        self._now = _mock_now(mocks.get("now"), timezone)
        self._ids = itertools.count(1)
        self.orders: list[dict[str, Any]] = []

    async def lookup_customer(self, kind: str, value: str) -> dict[str, Any] | None:
        found = self._mocks.get("customer")
        return dict(found) if isinstance(found, Mapping) else None

    async def create_work_order(self, *, queue: str, subject: str, fields: dict[str, str], kind: str) -> str:
        key = "callback" if kind == "callback" else "work_order"
        if str(self._mocks.get(key, "ok")) != "ok":
            raise RuntimeError(f"simulated {kind} failure")
        self.orders.append({"queue": queue, "subject": subject, "fields": dict(fields), "kind": kind})
        return f"sim-{kind}-{next(self._ids)}"

    def now(self) -> datetime:
        return self._now or datetime.now(UTC)


def _mock_now(value: Any, timezone: str) -> datetime | None:
    """The mock "now": ISO local time in the flow's time zone (an explicit offset wins)."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError as e:
        raise ValueError(f'mock "now" is not an ISO time: {value!r}') from e
    if t.tzinfo is None:
        t = t.replace(tzinfo=hours.zone(timezone))
    return t.astimezone(UTC)


@dataclass
class _QueueSink:
    """Collects the trace and hands each step to a callback as it completes."""

    on_step: Callable[[TraceStep], None] | None = None
    steps: list[TraceStep] = field(default_factory=list)
    outcome: FlowOutcome = FlowOutcome.RUNNING
    error: str = ""

    def started(self, execution: ExecutionInfo) -> None:
        pass

    def step(self, execution_id: str, step: TraceStep) -> None:
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def ended(self, execution_id: str, outcome: FlowOutcome, error: str) -> None:
        self.outcome = outcome
        self.error = error


def _compare(test: FlowTestCase, result: SimulationResult, raw_vars: Mapping[str, str],
             sensitive: frozenset[str]) -> list[str]:
    failures: list[str] = []
    path = [s.node_id for s in result.steps]
    if test.expect_path and path != list(test.expect_path):
        failures.append(f"expected the path {' → '.join(test.expect_path)} but it went "
                        f"{' → '.join(path) or '(nowhere)'}")
    if test.expect_outcome and test.expect_outcome != result.outcome.value:
        failures.append(f"expected the outcome {test.expect_outcome!r} but it ended {result.outcome.value!r}")
    for name, want in test.expect_vars.items():
        if name not in raw_vars:
            failures.append(f"expected variable {name} = {want!r} but the flow has no such variable")
            continue
        got = raw_vars[name]
        if got != want:
            shown = "***" if name in sensitive else repr(got)
            failures.append(f"expected variable {name} = {want!r} but it is {shown}")
    return failures


async def simulate(doc: FlowDoc, test: FlowTestCase, *, language: str = "zh-CN",
                   on_step: Callable[[TraceStep], None] | None = None) -> SimulationResult:
    """Run ``test`` against ``doc``; ``on_step`` sees each step as it completes."""
    channel = "voice" if doc.channel == FlowChannel.VOICE else "chat"
    tz = first_timezone(doc)
    io = ScriptedIO(channel, language, test.inputs, test.mocks)
    sink = _QueueSink(on_step)
    try:
        services = MockServices(test.mocks, tz)
    except (ValueError, hours.HoursError) as e:
        return SimulationResult(outcome=FlowOutcome.FAILED, passed=False, failures=[str(e)])
    contact = {"channel": channel, "from": "", "to": "", "name": "", "language": language, **test.contact}
    runner = FlowRunner(doc, design_id=doc.id, revision=0, io=io, services=services, sink=sink, contact=contact,
                        execution_id=f"sim-{test.id}")
    failures: list[str] = []
    try:
        async with asyncio.timeout(SIMULATION_TIMEOUT_S):
            result = await runner.run()
        outcome, error, raw, masked = result.outcome, result.error, result.variables, result.masked()
    except TimeoutError:
        outcome, error = FlowOutcome.FAILED, f"the simulation did not finish within {SIMULATION_TIMEOUT_S:g} s"
        raw = runner.variables()
        masked = {k: "***" if k in result_sensitive(doc) else v for k, v in raw.items()}
    sim = SimulationResult(outcome=outcome, steps=list(sink.steps), variables=masked, transcript=io.transcript)
    if error:
        failures.append(f"the flow failed: {error}" if outcome == FlowOutcome.FAILED else error)
    failures.extend(_compare(test, sim, raw, result_sensitive(doc)))
    # A run that FAILED passes only when the test expects exactly that.
    if outcome == FlowOutcome.FAILED and test.expect_outcome == FlowOutcome.FAILED.value:
        failures = [f for f in failures if not f.startswith("the flow failed")]
    sim.failures = failures
    sim.passed = not failures
    return sim


def result_sensitive(doc: FlowDoc) -> frozenset[str]:
    return frozenset(v.name for v in doc.variables if v.sensitive)


async def simulate_steps(doc: FlowDoc, test: FlowTestCase, *,
                         language: str = "zh-CN") -> AsyncIterator[TraceStep | SimulationResult]:
    """Yield each TraceStep as it completes, then the SimulationResult (last item), for animating the path."""
    queue: asyncio.Queue[TraceStep] = asyncio.Queue()
    task = asyncio.create_task(simulate(doc, test, language=language, on_step=queue.put_nowait))
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield getter.result()
                continue
            getter.cancel()
            while not queue.empty():
                yield queue.get_nowait()
            yield task.result()
            return
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
