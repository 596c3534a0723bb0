"""SipEngine against a real pjsua2 peer in another process (tests/softphone/peer.py)."""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable

import pytest
from softphone_helpers import Peer, first, pump

from softphone.engine import CODEC_PRIORITY, SipEngine
from softphone.errors import SoftphoneError
from softphone.events import CallState, Dtmf, EngineEvent, IncomingCall, MediaQuality


def _wait_ready(engine: SipEngine, ev: list[EngineEvent], *peers: Peer) -> None:
    for p in peers:
        pump(engine, ev, lambda p=p: p.find("ready"), what="peer ready")


def _incoming_from(peer: Peer, engine: SipEngine, ev: list[EngineEvent], headers: str = "") -> IncomingCall:
    peer.send(f"call {engine.contact} {headers}".strip())
    return pump(engine, ev, lambda: first(ev, IncomingCall), what="IncomingCall")


def _connected(engine: SipEngine, peer: Peer, ev: list[EngineEvent]) -> str:
    """An answered call from the peer; both sides confirmed with media."""
    _wait_ready(engine, ev, peer)
    inc = _incoming_from(peer, engine, ev)
    engine.answer(inc.call_id)
    pump(engine, ev, lambda: first(ev, CallState, call_id=inc.call_id, state="confirmed"), what="confirmed")
    pump(engine, ev, lambda: peer.find("media", status="active"), what="peer media active")
    return inc.call_id


def test_contact_codecs_and_null_audio(engine: SipEngine) -> None:
    assert engine.contact.startswith("sip:agent@127.0.0.1:")
    assert int(engine.contact.rsplit(":", 1)[1]) > 0
    assert engine.audio_mode == "null"
    names = [c for c, _ in engine.codecs()]
    assert [n.split("/")[0] for n in names] == ["G722", "PCMU", "PCMA"], names
    assert not any(n.lower().startswith("speex") for n in names)
    assert len(CODEC_PRIORITY) == 3


def test_incoming_answer_headers_then_caller_hangs_up(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, peer)
    inc = _incoming_from(peer, engine, ev, "X-Interaction-Id=int-42")
    assert inc.headers["X-Interaction-Id"] == "int-42"
    assert inc.remote_uri.startswith("sip:peer@127.0.0.1")
    pump(engine, ev, lambda: first(ev, CallState, state="ringing", sip_code=180), what="ringing")
    pump(engine, ev, lambda: peer.find("state", state="early", code=180), what="peer hears ringing")
    engine.answer(inc.call_id)
    pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="confirmed")
    pump(engine, ev, lambda: peer.find("state", state="confirmed"), what="peer confirmed")
    assert engine.call_ids() == [inc.call_id]
    peer.send("hangup")
    st = pump(engine, ev, lambda: first(ev, CallState, state="disconnected"), what="disconnected")
    assert st.call_id == inc.call_id
    pump(engine, ev, lambda: not engine.call_ids(), what="call released")


def test_cancel_during_ringing(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, peer)
    inc = _incoming_from(peer, engine, ev)
    pump(engine, ev, lambda: peer.find("state", state="early"), what="peer ringing")
    peer.send("hangup")  # CANCEL
    st = pump(engine, ev, lambda: first(ev, CallState, state="disconnected"), what="cancelled")
    assert st.call_id == inc.call_id and st.sip_code == 487
    assert first(ev, CallState, state="confirmed") is None
    pump(engine, ev, lambda: not engine.call_ids(), what="call released")
    with pytest.raises(SoftphoneError) as ei:
        engine.answer(inc.call_id)
    assert ei.value.code == "no_such_call"


