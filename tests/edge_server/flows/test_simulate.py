"""The simulator: scripted customer, mocks, transcript, pass/fail reports, step streaming, bounded time."""
from __future__ import annotations

import asyncio

import msgspec
import pytest

from edge_server.contract.designs import (
    FlowChannel,
    FlowDoc,
    FlowOutcome,
    FlowTestCase,
    SimulationResult,
    TraceStep,
    Variable,
)
from edge_server.flows import simulate as sim
from edge_server.flows.simulate import TIMEOUT_INPUT, simulate, simulate_steps
from tests.edge_server.flows.test_runtime_support import node, t

pytestmark = pytest.mark.asyncio


def support_flow() -> FlowDoc:
    """Greets, checks hours, looks the customer up, asks for an order number, checks it over HTTP, routes."""
    return FlowDoc(
        id="support", name="Support", entry="start",
        variables=[Variable(name="order"), Variable(name="status"), Variable(name="pin", sensitive=True)],
        nodes=[
            node("start", "start", {"next": "hours"}),
            node("hours", "business_hours", {"open": "look", "closed": "closed"},
                 hours=[{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "18:00"}]),
            node("closed", "end", text=t("We are closed", "已下班")),
            node("look", "customer_lookup", {"found": "menu", "not_found": "menu"}),
            node("menu", "menu", {"1": "ask", "2": "route", "max_retries": "route"},
                 prompt=t("Hi {customer.name}! Pick", "您好 {customer.name}，请选择"),
                 options=[{"key": "1", "label": t("Order", "订单")}, {"key": "2", "label": t("Agent", "人工")}]),
            node("ask", "collect", {"ok": "pin", "max_retries": "route"}, prompt=t("Order number?", "订单号？"),
                 variable="order", input="digits", max_retries=0),
            node("pin", "collect", {"ok": "check", "max_retries": "route"}, prompt=t("PIN?", "密码？"), variable="pin",
                 input="digits", max_retries=0),
            node("check", "http", {"ok": "say", "error": "route"}, url="https://shop/orders/{order}",
                 assign=[{"variable": "status", "path": "status"}]),
            node("say", "message", {"next": "end"}, text=t("Order {order}: {status}", "订单 {order}：{status}")),
            node("route", "route", {"unavailable": "sorry"}, queue="support", preferred_agent="customer.last_agent"),
            node("sorry", "end", text=t("Nobody is free", "暂无客服")),
            node("end", "end", text=t("Bye", "再见")),
        ],
    )


OPEN = "2026-11-23T10:00:00"  # Monday 10:00 in the flow's zone (Asia/Shanghai)


async def test_a_passing_test_reports_path_transcript_and_masked_variables() -> None:
    test = FlowTestCase(
        id="t1", name="order status", inputs=["订单", "12345", "9999"],
        mocks={"now": OPEN, "customer": {"id": "c1", "name": "韩梅梅", "last_agent": "zoe"},
               "http:check": {"status": 200, "body": {"status": "shipped"}}},
        expect_path=["start", "hours", "look", "menu", "ask", "pin", "check", "say", "end"],
        expect_outcome="ended", expect_vars={"order": "12345", "status": "shipped", "pin": "9999"})
    result = await simulate(support_flow(), test)
    assert result.passed, result.failures
    assert result.failures == [] and result.outcome == FlowOutcome.ENDED
    assert result.variables == {"order": "12345", "status": "shipped", "pin": "***"}
    assert result.transcript == [
        "bot: 您好 韩梅梅，请选择  [1] 订单  [2] 人工",
        "customer: 订单",
        "bot: 订单号？",
        "customer: 12345",
        "bot: 密码？",
        "customer: 9999",
        "bot: 订单 12345：shipped",
        "bot: 再见",
    ]
    assert [s.node_id for s in result.steps] == test.expect_path
    pin_step = result.steps[5]
    assert pin_step.input == "***" and pin_step.vars_changed == {"pin": "***"}
    # It travels as the wire message it is.
    again = msgspec.json.decode(msgspec.json.encode(result), type=SimulationResult)
    assert again == result


