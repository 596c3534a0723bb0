"""A published-style flow run by the real FlowRunner over a phone call: menu (DTMF) -> route -> voicemail."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from edge_server.contract.designs import FlowDoc, FlowNode, FlowOutcome
from edge_server.flows.io import ListSink
from edge_server.flows.runtime import FlowRunner
from edge_server.voice.flow_io import VoiceFlowIO
from edge_server.voice.gateway import VoiceGateway
from edge_server.voice.prompts import Prompts, rms
from tests.edge_server.voice.voice_helpers import Recorder, gateway, needs_sipp, sipp, wait_exit  # noqa: F401


def t(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


def ivr_doc() -> FlowDoc:
    return FlowDoc(
        id="ivr", name="Phone menu", entry="n_start",
        nodes=[
            FlowNode(id="n_start", type="start", exits={"next": "n_menu"}),
            FlowNode(id="n_menu", type="menu", config={
                "prompt": t("Welcome to Switchboard.", "欢迎致电。"), "timeout_s": 6, "max_retries": 1,
                "options": [{"key": "1", "label": t("Sales", "销售")}, {"key": "2", "label": t("Support", "售后")}]},
                exits={"1": "n_route", "2": "n_route", "timeout": "n_end", "no_match": "n_end",
                       "max_retries": "n_end"}),
            FlowNode(id="n_route", type="route", config={"queue": "sales", "priority": "1"},
                     exits={"unavailable": "n_vm"}),
            FlowNode(id="n_vm", type="voicemail", config={
                "queue": "sales", "prompt": t("Please leave a message.", "请留言。"), "max_seconds": 3},
                exits={"done": "n_end"}),
            FlowNode(id="n_end", type="end", config={"text": t("Goodbye.", "再见。")}),
        ],
    )


class Services:
    http = None

    def __init__(self) -> None:
        self.orders: list[dict[str, Any]] = []

    async def lookup_customer(self, kind: str, value: str) -> dict[str, Any] | None:
        return None

    async def create_work_order(self, *, queue: str, subject: str, fields: dict[str, str], kind: str) -> str:
        self.orders.append({"queue": queue, "subject": subject, "fields": fields, "kind": kind})
        return f"wo-{len(self.orders)}"

    def now(self) -> datetime:
        return datetime.now(UTC)


@needs_sipp
@pytest.mark.asyncio
async def test_flow_menu_route_voicemail_over_a_call(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    services, sink = Services(), ListSink()
    queues: list[str] = []

    async def route(call_id: str, *, queue: str, **_: object) -> bool:
        queues.append(queue)
        return False

    with sipp(tmp_path, gw.config.sip_base_port, scenario="uac_ivr.xml", name="caller") as caller:
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        assert await gw.wait_answered(call.call_id, 5)
        io = VoiceFlowIO(gw, call.call_id, "en", prompts=Prompts(tmp_path / "data"), recordings_dir=tmp_path / "vm",
                         route=route)
        runner = FlowRunner(ivr_doc(), design_id="ivr", revision=1, io=io, services=services, sink=sink,
                            contact={"from": call.from_uri, "to": call.to_uri})
        result = await asyncio.wait_for(runner.run(), 30)
        await gw.hangup(call.call_id)
        assert await wait_exit(caller, 10) == 0
    assert result.outcome == FlowOutcome.ENDED, result.error
    assert queues == ["sales"]
    assert [s.node_id for s in sink.steps] == ["n_start", "n_menu", "n_route", "n_vm", "n_end"]
    menu = sink.steps[1]
    assert menu.input == "1" and menu.exit == "1"
    assert "Welcome to Switchboard." in menu.output and "press 1" not in menu.output  # trace keeps the node's text
    assert len(services.orders) == 1 and services.orders[0]["kind"] == "voicemail"
    recording = services.orders[0]["fields"]["recording"]
    assert Path(recording).is_file() and rms(recording) > 100