def test_dtmf_both_methods_both_directions(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    cid = _connected(engine, peer, ev)
    engine.send_dtmf(cid, "12#", "rfc4733")
    pump(engine, ev, lambda: [e["digit"] for e in peer.seen if e["ev"] == "dtmf"] == ["1", "2", "#"]
         or peer.drain(), timeout=5, what="RFC 4733 digits at peer")
    assert {e["method"] for e in peer.seen if e["ev"] == "dtmf"} == {0}
    engine.send_dtmf(cid, "9*", "info")
    pump(engine, ev, lambda: len([e for e in peer.seen if e["ev"] == "dtmf"]) == 5 or peer.drain(),
         what="INFO digits at peer")
    info = [e for e in peer.seen if e["ev"] == "dtmf"][3:]
    assert [e["digit"] for e in info] == ["9", "*"] and {e["method"] for e in info} == {1}
    peer.send("dtmf 47")
    pump(engine, ev, lambda: [e.digit for e in ev if isinstance(e, Dtmf)] == ["4", "7"], what="RFC 4733 in")
    peer.send("dtmfinfo 0")
    pump(engine, ev, lambda: [e.digit for e in ev if isinstance(e, Dtmf)] == ["4", "7", "0"], what="INFO in")
    assert all(e.call_id == cid for e in ev if isinstance(e, Dtmf))
    with pytest.raises(SoftphoneError) as ei:
        engine.send_dtmf(cid, "1x")
    assert ei.value.code == "bad_argument"


def test_hold_unhold_reinvites(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    cid = _connected(engine, peer, ev)
    engine.hold(cid)
    held = pump(engine, ev, lambda: first(ev, CallState, state="held"), what="held")
    assert held.reason == "local"
    pump(engine, ev, lambda: peer.find("media", status="remote_hold"), what="peer sees remote hold")
    engine.unhold(cid)
    pump(engine, ev, lambda: first(ev, CallState, state="confirmed", reason="unhold"), what="unheld")
    pump(engine, ev, lambda: len([e for e in peer.seen if e["ev"] == "media" and e["status"] == "active"]) >= 2
         or peer.drain(), what="peer media active again")
    # The peer holds us: reported as held (remote), then confirmed again.
    peer.send("hold")
    pump(engine, ev, lambda: first(ev, CallState, state="held", reason="remote"), what="remote hold")
    peer.send("unhold")
    pump(engine, ev, lambda: len([e for e in ev if isinstance(e, CallState) and e.reason == "unhold"]) == 2,
         what="remote unhold")


def test_mute_stops_and_restores_capture(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    cid = _connected(engine, peer, ev)
    assert engine.media_links(cid) == (True, True)
    engine.mute(cid)
    assert engine.is_muted(cid) and engine.media_links(cid) == (False, True)
    # Mute survives a re-INVITE (hold/unhold re-creates the media stream).
    engine.hold(cid)
    pump(engine, ev, lambda: first(ev, CallState, state="held"), what="held")
    engine.unhold(cid)
    pump(engine, ev, lambda: first(ev, CallState, reason="unhold"), what="unheld")
    assert engine.media_links(cid) == (False, True)
    engine.unmute(cid)
    assert not engine.is_muted(cid) and engine.media_links(cid) == (True, True)


def test_quality_reported_after_rtp(make_engine: Callable[..., SipEngine], answering_peer: Peer) -> None:
    engine = make_engine(quality_interval_s=0.5)
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, answering_peer)
    cid = engine.make_call(answering_peer.contact)
    pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="confirmed")
    q = pump(engine, ev, lambda: [e for e in ev if isinstance(e, MediaQuality) and e.rx_packets >= 50],
             timeout=5, what="quality after ~1 s of RTP")[0]
    assert q.call_id == cid
    assert q.loss_pct == 0.0 and 0.0 <= q.jitter_ms < 20.0
    assert 4.3 <= q.mos <= 4.5  # loopback: the E-model ceiling for G.722/G.711


def test_blind_transfer(engine: SipEngine, answering_peer: Peer) -> None:
    target = Peer(auto_answer=True, user="target")
    try:
        ev: list[EngineEvent] = []
        _wait_ready(engine, ev, answering_peer, target)
        cid = engine.make_call(answering_peer.contact)
        pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="confirmed")
        engine.blind_transfer(cid, target.contact)
        tr = pump(engine, ev, lambda: answering_peer.find("transfer"), what="REFER at transferee")
        assert tr["uri"].startswith("<sip:target@127.0.0.1") or tr["uri"].startswith("sip:target@")
        inc = pump(engine, ev, lambda: target.find("incoming"), what="transferee calls the target")
        assert "answerer" in inc["remote"]
        pump(engine, ev, lambda: first(ev, CallState, call_id=cid, state="disconnected"), what="our leg ends")
        pump(engine, ev, lambda: not engine.call_ids(), what="released")
    finally:
        target.close()


def test_conference_bridges_two_calls(engine: SipEngine, answering_peer: Peer) -> None:
    other = Peer(auto_answer=True, user="other")
    try:
        ev: list[EngineEvent] = []
        _wait_ready(engine, ev, answering_peer, other)
        a = engine.make_call(answering_peer.contact)
        b = engine.make_call(other.contact)
        pump(engine, ev, lambda: len([e for e in ev if isinstance(e, CallState) and e.state == "confirmed"]) == 2,
             what="two calls up")
        pump(engine, ev, lambda: engine.media_links(a) == (True, True) == engine.media_links(b), what="media")
        assert not engine.bridged(a, b)
        engine.conference(a, b)
        assert engine.bridged(a, b)
        engine.split_conference(a, b)
        assert not engine.bridged(a, b)
        with pytest.raises(SoftphoneError):
            engine.conference(a, "nope")
    finally:
        other.close()


def test_auto_answer(make_engine: Callable[..., SipEngine], peer: Peer) -> None:
    engine = make_engine(auto_answer=True)
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, peer)
    _incoming_from(peer, engine, ev)
    pump(engine, ev, lambda: peer.find("state", state="confirmed"), what="answered by itself")


def test_errors_are_translated(engine: SipEngine) -> None:
    with pytest.raises(SoftphoneError) as ei:
        engine.hangup("missing")
    assert ei.value.code == "no_such_call"
    with pytest.raises(SoftphoneError) as ei:
        engine.make_call("mailto:x@y")
    assert ei.value.code == "bad_argument"
    with pytest.raises(SoftphoneError) as ei:
        engine.make_call("sip:")  # pjsip rejects the URI: pj.Error crosses the border translated
    assert ei.value.code == "pjsip" and ei.value.status != 0
    assert isinstance(ei.value.__cause__, Exception) and type(ei.value.__cause__).__name__ == "Error"
    assert engine.call_ids() == []