async def test_english_and_the_contact_values() -> None:
    test = FlowTestCase(id="t", name="en", inputs=["Agent"], contact={"name": "Bob", "from": "+15551234567"},
                        mocks={"now": OPEN, "route": "ok"}, expect_outcome="routed")
    result = await simulate(support_flow(), test, language="en")
    assert result.passed, result.failures
    assert result.transcript[0].startswith("bot: Hi ! Pick  [1] Order  [2] Agent")  # not found: no name
    assert result.transcript[-1] == "(routed to support)"


async def test_a_failing_test_says_why_in_sentences() -> None:
    test = FlowTestCase(id="t2", name="wrong expectations", inputs=["2"], mocks={"now": OPEN, "route": "unavailable"},
                        expect_path=["start", "hours", "look", "menu", "route"], expect_outcome="routed",
                        expect_vars={"order": "1", "pin": "0000", "ghost": "x"})
    result = await simulate(support_flow(), test)
    assert not result.passed and result.outcome == FlowOutcome.ENDED
    assert result.failures == [
        "expected the path start → hours → look → menu → route but it went "
        "start → hours → look → menu → route → sorry",
        "expected the outcome 'routed' but it ended 'ended'",
        "expected variable order = '1' but it is ''",
        "expected variable pin = '0000' but it is ***",
        "expected variable ghost = 'x' but the flow has no such variable",
    ]
    assert result.transcript[-2:] == ["(queue support unavailable)", "bot: 暂无客服"]


async def test_closed_hours_from_the_now_mock() -> None:
    test = FlowTestCase(id="t", name="night", mocks={"now": "2026-11-23T20:00:00"}, expect_path=["start", "hours",
                                                                                               "closed"])
    result = await simulate(support_flow(), test)
    assert result.passed and result.transcript == ["bot: 已下班"]
    # An explicit offset wins over the flow's zone: 02:00Z is 10:00 in Shanghai.
    test.mocks = {"now": "2026-11-23T02:00:00+00:00"}
    test.expect_path = []
    result = await simulate(support_flow(), test)
    assert [s.node_id for s in result.steps][:3] == ["start", "hours", "look"]


async def test_running_out_of_inputs_is_a_hangup_not_a_hang() -> None:
    test = FlowTestCase(id="t", name="quiet", inputs=["1"], mocks={"now": OPEN}, expect_outcome="hangup")
    result = await simulate(support_flow(), test)
    assert result.passed and result.outcome == FlowOutcome.HANGUP
    assert result.transcript[-1] == "customer: (left: no more scripted inputs)"
    assert result.steps[-1].node_id == "ask" and result.steps[-1].exit == ""


async def test_the_timeout_input_is_no_answer() -> None:
    test = FlowTestCase(id="t", name="slow", inputs=[TIMEOUT_INPUT, TIMEOUT_INPUT, TIMEOUT_INPUT],
                        mocks={"now": OPEN}, expect_outcome="routed")
    result = await simulate(support_flow(), test)
    assert result.passed, result.failures
    assert result.steps[3].exit == "max_retries" and result.steps[3].input.count("(no answer)") == 3


async def test_http_mock_errors_and_missing_mocks_take_the_error_exit() -> None:
    base = {"now": OPEN}
    inputs = ["1", "42", "1111"]
    for mocks, why in (({"http:check": {"error": "timeout"}}, "simulated timeout"),
                       ({"http:check": {"status": 500, "body": "boom"}}, "HTTP status 500"),
                       ({"http:check": {"status": 200, "body": "not json"}}, "not JSON"),
                       ({}, "no mock answer for HTTP node check")):
        result = await simulate(support_flow(), FlowTestCase(id="t", name="h", inputs=inputs, mocks={**base, **mocks},
                                                             expect_outcome="routed"))
        assert result.passed, (mocks, result.failures)
        check = next(s for s in result.steps if s.node_id == "check")
        assert check.exit == "error" and why in check.output, (mocks, check.output)


async def test_a_failed_flow_is_reported_and_may_be_expected() -> None:
    doc = support_flow()
    doc.nodes[1].exits["closed"] = None  # business hours is not terminal: unwired -> FAILED
    doc.nodes[1].type = "business_hours"
    test = FlowTestCase(id="t", name="f", mocks={"now": "2026-11-23T23:00:00"})
    result = await simulate(doc, test)
    assert not result.passed and result.outcome == FlowOutcome.FAILED
    assert result.failures == ["the flow failed: exit closed of node hours is not connected"]
    test.expect_outcome = "failed"
    assert (await simulate(doc, test)).passed


