"""The control link's frames: every one survives a msgpack round trip; garbage is refused, not guessed."""
from __future__ import annotations

import msgspec
import pytest

from edge_server.voice import protocol as p

FRAMES: list[p._Frame] = [
    p.Answer(req=1, call_id="c1"), p.Hangup(req=2, call_id="c1", code=486, reason="busy"),
    p.Play(req=3, call_id="c1", path="/x.wav", play_id="p1", loop=True, barge_in=True),
    p.StopPlay(req=4, call_id="c1"),
    p.Collect(req=5, call_id="c1", max_digits=4, timeout_s=3.0, terminator="#", first_digit_timeout_s=8.0),
    p.Record(req=6, call_id="c1", path="/r.wav", max_s=30.0), p.StopRecord(req=7, call_id="c1"),
    p.CallAgent(req=8, call_id="c2", contact_uri="sip:a@h", caller_id="sip:138@h", headers={"X-Interaction-Id": "i1"}),
    p.Bridge(req=9, a="c1", b="c2", record_a="/a.wav", record_b="/b.wav"), p.Unbridge(req=10, a="c1", b="c2"),
    p.Hold(req=11, call_id="c1", music="/m.wav"), p.Unhold(req=12, call_id="c1"),
    p.Transfer(req=13, call_id="c1", uri="sip:4001@h"), p.Supervise(req=16, supervisor="s", a="c1", b="c2", mode="barge"),
    p.Ping(req=14), p.Shutdown(req=15),
    p.Reply(req=5, result={"digits": "12", "reason": "terminator"}),
    p.ErrorReply(req=6, code="not_found", message="no live call"),
    p.Ready(worker_id="w0", sip_port=5070, capacity=24, pid=42),
    p.CallIncoming(call_id="c1", from_uri="sip:138@h", to_uri="sip:4001@h", headers={"X-A": "b"}),
    p.CallState(call_id="c1", state="disconnected", reason="Normal call clearing", sip_code=200),
    p.DtmfReceived(call_id="c1", digit="#"), p.PlaybackDone(call_id="c1", play_id="p1", reason="barged"),
    p.RecordingDone(call_id="c1", path="/r.wav", seconds=2.5, reason="hangup"),
    p.CallQuality(call_id="c1", codec="PCMA", rx_packets=100, rx_lost=1, jitter_ms=0.5, rtt_ms=1.0),
]


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: type(f).__name__)
def test_round_trip(frame: p._Frame) -> None:
    assert p.decode(p.encode(frame)) == frame


def test_every_frame_type_is_covered() -> None:
    assert {type(f) for f in FRAMES} == set(p.Frame.__args__)  # type: ignore[attr-defined]


def test_commands_and_replies_carry_a_request_id_and_events_do_not() -> None:
    for f in FRAMES:
        assert hasattr(f, "req") == isinstance(f, p.Command | p.Reply | p.ErrorReply), f


@pytest.mark.parametrize("data", [b"", b"\x81\xa1t\xa5bogus", b"\xc1", msgspec.msgpack.encode({"t": "answer"})])
def test_bad_frames_raise(data: bytes) -> None:
    with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
        p.decode(data)