def test_close_leaves_no_live_call(make_engine: Callable[..., SipEngine], answering_peer: Peer) -> None:
    engine = make_engine()
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, answering_peer)
    engine.make_call(answering_peer.contact)
    pump(engine, ev, lambda: first(ev, CallState, state="confirmed"), what="confirmed")
    engine.close()
    assert engine.call_ids() == []
    assert not [o for o in gc.get_objects() if type(o).__name__ == "_Call"]
    with pytest.raises(SoftphoneError) as ei:
        engine.make_call(answering_peer.contact)
    assert ei.value.code == "closed"
    # The peer got our BYE.
    end = time.monotonic() + 5
    while not answering_peer.find("state", state="disconnected") and time.monotonic() < end:
        time.sleep(0.02)
    assert answering_peer.find("state", state="disconnected")
    engine.close()  # idempotent


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_fifty_calls_do_not_leak(engine: SipEngine, answering_peer: Peer) -> None:
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, answering_peer)

    def one_call() -> None:
        ev.clear()
        start = time.monotonic()
        cid = engine.make_call(answering_peer.contact)
        pump(engine, ev, lambda: first(ev, CallState, call_id=cid, state="confirmed"), what="confirmed")
        # Keep each call up >= 60 ms: pjsip 2.10's select ioqueue frees a closed socket's key only
        # 500 ms later and has 64 keys, so loopback calls at ~100/s (2 keys each) abort the process.
        pump(engine, ev, lambda: time.monotonic() - start > 0.06, what="60 ms of call")
        engine.hangup(cid)
        pump(engine, ev, lambda: not engine.call_ids(), what="released")
        answering_peer.drain()
        answering_peer.seen.clear()  # the harness's own record of peer events is not the engine's

    for _ in range(5):  # warm-up: pools, codec tables, logging caches
        one_call()
    gc.collect()
    objs, fds, rss = len(gc.get_objects()), _fds(), _rss_kb()
    for _ in range(50):
        one_call()
    gc.collect()
    grown_objs, grown_fds, grown_rss = len(gc.get_objects()) - objs, _fds() - fds, _rss_kb() - rss
    print(f"50 calls: python objects {grown_objs:+d}, fds {grown_fds:+d}, RSS {grown_rss:+d} kB")
    assert grown_rss < 4096  # pools may grow a little; a per-call leak of pjsip pools would not
    assert grown_fds <= 0
    assert grown_objs < 25  # one object kept per call would already show as 50
    assert not [o for o in gc.get_objects() if type(o).__name__ == "_Call"]


def test_attended_transfer_joins_the_two_remotes(engine: SipEngine, answering_peer: Peer) -> None:
    consult = Peer(auto_answer=True, user="consult")
    try:
        ev: list[EngineEvent] = []
        _wait_ready(engine, ev, answering_peer, consult)
        customer = engine.make_call(answering_peer.contact)
        pump(engine, ev, lambda: first(ev, CallState, call_id=customer, state="confirmed"), what="customer up")
        engine.hold(customer)
        pump(engine, ev, lambda: first(ev, CallState, call_id=customer, state="held"), what="customer held")
        colleague = engine.make_call(consult.contact)
        pump(engine, ev, lambda: first(ev, CallState, call_id=colleague, state="confirmed"), what="consult up")
        engine.attended_transfer(customer, colleague)
        pump(engine, ev, lambda: answering_peer.find("transfer"), what="REFER with Replaces at customer")
        rep = pump(engine, ev, lambda: consult.find("replaced"), what="INVITE/Replaces at colleague")
        assert "answerer" in rep["remote"]
        pump(engine, ev, lambda: first(ev, CallState, call_id=colleague, state="disconnected")
             and first(ev, CallState, call_id=customer, state="disconnected"), what="both our legs end")
        pump(engine, ev, lambda: not engine.call_ids(), what="released")
        # The two remotes are now talking to each other.
        def customer_talks_to_colleague() -> bool:
            answering_peer.drain()
            return any(e["ev"] == "state" and e["state"] == "confirmed" and "consult" in e["remote"]
                       for e in answering_peer.seen)

        pump(engine, ev, customer_talks_to_colleague, what="customer connected to colleague")
    finally:
        consult.close()


def test_reject_ringing_call_with_busy(engine: SipEngine, peer: Peer) -> None:
    ev: list[EngineEvent] = []
    _wait_ready(engine, ev, peer)
    inc = _incoming_from(peer, engine, ev)
    engine.hangup(inc.call_id, 486)
    pump(engine, ev, lambda: peer.find("state", state="disconnected", code=486), what="486 at caller")
    pump(engine, ev, lambda: not engine.call_ids(), what="released")


def test_engine_start_and_close_print_nothing(capfd: pytest.CaptureFixture[str],
                                              make_engine: Callable[..., SipEngine]) -> None:
    engine = make_engine()
    engine.poll(10)
    engine.close()
    out, err = capfd.readouterr()
    assert out == "" and err == "", (out[:300], err[:300])