async def test_a_bad_now_mock_fails_the_test_clearly() -> None:
    result = await simulate(support_flow(), FlowTestCase(id="t", name="x", mocks={"now": "tomorrow"}))
    assert not result.passed and result.outcome == FlowOutcome.FAILED
    assert result.failures == ["mock \"now\" is not an ISO time: 'tomorrow'"]


async def test_voice_flows_simulate_keys() -> None:
    doc = FlowDoc(id="v", name="voice", channel=FlowChannel.VOICE, entry="s", nodes=[
        node("s", "start", {"next": "m"}),
        node("m", "menu", {"1": "tx", "max_retries": "e"}, prompt=t("Press 1"), max_retries=0,
             options=[{"key": "1", "label": t("Sales")}]),
        node("tx", "transfer_number", {"failed": "e"}, number="+862100000000"),
        node("e", "end"),
    ])
    ok = await simulate(doc, FlowTestCase(id="t", name="v", inputs=["1"], expect_outcome="transferred"))
    assert ok.passed, ok.failures
    assert ok.transcript[-1] == "(transferred to +862100000000)"
    # Voice menus take digits, not labels.
    no = await simulate(doc, FlowTestCase(id="t", name="v", inputs=["Sales"], expect_path=["s", "m", "e"]))
    assert no.passed, no.failures
    failed = await simulate(doc, FlowTestCase(id="t", name="v", inputs=["1"], mocks={"transfer": "failed"},
                                              expect_path=["s", "m", "tx", "e"], expect_outcome="ended"))
    assert failed.passed, failed.failures


async def test_callback_and_work_order_mocks() -> None:
    doc = FlowDoc(id="cb", name="cb", entry="s", nodes=[
        node("s", "start", {"next": "cb"}),
        node("cb", "callback", {"accepted": "e", "declined": "e"}, queue="callbacks", prompt=t("Call back?")),
        node("e", "end"),
    ])
    ok = await simulate(doc, FlowTestCase(id="t", name="c", inputs=["要"], contact={"from": "+8613800138000"},
                                          expect_path=["s", "cb", "e"]))
    assert ok.passed and ok.steps[1].exit == "accepted" and "sim-callback-1" in ok.steps[1].output
    bad = await simulate(doc, FlowTestCase(id="t", name="c", inputs=["1"], contact={"from": "+8613800138000"},
                                           mocks={"callback": "failed"}))
    assert bad.outcome == FlowOutcome.FAILED and "simulated callback failure" in bad.steps[1].error


async def test_simulate_steps_streams_each_step_then_the_result() -> None:
    test = FlowTestCase(id="t1", name="agent", inputs=["2"], mocks={"now": OPEN})
    items = [item async for item in simulate_steps(support_flow(), test)]
    *steps, last = items
    assert all(isinstance(s, TraceStep) for s in steps)
    assert isinstance(last, SimulationResult)
    assert [s.node_id for s in steps] == ["start", "hours", "look", "menu", "route"]
    assert last.steps == steps and last.outcome == FlowOutcome.ROUTED


async def test_simulate_steps_can_be_abandoned_midway() -> None:
    test = FlowTestCase(id="t1", name="agent", inputs=["2"], mocks={"now": OPEN})
    gen = simulate_steps(support_flow(), test)
    first = await anext(gen)
    assert isinstance(first, TraceStep) and first.node_id == "start"
    await gen.aclose()  # the designer closed the panel: nothing left running


async def test_a_run_that_never_ends_is_cut_at_the_wall_clock_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only a stuck service could do this (the scripted customer never waits); stand one in.
    async def stuck(self: sim.MockServices, kind: str, value: str) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(sim, "SIMULATION_TIMEOUT_S", 0.2)
    monkeypatch.setattr(sim.MockServices, "lookup_customer", stuck)
    result = await simulate(support_flow(), FlowTestCase(id="t", name="stuck", mocks={"now": OPEN}))
    assert result.outcome == FlowOutcome.FAILED and not result.passed
    assert result.failures == ["the flow failed: the simulation did not finish within 0.2 s"]
    assert [s.node_id for s in result.steps] == ["start", "hours"]
