"""The runner always ends: step caps, loops, unwired exits, bad documents, hangups and cancellation."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from edge_server.contract.designs import FlowDoc, FlowOutcome, Variable
from edge_server.flows.io import Choice, ListSink
from edge_server.flows.runtime import MAX_SAME_NODE, MAX_STEPS, FlowRunner
from tests.edge_server.flows.test_runtime_support import (
    FakeIO,
    FakeServices,
    HangupNow,
    flow,
    node,
    path,
    run,
    t,
)

pytestmark = pytest.mark.asyncio


async def test_a_loop_between_two_nodes_stops_at_the_step_cap() -> None:
    doc = flow(node("a", "set_variable", {"next": "b"}, assignments=[{"variable": "n", "value": "n + 1"}]),
               node("b", "message", {"next": "a"}, text=t("{n}")),
               variables=[Variable(name="n", type="number")])
    result, sink, io = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert f"more than {MAX_STEPS} steps" in result.error
    assert len(sink.steps) == MAX_STEPS
    assert result.variables["n"] == str(MAX_STEPS // 2)  # start, then a b a b ...: a is every even step


async def test_a_node_looping_on_itself_stops_after_ten_visits_in_a_row() -> None:
    doc = flow(node("a", "set_variable", {"next": "a"}, assignments=[{"variable": "n", "value": "n + 1"}]),
               variables=[Variable(name="n", type="number")])
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert f"ran more than {MAX_SAME_NODE} times in a row" in result.error and "a" in result.error
    assert path(sink) == ["start"] + ["a"] * MAX_SAME_NODE
    assert result.variables["n"] == str(MAX_SAME_NODE)


async def test_an_unwired_exit_fails_with_a_sentence_not_a_hang() -> None:
    doc = flow(node("m", "message", {"next": None}, text=t("hi")))
    doc.nodes[1].label = "Greeting"
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert result.error == "exit next of node 'Greeting' (m) is not connected"
    assert sink.steps[-1].exit == "next"


async def test_an_exit_to_a_missing_node_fails() -> None:
    doc = flow(node("m", "message", {"next": "ghost"}, text=t("hi")))
    result, _, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED and "ghost" in result.error and "does not exist" in result.error


async def test_an_unknown_node_type_fails_traced() -> None:
    doc = flow(node("x", "teleport", {"next": None}))
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED
    assert "unknown node type 'teleport'" in sink.steps[-1].error


@pytest.mark.parametrize(("entry", "nodes", "error"), [
    ("nope", True, "the entry node nope does not exist"),
    ("", False, "the flow has no start node"),
])
async def test_bad_entries_fail(entry: str, nodes: bool, error: str) -> None:
    doc = flow(node("end", "end"), entry=entry)
    if not nodes:
        doc.nodes = [node("end", "end")]
    result, sink, _ = await run(doc)
    assert result.outcome == FlowOutcome.FAILED and result.error == error and sink.steps == []


async def test_an_empty_entry_starts_at_the_start_node() -> None:
    result, sink, _ = await run(flow(node("end", "end"), entry=""))
    assert result.outcome == FlowOutcome.ENDED and path(sink) == ["start", "end"]


async def test_hangup_while_waiting_ends_hangup_with_the_step_traced() -> None:
    doc = flow(node("m", "menu", {"1": "end", "max_retries": "end"}, prompt=t("Choose"),
                    options=[{"key": "1", "label": t("One")}]), node("end", "end"))
    result, sink, _ = await run(doc, FakeIO(answers=[HangupNow]))
    assert result.outcome == FlowOutcome.HANGUP and result.error == ""
    assert path(sink) == ["start", "m"] and sink.steps[-1].exit == "" and sink.steps[-1].output == "Choose"


async def test_a_service_exception_fails_the_node_and_is_traced() -> None:
    class Broken(FakeServices):
        async def lookup_customer(self, kind: str, value: str) -> dict[str, object] | None:
            raise ConnectionError("crm is down")

    doc = flow(node("look", "customer_lookup", {"found": "end", "not_found": "end"}), node("end", "end"))
    result, sink, _ = await run(doc, services=Broken())
    assert result.outcome == FlowOutcome.FAILED
    assert sink.steps[-1].error == "crm is down" and "crm is down" in result.error


class _BlockingIO(FakeIO):
    """Waits for an answer that never comes, until cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = asyncio.Event()

    async def ask(self, *, timeout_s: float, max_digits: int = 0, terminator: str = "") -> str | None:
        self.waiting.set()
        await asyncio.Event().wait()
        return None

    async def say(self, text: str, *, audio: str = "", choices: Sequence[Choice] = ()) -> None:
        await super().say(text, audio=audio, choices=choices)


async def test_cancelling_the_runner_still_ends_the_trace() -> None:
    doc: FlowDoc = flow(node("c", "collect", {"ok": "end", "max_retries": "end"}, prompt=t("?"), variable="v"),
                        node("end", "end"), variables=[Variable(name="v")])
    io = _BlockingIO()
    sink = ListSink()
    runner = FlowRunner(doc, design_id="d", revision=1, io=io, services=FakeServices(), sink=sink, contact={})
    task = asyncio.create_task(runner.run())
    await asyncio.wait_for(io.waiting.wait(), 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sink.outcome == FlowOutcome.HANGUP and sink.error == "cancelled"


async def test_execution_ids_are_unique_unless_given() -> None:
    doc = flow(node("end", "end"))
    ids = set()
    for _ in range(3):
        sink = ListSink()
        await FlowRunner(doc, design_id="d", revision=1, io=FakeIO(), services=FakeServices(), sink=sink,
                         contact={}).run()
        assert sink.execution is not None
        ids.add(sink.execution.execution_id)
    assert len(ids) == 3
    sink = ListSink()
    await FlowRunner(doc, design_id="d", revision=1, io=FakeIO(), services=FakeServices(), sink=sink, contact={},
                     execution_id="given").run()
    assert sink.execution is not None and sink.execution.execution_id == "given"


async def test_a_bad_time_zone_fails_at_the_business_hours_node() -> None:
    doc = flow(node("hi", "message", {"next": "bh"}, text=t("hour {now.hour}")),
               node("bh", "business_hours", {"open": "end", "closed": "end"}, timezone="Mars/Olympus",
                    hours=[{"days": ["mon"], "open": "09:00", "close": "18:00"}]), node("end", "end"))
    result, sink, io = await run(doc)
    assert io.texts == ["hour 12"]  # now.* fell back to Asia/Shanghai
    assert result.outcome == FlowOutcome.FAILED and path(sink) == ["start", "hi", "bh"]
    assert sink.steps[-1].error == "unknown time zone 'Mars/Olympus'"
