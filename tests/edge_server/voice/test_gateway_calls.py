"""The gateway with real worker processes and SIPp as carrier and agent phone."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zmq

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.voice import protocol as p
from edge_server.voice.gateway import VoiceGateway
from edge_server.voice.prompts import Prompts, rms
from tests.edge_server.voice.voice_helpers import (  # noqa: F401 - fixture
    Recorder, free_sip_port, free_udp_port, gateway, needs_sipp, sipp, wait_exit,
)

ROOT = Path(__file__).resolve().parents[3]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_gateway_module_never_imports_pjsua2() -> None:
    code = ("import sys, edge_server.voice.gateway, edge_server.voice.flow_io, edge_server.voice.prompts\n"
            "print('pjsua2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.asyncio
async def test_bad_commands_get_error_replies_and_the_worker_lives(gateway: tuple[VoiceGateway, Recorder]) -> None:
    gw, _ = gateway
    wid = gw.worker_ids()[0]
    with pytest.raises(SwitchboardError) as e:
        await gw.request(wid, p.Answer(req=0, call_id="nope"))
    assert e.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(SwitchboardError) as e:
        await gw.request(wid, p.Bridge(req=0, a="x", b="y"))
    assert e.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(SwitchboardError) as e:
        await gw.play("unknown-call", "/nonexistent.wav")
    assert e.value.code == ErrorCode.NOT_FOUND  # the gateway knows no such call
    # Garbage straight onto the control socket: the worker logs and ignores it.
    assert gw._sock is not None
    await gw._sock.send_multipart([wid.encode(), b"\xc1garbage"])
    await gw._sock.send_multipart([wid.encode(), p.encode(p.Ready(worker_id="x", sip_port=1, capacity=1))])
    pong = await gw.ping(wid)
    assert pong == {"calls": 0, "pid": gw.worker_pid(wid)}
    with pytest.raises(SwitchboardError) as e:
        await gw.request("w9", p.Ping(req=0))
    assert e.value.code == ErrorCode.UNAVAILABLE


@needs_sipp
@pytest.mark.asyncio
async def test_worker_killed_drops_its_calls_and_comes_back(gateway: tuple[VoiceGateway, Recorder],
                                                             tmp_path: Path) -> None:
    gw, events = gateway
    wid = gw.worker_ids()[0]
    port = gw.config.sip_base_port
    with sipp(tmp_path, port, scenario="uac_wait.xml", name="caller"):
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        await gw.wait_answered(call.call_id, 5)
        old_pid = gw.worker_pid(wid)
        collecting = asyncio.create_task(gw.collect(call.call_id, max_digits=1, timeout_s=30))
        await asyncio.sleep(0.1)  # let the Collect reach the worker
        os.kill(old_pid, signal.SIGKILL)
        await events.until(lambda: events.dropped, 5)
        assert events.dropped == [(call.call_id, wid)]
        assert events.states[-1].call_id == call.call_id and events.states[-1].state == "disconnected"
        with pytest.raises(SwitchboardError) as e:
            await asyncio.wait_for(collecting, 2)
        assert e.value.code == ErrorCode.UNAVAILABLE  # the pending command failed, did not hang
        assert not gw.is_live(call.call_id)
        await gw.wait_ready(10)
    assert gw.worker_pid(wid) != old_pid and gw.worker_restarts(wid) == 1
    # The new worker serves calls on the same SIP port.
    with sipp(tmp_path, port, scenario="uac_hangup.xml", name="caller2") as caller:
        again = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(again.call_id)
        assert await wait_exit(caller, 10) == 0


@needs_sipp
@pytest.mark.asyncio
async def test_agent_leg_bridged_with_per_leg_recordings(gateway: tuple[VoiceGateway, Recorder],
                                                         tmp_path: Path) -> None:
    gw, events = gateway
    wid = gw.worker_ids()[0]
    echo_port = free_udp_port(True)
    # The agent phone: SIPp's built-in UAS answering at once and echoing RTP back.
    with sipp(tmp_path, 0, "-sn", "uas", "-rtp_echo", "-trace_msg", "-mp", str(echo_port), name="agent") as agent, \
            sipp(tmp_path, gw.config.sip_base_port, scenario="uac_talk.xml", name="caller"):
        agent_sip = int(agent.args[agent.args.index("-p") + 1])
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        assert await gw.wait_answered(call.call_id, 5)
        t0 = time.perf_counter()
        leg = await gw.call_agent(call.call_id, f"sip:agent@127.0.0.1:{agent_sip}", caller_id="<sip:13800138000@x>",
                                  headers={"X-Interaction-Id": "int-42"}, timeout_s=5)
        assert await gw.wait_answered(leg, 5)
        setup_ms = (time.perf_counter() - t0) * 1000
        rec_a, rec_b = tmp_path / "rec" / "caller.wav", tmp_path / "rec" / "agent.wav"
        cpu0, w0 = cpu_seconds(gw.worker_pid(wid)), time.monotonic()
        await gw.bridge(call.call_id, leg, record_a=str(rec_a), record_b=str(rec_b))
        await asyncio.sleep(3.0)  # the caller talks (pcap), the agent echoes it back
        await gw.unbridge(call.call_id, leg)
        cpu = (cpu_seconds(gw.worker_pid(wid)) - cpu0) / (time.monotonic() - w0)
        await events.until(lambda: len(events.recordings) == 2, 5)
        assert {(r.path, r.reason) for r in events.recordings} == {(str(rec_a), "unbridged"), (str(rec_b), "unbridged")}
        assert all(2.5 < r.seconds < 4.0 for r in events.recordings)
        rms_a, rms_b = rms(rec_a), rms(rec_b)
        assert rms_a > 100 and rms_b > 100, (rms_a, rms_b)  # audio went caller -> agent -> back
        # Hold: the caller hears looped music; unhold reconnects the pair.
        await gw.bridge(call.call_id, leg)
        await gw.hold(call.call_id, music=str(Prompts(tmp_path).tone("ringback")))
        await gw.hold(call.call_id, music=str(Prompts(tmp_path).tone("ringback")))  # idempotent
        await gw.unhold(call.call_id)
        with pytest.raises(SwitchboardError) as e:
            await gw.hold(call.call_id, music=str(tmp_path / "missing.wav"))
        assert e.value.code == ErrorCode.NOT_FOUND
        await gw.hangup(leg)
        await gw.hangup(call.call_id)
        await events.until(lambda: not gw.is_live(leg) and not gw.is_live(call.call_id), 5)
        print(f"\nagent call setup {setup_ms:.1f} ms; worker CPU with one bridged call (2 legs): {cpu * 100:.1f} % "
              f"of a core; recordings RMS {rms_a:.0f}/{rms_b:.0f}")
        assert setup_ms < 1000
        await wait_exit(agent, 10)
    trace = "".join(f.read_text(errors="replace") for f in tmp_path.glob("*messages.log"))
    assert "X-Interaction-Id: int-42" in trace
    assert "P-Asserted-Identity: <sip:13800138000@x>" in trace


@pytest.mark.asyncio
async def test_agent_leg_that_nobody_answers_fails(gateway: tuple[VoiceGateway, Recorder]) -> None:
    gw, events = gateway
    wid = gw.worker_ids()[0]
    dead = free_sip_port()
    # UDP, nothing listening, no provisional response: the ring timer ends it (pjsua alone would wait 32 s).
    t0 = time.monotonic()
    leg = await gw.call_agent("", f"sip:agent@127.0.0.1:{dead}", worker_id=wid, timeout_s=1)
    assert await gw.wait_answered(leg, 5) is False
    assert 0.9 < time.monotonic() - t0 < 3
    # TCP to a closed port: refused at once.
    leg2 = await gw.call_agent("", f"sip:agent@127.0.0.1:{dead};transport=tcp", worker_id=wid, timeout_s=10)
    assert await gw.wait_answered(leg2, 5) is False
    for call_id, code in ((leg, 408), (leg2, None)):
        ends = [s for s in events.states if s.call_id == call_id and s.state == "disconnected"]
        assert len(ends) == 1 and ends[0].sip_code >= 400 and (code is None or ends[0].sip_code == code), ends
        assert not gw.is_live(call_id)
    assert (await gw.ping(wid))["calls"] == 0


@pytest.mark.asyncio
async def test_two_workers_and_clean_stop(tmp_path: Path) -> None:
    from tests.edge_server.voice.voice_helpers import gateway_config
    events = Recorder()
    base = free_sip_port()
    gw = VoiceGateway(gateway_config(workers=2, sip_base_port=base, legs_per_worker=8), events)
    await gw.start()
    try:
        pids = [gw.worker_pid(w) for w in gw.worker_ids()]
        assert gw.worker_ids() == ["w0", "w1"] and len(set(pids)) == 2
        assert [(await gw.ping(w))["pid"] for w in gw.worker_ids()] == pids
    finally:
        t0 = time.monotonic()
        await gw.stop()
    assert time.monotonic() - t0 < 5
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert [slot.proc.returncode for slot in gw._slots.values() if slot.proc] == [0, 0]  # SIGTERM: clean exit
    assert events.dropped == []  # a requested stop is not a crash
    ctx_closed = gw._ctx is None
    assert ctx_closed


def test_zmq_is_available() -> None:
    assert zmq.zmq_version_info() >= (4, 3)


@pytest.mark.asyncio
async def test_hung_worker_is_killed_by_the_heartbeat_and_restarted() -> None:
    from tests.edge_server.voice.voice_helpers import gateway_config
    events = Recorder()
    gw = VoiceGateway(gateway_config(heartbeat_s=0.3), events)
    await gw.start()
    try:
        wid = gw.worker_ids()[0]
        old = gw.worker_pid(wid)
        os.kill(old, signal.SIGSTOP)  # alive but not answering
        async with asyncio.timeout(10):
            while gw.worker_restarts(wid) == 0:
                await asyncio.sleep(0.05)
        await gw.wait_ready(10)
        assert gw.worker_pid(wid) != old
        assert (await gw.ping(wid))["calls"] == 0
    finally:
        await gw.stop()


def test_workers_for_capacity() -> None:
    from edge_server.voice.gateway import GatewayConfig
    assert GatewayConfig.for_capacity(24).workers == 1
    assert GatewayConfig.for_capacity(50).workers == 3
    assert GatewayConfig.for_capacity(50, legs_per_worker=10, sip_base_port=6000).workers == 5
    assert GatewayConfig.for_capacity(0).workers == 1


@needs_sipp
@pytest.mark.asyncio
async def test_supervisor_monitors_a_bridged_call(gateway: tuple[VoiceGateway, Recorder], tmp_path: Path) -> None:
    gw, events = gateway
    with sipp(tmp_path, 0, "-sn", "uas", "-rtp_echo", name="agent") as agent, \
            sipp(tmp_path, 0, "-sn", "uas", "-rtp_echo", name="supervisor") as supervisor, \
            sipp(tmp_path, gw.config.sip_base_port, scenario="uac_talk.xml", name="caller"):
        call = await asyncio.wait_for(events.incoming.get(), 10)
        await gw.answer(call.call_id)
        assert await gw.wait_answered(call.call_id, 5)
        legs = []
        for peer in (agent, supervisor):
            port = int(peer.args[peer.args.index("-p") + 1])
            leg = await gw.call_agent(call.call_id, f"sip:x@127.0.0.1:{port}", timeout_s=5)
            assert await gw.wait_answered(leg, 5)
            legs.append(leg)
        leg, sup = legs
        with pytest.raises(SwitchboardError) as e:
            await gw.supervise(sup, call.call_id, leg, "monitor")
        assert e.value.code == ErrorCode.CONFLICT  # not bridged yet
        await gw.bridge(call.call_id, leg)
        with pytest.raises(SwitchboardError) as e:
            await gw.supervise(sup, call.call_id, leg, "shout")
        assert e.value.code == ErrorCode.INVALID_ARGUMENT
        # The supervisor's phone echoes what it hears: recording its leg shows what monitoring delivers.
        heard = tmp_path / "supervisor.wav"
        await gw.supervise(sup, call.call_id, leg, "monitor")
        await gw.start_record(sup, str(heard))
        await asyncio.sleep(2.0)
        await gw.supervise(sup, call.call_id, leg, "whisper")
        await gw.supervise(sup, call.call_id, leg, "barge")
        await gw.supervise(sup, call.call_id, leg, "off")
        await gw.stop_record(sup)
        await events.until(lambda: any(r.path == str(heard) for r in events.recordings), 5)
        assert rms(heard) > 100
        for c in (sup, leg, call.call_id):
            await gw.hangup(c)
        await events.until(lambda: not any(gw.is_live(c) for c in (sup, leg, call.call_id)), 5)
