"""VoiceFlowIO: an IVR script (what the flow runtime does) against a SIPp caller through a real worker."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from edge_server.flows.io import FlowIO, Hangup
from edge_server.voice.flow_io import VoiceFlowIO
from edge_server.voice.gateway import VoiceGateway
from edge_server.voice.prompts import Prompts, rms
from tests.edge_server.voice.voice_helpers import Recorder, gateway, needs_sipp, sipp, wait_exit  # noqa: F401

LONG = ("Thank you for calling Switchboard. All of our agents are busy helping other customers. "
        "Your call is important to us. Please stay on the line and we will be with you shortly.")


@needs_sipp
@pytest.mark.asyncio
async def test_ivr_menu_digit_then_voicemail(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    prompts = Prompts(tmp_path / "data")
    routed: list[dict[str, object]] = []

    async def route(call_id: str, **kw: object) -> bool:
        routed.append({"call_id": call_id, **kw})
        return False  # nobody available: the flow goes to voicemail

    with sipp(tmp_path, gw.config.sip_base_port, scenario="uac_ivr.xml", name="caller") as caller:
        call = await asyncio.wait_for(events.incoming.get(), 10)
        t0 = time.perf_counter()
        await gw.answer(call.call_id)
        assert await gw.wait_answered(call.call_id, 5)
        answer_ms = (time.perf_counter() - t0) * 1000
        assert call.to_uri.startswith("sip:4001@") and "13800138000" in call.from_uri
        assert call.headers["X-Test-Case"] == "ivr"
        io: FlowIO = VoiceFlowIO(gw, call.call_id, "en", prompts=prompts, recordings_dir=tmp_path / "vm", route=route)
        # The menu prompt is long; the caller presses 1 after 1.5 s: barge-in stops it, ask() gets the digit.
        started = time.monotonic()
        await io.say(LONG)
        assert time.monotonic() - started < 4  # the prompt (> 8 s) was cut by the digit
        assert await io.ask(timeout_s=5, max_digits=1) == "1"
        assert await io.route(queue="sales", priority=1, skills={}, preferred_agent="", variables={"menu": "1"}) is False
        assert routed == [{"call_id": call.call_id, "queue": "sales", "priority": 1, "skills": {}, "preferred_agent": "",
                           "variables": {"menu": "1"}}]
        path = await io.record(max_seconds=3, timeout_s=5)
        assert path is not None and Path(path).parent == tmp_path / "vm"
        level = rms(path)
        assert level > 100, level  # the caller's speech (SIPp's G.711 pcap) is in the voicemail
        assert await io.ask(timeout_s=0.3, max_digits=1) is None  # nothing pressed: timeout
        await io.say("Goodbye.")
        await gw.hangup(call.call_id)
        assert await wait_exit(caller, 10) == 0  # SIPp got our BYE as its scenario expects
    assert [d.digit for d in events.dtmf] == ["1"]
    print(f"\nIVR: Answer command -> answered (ACK in) {answer_ms:.1f} ms; voicemail RMS {level:.0f}")


@needs_sipp
@pytest.mark.asyncio
async def test_caller_hangs_up_mid_prompt(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    prompts = Prompts(tmp_path / "data")
    with sipp(tmp_path, gw.config.sip_base_port, scenario="uac_hangup.xml", name="caller") as caller:
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        io = VoiceFlowIO(gw, call.call_id, "zh-CN", prompts=prompts, recordings_dir=tmp_path / "vm")
        started = time.monotonic()
        with pytest.raises(Hangup):
            await io.say("感谢您的来电，我们的客服人员正在忙碌中，请您耐心等待，我们将尽快为您服务。谢谢。" * 2)
        assert time.monotonic() - started < 3  # the BYE came 0.8 s after the ACK
        with pytest.raises(Hangup):
            await io.ask(timeout_s=5, max_digits=1)
        with pytest.raises(Hangup):
            await io.record(max_seconds=5, timeout_s=5)
        with pytest.raises(Hangup):
            await io.transfer("4002")
        assert await wait_exit(caller, 10) == 0
    ends = [s for s in events.states if s.call_id == call.call_id and s.state == "disconnected"]
    assert len(ends) == 1


@needs_sipp
@pytest.mark.asyncio
async def test_caller_hangs_up_during_collect(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    with sipp(tmp_path, gw.config.sip_base_port, scenario="uac_hangup.xml", name="caller"):
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        io = VoiceFlowIO(gw, call.call_id, "en", prompts=Prompts(tmp_path / "data"), recordings_dir=tmp_path)
        started = time.monotonic()
        with pytest.raises(Hangup):
            await io.ask(timeout_s=10, max_digits=4, terminator="#")
        assert time.monotonic() - started < 3


@needs_sipp
@pytest.mark.asyncio
async def test_blind_transfer(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    with sipp(tmp_path, gw.config.sip_base_port, "-trace_msg", scenario="uac_transfer.xml", name="caller") as caller:
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        assert await gw.wait_answered(call.call_id, 5)
        io = VoiceFlowIO(gw, call.call_id, "en", prompts=Prompts(tmp_path / "data"), recordings_dir=tmp_path,
                         transfer_uri=lambda number: f"sip:{number}@127.0.0.1:5999")
        done = await io.transfer("4002")
        rc = await wait_exit(caller, 10)
        await events.until(lambda: not gw.is_live(call.call_id), 5)  # our BYE's 200 reaches the worker
    trace = "".join(f.read_text(errors="replace") for f in tmp_path.glob("*messages.log"))
    states = [s for s in events.states if s.call_id == call.call_id]
    assert done is True, (states, trace[-3000:])
    assert rc == 0, (states, trace[-3000:])  # REFER accepted, NOTIFY 200, then our BYE
    assert "Refer-To: <sip:4002@127.0.0.1:5999>" in trace or "Refer-To: sip:4002@127.0.0.1:5999" in trace
    assert [s.state for s in states][-2:] == ["transfer", "disconnected"], states


@needs_sipp
@pytest.mark.asyncio
async def test_sip_info_dtmf_with_terminator(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    with sipp(tmp_path, gw.config.sip_base_port, scenario="uac_info_dtmf.xml", name="caller") as caller:
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        io = VoiceFlowIO(gw, call.call_id, "en", prompts=Prompts(tmp_path / "data"), recordings_dir=tmp_path)
        assert await io.ask(timeout_s=5, max_digits=0, terminator="#") == "42"
        assert await wait_exit(caller, 10) == 0
    assert [d.digit for d in events.dtmf] == ["4", "2", "#"]
