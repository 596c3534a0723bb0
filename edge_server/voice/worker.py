"""A voice worker process: one pjsua2 endpoint serving trunk calls and agent legs, driven by the edge over ZeroMQ.

Run as ``python -m edge_server.voice.worker --control ENDPOINT --sip-port N --worker-id ID --max-calls 24``.
The edge's main process never imports pjsua2 (a pjsua2 abort must not take routing down), so all SIP and
media live here. pjsua2 runs with ``threadCnt = 0`` / ``mainThreadOnly``: this process's single loop polls
the control socket and ``libHandleEvents``, so every SIP callback (and RFC 4733 DTMF) runs on this thread.
Prompt ends are timed from the WAV length instead of ``AudioMediaPlayer.onEof2``, which would run on the
media clock thread. Objects are released from the loop, never inside their own callbacks (platform-facts).
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import time
import traceback
import uuid
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pjsua2 as pj
import zmq

from edge_server.contract.errors import ErrorCode
from edge_server.voice import protocol as p
from edge_server.voice.digits import DigitCollector

log = logging.getLogger("sb.voice.worker")

# G.722 first (wideband), then G.711; everything else off: speex distorts tones, iLBC/GSM are not wanted on trunks.
_CODEC_PRIORITY = {"G722/16000/1": 255, "PCMU/8000/1": 254, "PCMA/8000/1": 253}
_SILENCE = object()  # Leg.hold_player when held without music
# One loop turn waits at most this long in libHandleEvents: SIP is handled at once, but a command that arrives
# meanwhile waits up to _POLL_MS (measured: ~2 % of a core idle at 10 ms).
_POLL_MS = 10


class WorkerError(Exception):
    """A command that cannot be carried out; replied as an ErrorReply with ``code``."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def _wav_seconds(path: str) -> float:
    try:
        with wave.open(path, "rb") as w:
            return w.getnframes() / float(w.getframerate() or 1)
    except (OSError, EOFError, wave.Error):
        return 0.0


@dataclass
class _Recording:
    recorder: Any  # pj.AudioMediaRecorder
    path: str
    deadline: float = float("inf")
    stop_digits: str = ""


@dataclass
class Leg:
    """Everything this worker knows about one call (trunk or agent leg)."""

    call_id: str
    call: Any  # _SipCall; dropped (parked) when the call ends
    outbound: bool
    media: Any = None  # pj.AudioMedia once the audio stream is active
    answered: bool = False
    ended: bool = False
    ring_deadline: float = float("inf")  # outbound: hang up if not answered by then
    player: Any = None
    play_id: str = ""
    play_deadline: float = float("inf")
    barge_in: bool = False
    hold_player: Any = None
    digits: deque[str] = field(default_factory=deque)
    collector: DigitCollector | None = None
    recording: _Recording | None = None
    partner: str = ""  # bridged call id
    supervising: tuple[str, str, str] | None = None  # (a, b, mode) when this leg is a supervisor
    bridge_recording: _Recording | None = None


class _SipCall(pj.Call):
    """Forwards pjsua2 callbacks to the worker by call id (no other state: lifetimes stay simple)."""

    def __init__(self, worker: Worker, account: pj.Account, call_id: str, pj_call_id: int = pj.PJSUA_INVALID_ID):
        super().__init__(account, pj_call_id)
        self._worker = worker
        self.sb_call_id = call_id

    def onCallState(self, prm: pj.OnCallStateParam) -> None:  # noqa: N802 (pjsua2 override)
        self._worker.guard(self._worker.on_call_state, self.sb_call_id)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:  # noqa: N802
        self._worker.guard(self._worker.on_media_state, self.sb_call_id)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:  # noqa: N802
        self._worker.guard(self._worker.on_digit, self.sb_call_id, prm.digit)

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:  # noqa: N802
        self._worker.guard(self._worker.on_transfer_status, self.sb_call_id, prm)

    def onStreamDestroyed(self, prm: pj.OnStreamDestroyedParam) -> None:  # noqa: N802
        self._worker.guard(self._worker.on_stream_destroyed, self.sb_call_id)


class _Account(pj.Account):
    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:  # noqa: N802
        self._worker.guard(self._worker.on_incoming, self, prm.callId, prm.rdata.wholeMsg)


def parse_sip_headers(message: str) -> tuple[str, dict[str, str]]:
    """(Request-URI, headers) of a SIP request's text; the first value wins for repeated headers."""
    lines = message.replace("\r\n", "\n").split("\n")
    parts = lines[0].split(" ") if lines else []
    request_uri = parts[1] if len(parts) >= 3 else ""
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line.strip():
            break  # end of headers; the SDP body follows
        name, sep, value = line.partition(":")
        if sep and name.strip() not in headers:
            headers[name.strip()] = value.strip()
    return request_uri, headers


class Worker:
    """The worker's loop and its command handlers."""

    def __init__(self, *, control: str, sip_port: int, worker_id: str, max_calls: int, rtp_port: int,
                 host: str) -> None:
        self.worker_id = worker_id
        self.sip_port = sip_port
        self.max_calls = max_calls
        self.rtp_port = rtp_port
        self.host = host
        self._control = control
        self.legs: dict[str, Leg] = {}
        self._parked: list[Any] = []  # pjsua2 objects to drop outside their callbacks
        self._outbox: deque[p._Frame] = deque()
        self._stopping = False
        self._ctx: zmq.Context[zmq.Socket[bytes]] | None = None
        self._sock: zmq.Socket[bytes] | None = None
        self.ep: pj.Endpoint | None = None
        self.account: _Account | None = None
        self._handlers: dict[type, Callable[[Any], dict[str, Any] | None]] = {
            p.Answer: self._answer, p.Hangup: self._hangup, p.Play: self._play, p.StopPlay: self._stop_play,
            p.Collect: self._collect, p.Record: self._record, p.StopRecord: self._stop_record,
            p.CallAgent: self._call_agent, p.Bridge: self._bridge, p.Unbridge: self._unbridge, p.Hold: self._hold,
            p.Unhold: self._unhold, p.Transfer: self._transfer, p.Supervise: self._supervise, p.Ping: self._ping,
            p.Shutdown: self._shutdown,
        }

    # ------------------------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self._ctx = zmq.Context()
        self._sock = self._ctx.socket(zmq.DEALER)
        self._sock.setsockopt(zmq.IDENTITY, self.worker_id.encode())
        self._sock.setsockopt(zmq.LINGER, 500)
        self._sock.connect(self._control)
        ep = pj.Endpoint()
        # libCreate logs at pjlib's default level 5 to stdout before any config can lower it: mute that.
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            ep.libCreate()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = self.max_calls
        cfg.uaConfig.userAgent = f"Switchboard voice worker {self.worker_id}"
        cfg.logConfig.level = 1
        cfg.logConfig.consoleLevel = 1
        cfg.medConfig.ecTailLen = 0  # no echo canceller: trunk/agent legs are not loudspeakers
        cfg.medConfig.noVad = True  # keep silence in recordings
        ep.libInit(cfg)
        try:
            tcfg = pj.TransportConfig()
            tcfg.port = self.sip_port
            tcfg.boundAddress = self.host
            ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
            ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcfg)
            ep.libStart()
            # The wheel has no sound device; the null device keeps the conference bridge clocked.
            ep.audDevManager().setNullDev()
            for codec in ep.codecEnum2():
                ep.codecSetPriority(codec.codecId, _CODEC_PRIORITY.get(codec.codecId, 0))
            acfg = pj.AccountConfig()
            acfg.idUri = f"sip:{self.worker_id}@{self.host}:{self.sip_port}"
            acfg.mediaConfig.transportConfig.port = self.rtp_port
            acfg.mediaConfig.transportConfig.portRange = 4 * self.max_calls + 8  # RTP+RTCP per call, slack
            acfg.mediaConfig.transportConfig.boundAddress = self.host
            self.account = _Account(self)
            self.account.create(acfg)
        except pj.Error:
            self.ep = ep
            self.stop()
            raise
        self.ep = ep
        self._send(p.Ready(worker_id=self.worker_id, sip_port=self.sip_port, capacity=self.max_calls,
                           pid=os.getpid()))
        log.info("worker %s ready on SIP port %d (control %s)", self.worker_id, self.sip_port, self._control)

    def request_stop(self, *_: object) -> None:
        self._stopping = True

    def run(self) -> None:
        assert self.ep is not None and self._sock is not None
        while not self._stopping:
            while self._sock.poll(0, zmq.POLLIN):
                self._on_frame(self._sock.recv())
            self.ep.libHandleEvents(_POLL_MS)
            self._tick(time.monotonic())
            self._flush()

    def stop(self) -> None:
        """Hang up everything, drop every pjsua2 object, destroy the library (order matters: platform-facts)."""
        ep = self.ep
        if ep is not None:
            try:
                ep.hangupAllCalls()
                deadline = time.monotonic() + 2.0
                while any(not leg.ended for leg in self.legs.values()) and time.monotonic() < deadline:
                    ep.libHandleEvents(_POLL_MS)
                    self._flush()
            except pj.Error as e:
                log.warning("hangup at shutdown failed: %s", e.info())
            for leg in list(self.legs.values()):
                self._release(leg)
            self.legs.clear()
            self._parked.clear()
            self.account = None
            gc.collect()
            self._flush()
            # The BYEs went out above; skipping network work in destroy saves ~1 s (measured 1.5 s -> 0.5 s).
            ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
            self.ep = None
        if self._sock is not None:
            self._sock.close()
        if self._ctx is not None:
            self._ctx.term()

    # ------------------------------------------------------------------------------------------- plumbing

    def guard(self, fn: Callable[..., None], *args: Any) -> None:
        """Run a callback body; an exception must never unwind into pjsua2 (that aborts the process)."""
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - logged with traceback; the worker keeps serving other calls
            log.exception("callback %s failed", getattr(fn, "__name__", fn))

    def _send(self, frame: p._Frame) -> None:
        self._outbox.append(frame)

    def _flush(self) -> None:
        assert self._sock is not None
        while self._outbox:
            self._sock.send(p.encode(self._outbox.popleft()))

    def _on_frame(self, data: bytes) -> None:
        try:
            cmd = p.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError) as e:
            log.warning("undecodable control frame (%d bytes): %s", len(data), e)
            return
        if not isinstance(cmd, p.Command):
            log.warning("ignored non-command frame %s", type(cmd).__name__)
            return
        handler = self._handlers.get(type(cmd))
        try:
            if handler is None:
                raise WorkerError(ErrorCode.UNKNOWN_TYPE, type(cmd).__name__)
            result = handler(cmd)
            if result is not None:  # None: the reply comes later (Collect)
                self._send(p.Reply(req=cmd.req, result=result))
        except WorkerError as e:
            self._send(p.ErrorReply(req=cmd.req, code=e.code.value, message=str(e)))
        except pj.Error as e:
            log.warning("%s failed in pjsua2: %s", type(cmd).__name__, e.info())
            self._send(p.ErrorReply(req=cmd.req, code=ErrorCode.UNAVAILABLE.value, message=e.reason or e.info()))
        except Exception as e:  # noqa: BLE001 - our bug: logged with traceback, replied, worker lives on
            log.exception("%s failed", type(cmd).__name__)
            self._send(p.ErrorReply(req=cmd.req, code=ErrorCode.INTERNAL.value,
                                    message=f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"))

    def _leg(self, call_id: str, *, media: bool = False) -> Leg:
        leg = self.legs.get(call_id)
        if leg is None or leg.ended:
            raise WorkerError(ErrorCode.NOT_FOUND, f"no live call {call_id}")
        if media and leg.media is None:
            raise WorkerError(ErrorCode.CONFLICT, f"call {call_id} has no active audio yet")
        return leg

    # ------------------------------------------------------------------------------------------- pjsua2 callbacks

    def on_incoming(self, account: _Account, pj_call_id: int, message: str) -> None:
        call_id = uuid.uuid4().hex
        call = _SipCall(self, account, call_id, pj_call_id)
        live = sum(1 for leg in self.legs.values() if not leg.ended)
        if live >= self.max_calls or self._stopping:
            # Busy here: keep the object until pjsua has sent the answer, then drop it from the loop.
            prm = pj.CallOpParam()
            prm.statusCode = 486 if not self._stopping else 503
            call.hangup(prm)
            self._parked.append(call)
            log.warning("rejected call: %d live calls (max %d)", live, self.max_calls)
            return
        self.legs[call_id] = Leg(call_id=call_id, call=call, outbound=False)
        info = call.getInfo()
        request_uri, headers = parse_sip_headers(message)
        self._send(p.CallIncoming(call_id=call_id, from_uri=info.remoteUri, to_uri=request_uri or info.localUri,
                                  headers=headers))

    def on_call_state(self, call_id: str) -> None:
        leg = self.legs.get(call_id)
        if leg is None or leg.ended:
            return
        info = leg.call.getInfo()
        state = info.state
        if state == pj.PJSIP_INV_STATE_EARLY:
            name = "ringing" if info.lastStatusCode == 180 else "early"
            self._send(p.CallState(call_id=call_id, state=name, reason=info.lastReason, sip_code=info.lastStatusCode))
        elif state == pj.PJSIP_INV_STATE_CONFIRMED and not leg.answered:
            leg.answered = True
            leg.ring_deadline = float("inf")
            self._send(p.CallState(call_id=call_id, state="answered", sip_code=200))
        elif state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._end_leg(leg, info.lastReason, info.lastStatusCode)

    def on_media_state(self, call_id: str) -> None:
        leg = self.legs.get(call_id)
        if leg is None or leg.ended:
            return
        info = leg.call.getInfo()
        for i, mi in enumerate(info.media):
            if mi.type == pj.PJMEDIA_TYPE_AUDIO and mi.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                leg.media = leg.call.getAudioMedia(i)
                partner = self.legs.get(leg.partner) if leg.partner else None
                if partner is not None and partner.media is not None and leg.hold_player is None:
                    leg.media.startTransmit(partner.media)  # re-INVITE gave a new port: reconnect the bridge
                    partner.media.startTransmit(leg.media)
                return

    def on_digit(self, call_id: str, digit: str) -> None:
        leg = self.legs.get(call_id)
        if leg is None or leg.ended:
            return
        self._send(p.DtmfReceived(call_id=call_id, digit=digit))
        rec = leg.recording
        if rec is not None and digit in rec.stop_digits:
            self._finish_recording(leg, "digit")
            return  # the stop digit ends the voicemail; it is not an answer
        leg.digits.append(digit)
        if leg.player is not None and leg.barge_in:
            self._stop_player(leg, "barged")
        if leg.collector is not None and leg.collector.feed(leg.digits, time.monotonic()):
            self._finish_collect(leg)

    def on_transfer_status(self, call_id: str, prm: pj.OnCallTransferStatusParam) -> None:
        leg = self.legs.get(call_id)
        if leg is None:
            return
        # The REFER's 202 Accepted is reported too (not final): only the last NOTIFY's sipfrag says how it went.
        if prm.finalNotify:
            prm.cont = False
            self._send(p.CallState(call_id=call_id, state="transfer", reason=prm.reason, sip_code=prm.statusCode))
            if 200 <= prm.statusCode < 300 and not leg.ended:
                leg.call.hangup(pj.CallOpParam())  # the transferee has the customer now

    def on_stream_destroyed(self, call_id: str) -> None:
        """Last chance to read the stream's RTCP numbers (the call is ending)."""
        leg = self.legs.get(call_id)
        if leg is None:
            return
        try:
            stat = leg.call.getStreamStat(0)
            si = leg.call.getStreamInfo(0)
        except pj.Error:
            return
        rx = stat.rtcp.rxStat
        self._send(p.CallQuality(call_id=call_id, codec=si.codecName, rx_packets=rx.pkt, rx_lost=rx.loss,
                                 jitter_ms=rx.jitterUsec.mean / 1000.0, rtt_ms=stat.rtcp.rttUsec.mean / 1000.0))

    # ------------------------------------------------------------------------------------------- timers

    def _tick(self, now: float) -> None:
        for leg in list(self.legs.values()):
            if leg.ended:
                continue
            if leg.player is not None and now >= leg.play_deadline:
                self._stop_player(leg, "done")
            if leg.collector is not None and leg.collector.tick(now):
                self._finish_collect(leg)
            if leg.recording is not None and now >= leg.recording.deadline:
                self._finish_recording(leg, "max")
            if now >= leg.ring_deadline:
                # No answer in time. Without a provisional response pjsua cannot CANCEL and would only end the
                # call at the INVITE timeout (32 s): report it over now; dropping the Call object hangs it up
                # in pjsua (pjsua2's ~Call) and later callbacks for it find no leg.
                leg.ring_deadline = float("inf")
                prm = pj.CallOpParam()
                prm.statusCode = 408
                leg.call.hangup(prm)
                if not leg.ended:
                    self._end_leg(leg, "no answer", 408)
        # Drop objects parked by callbacks, now that we are outside them.
        if self._parked:
            self._parked.clear()
        for call_id in [cid for cid, leg in self.legs.items() if leg.ended]:
            del self.legs[call_id]

    # ------------------------------------------------------------------------------------------- media helpers

    def _stop_player(self, leg: Leg, reason: str) -> None:
        player = leg.player
        if player is None:
            return
        if leg.media is not None:
            try:
                player.stopTransmit(leg.media)
            except pj.Error:
                pass  # the port may already be gone with the call's media
        self._parked.append(player)
        leg.player = None
        leg.play_deadline = float("inf")
        self._send(p.PlaybackDone(call_id=leg.call_id, play_id=leg.play_id, reason=reason))

    def _new_player(self, path: str, loop: bool) -> Any:
        if not os.path.isfile(path):
            raise WorkerError(ErrorCode.NOT_FOUND, f"no such WAV: {path}")
        player = pj.AudioMediaPlayer()
        player.createPlayer(path, 0 if loop else pj.PJMEDIA_FILE_NO_LOOP)
        return player

    def _new_recording(self, path: str, source: Any, deadline: float, stop_digits: str) -> _Recording:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(path)
        source.startTransmit(recorder)
        return _Recording(recorder=recorder, path=path, deadline=deadline, stop_digits=stop_digits)

    def _close_recording(self, leg: Leg, rec: _Recording, reason: str) -> None:
        # Dropping the recorder finalises the WAV header; this happens now (not parked) so the length is right.
        try:
            if leg.media is not None:
                leg.media.stopTransmit(rec.recorder)
        except pj.Error:
            pass
        rec.recorder = None
        gc.collect()
        self._send(p.RecordingDone(call_id=leg.call_id, path=rec.path, seconds=round(_wav_seconds(rec.path), 3),
                                   reason=reason))

    def _finish_recording(self, leg: Leg, reason: str) -> None:
        rec = leg.recording
        if rec is not None:
            leg.recording = None
            self._close_recording(leg, rec, reason)

    def _finish_collect(self, leg: Leg) -> None:
        col = leg.collector
        if col is None or col.result is None:
            return
        leg.collector = None
        digits, reason = col.result
        self._send(p.Reply(req=col.req, result={"digits": digits, "reason": reason}))

    def _disconnect_pair(self, leg: Leg, partner: Leg) -> None:
        for src, dst in ((leg, partner), (partner, leg)):
            if src.media is not None and dst.media is not None:
                try:
                    src.media.stopTransmit(dst.media)
                except pj.Error:
                    pass

    def _end_leg(self, leg: Leg, reason: str, sip_code: int) -> None:
        """The call is over: settle everything pending on it, then report and park it."""
        leg.ended = True
        self._stop_player(leg, "hangup")
        if leg.hold_player is not None:
            self._parked.append(leg.hold_player)
            leg.hold_player = None
        if leg.collector is not None:
            col = leg.collector
            leg.collector = None
            self._send(p.Reply(req=col.req, result={"digits": col.digits, "reason": "hangup"}))
        self._finish_recording(leg, "hangup")
        if leg.partner:
            partner = self.legs.get(leg.partner)
            if partner is not None:
                self._disconnect_pair(leg, partner)
                self._unlink(partner, "hangup")
            self._unlink(leg, "hangup")
        self._send(p.CallState(call_id=leg.call_id, state="disconnected", reason=reason, sip_code=sip_code))
        self._release(leg)

    def _unlink(self, leg: Leg, reason: str) -> None:
        leg.partner = ""
        rec = leg.bridge_recording
        if rec is not None:
            leg.bridge_recording = None
            self._close_recording(leg, rec, reason)

    def _release(self, leg: Leg) -> None:
        if leg.call is not None:
            self._parked.append(leg.call)
        leg.call = None
        leg.media = None

    # ------------------------------------------------------------------------------------------- commands

    def _answer(self, cmd: p.Answer) -> dict[str, Any]:
        leg = self._leg(cmd.call_id)
        prm = pj.CallOpParam()
        prm.statusCode = cmd.code
        leg.call.answer(prm)
        return {}

    def _hangup(self, cmd: p.Hangup) -> dict[str, Any]:
        leg = self._leg(cmd.call_id)
        prm = pj.CallOpParam()
        if cmd.code:
            prm.statusCode = cmd.code
        if cmd.reason:
            prm.reason = cmd.reason
        leg.call.hangup(prm)
        return {}

    def _play(self, cmd: p.Play) -> dict[str, Any]:
        leg = self._leg(cmd.call_id, media=True)
        player = self._new_player(cmd.path, cmd.loop)
        self._stop_player(leg, "stopped")
        player.startTransmit(leg.media)
        leg.player = player
        leg.play_id = cmd.play_id
        leg.barge_in = cmd.barge_in
        seconds = _wav_seconds(cmd.path)
        leg.play_deadline = float("inf") if cmd.loop else time.monotonic() + seconds
        if cmd.barge_in and leg.digits:
            self._stop_player(leg, "barged")  # typed ahead: the caller already answered
        return {"seconds": seconds}

    def _stop_play(self, cmd: p.StopPlay) -> dict[str, Any]:
        self._stop_player(self._leg(cmd.call_id), "stopped")
        return {}

    def _collect(self, cmd: p.Collect) -> dict[str, Any] | None:
        leg = self._leg(cmd.call_id)
        if leg.collector is not None:
            raise WorkerError(ErrorCode.CONFLICT, f"call {cmd.call_id} is already collecting")
        if cmd.max_digits <= 0 and not cmd.terminator:
            raise WorkerError(ErrorCode.INVALID_ARGUMENT, "collect needs max_digits or a terminator")
        now = time.monotonic()
        col = DigitCollector(req=cmd.req, max_digits=cmd.max_digits, timeout_s=cmd.timeout_s,
                             terminator=cmd.terminator, first_digit_timeout_s=cmd.first_digit_timeout_s,
                             started=now)
        leg.collector = col
        if col.feed(leg.digits, now):
            self._finish_collect(leg)
        return None

    def _record(self, cmd: p.Record) -> dict[str, Any]:
        leg = self._leg(cmd.call_id, media=True)
        if leg.recording is not None:
            raise WorkerError(ErrorCode.CONFLICT, f"call {cmd.call_id} is already recording")
        leg.recording = self._new_recording(cmd.path, leg.media, time.monotonic() + cmd.max_s, cmd.stop_digits)
        return {}

    def _stop_record(self, cmd: p.StopRecord) -> dict[str, Any]:
        leg = self._leg(cmd.call_id)
        self._finish_recording(leg, "stopped")
        return {}

    def _call_agent(self, cmd: p.CallAgent) -> dict[str, Any]:
        if cmd.call_id in self.legs:
            raise WorkerError(ErrorCode.CONFLICT, f"call id {cmd.call_id} in use")
        if sum(1 for leg in self.legs.values() if not leg.ended) >= self.max_calls:
            raise WorkerError(ErrorCode.UNAVAILABLE, "worker at capacity")
        assert self.account is not None
        call = _SipCall(self, self.account, cmd.call_id)
        prm = pj.CallOpParam(True)
        headers = dict(cmd.headers)
        if cmd.caller_id:
            # pjsua2 sends From = the account id; the caller's number travels as P-Asserted-Identity.
            headers.setdefault("P-Asserted-Identity", cmd.caller_id)
        hv = pj.SipHeaderVector()
        for name, value in headers.items():
            h = pj.SipHeader()
            h.hName = name
            h.hValue = value
            hv.append(h)
        prm.txOption.headers = hv
        leg = Leg(call_id=cmd.call_id, call=call, outbound=True, ring_deadline=time.monotonic() + cmd.timeout_s)
        self.legs[cmd.call_id] = leg
        try:
            call.makeCall(cmd.contact_uri, prm)
        except pj.Error as e:
            del self.legs[cmd.call_id]
            self._parked.append(call)
            raise WorkerError(ErrorCode.UNAVAILABLE, f"cannot call {cmd.contact_uri}: {e.reason}") from e
        return {"call_id": cmd.call_id}

    def _bridge(self, cmd: p.Bridge) -> dict[str, Any]:
        a = self._leg(cmd.a, media=True)
        b = self._leg(cmd.b, media=True)
        if cmd.a == cmd.b:
            raise WorkerError(ErrorCode.INVALID_ARGUMENT, "cannot bridge a call to itself")
        for leg in (a, b):
            if leg.partner and leg.partner not in (cmd.a, cmd.b):
                raise WorkerError(ErrorCode.CONFLICT, f"call {leg.call_id} is bridged to {leg.partner}")
            self._stop_player(leg, "stopped")
        a.partner, b.partner = b.call_id, a.call_id
        a.media.startTransmit(b.media)
        b.media.startTransmit(a.media)
        for leg, path in ((a, cmd.record_a), (b, cmd.record_b)):
            if path and leg.bridge_recording is None:
                leg.bridge_recording = self._new_recording(path, leg.media, float("inf"), "")
        return {}

    def _unbridge(self, cmd: p.Unbridge) -> dict[str, Any]:
        a = self._leg(cmd.a)
        b = self._leg(cmd.b)
        if a.partner != b.call_id:
            raise WorkerError(ErrorCode.CONFLICT, f"{cmd.a} and {cmd.b} are not bridged")
        self._disconnect_pair(a, b)
        self._unlink(a, "unbridged")
        self._unlink(b, "unbridged")
        return {}

    def _hold(self, cmd: p.Hold) -> dict[str, Any]:
        leg = self._leg(cmd.call_id, media=True)
        if leg.hold_player is not None:
            return {}
        player = self._new_player(cmd.music, loop=True) if cmd.music else _SILENCE  # fails before any change
        partner = self.legs.get(leg.partner) if leg.partner else None
        if partner is not None:
            self._disconnect_pair(leg, partner)
        if player is not _SILENCE:
            player.startTransmit(leg.media)
        leg.hold_player = player
        return {}

    def _unhold(self, cmd: p.Unhold) -> dict[str, Any]:
        leg = self._leg(cmd.call_id, media=True)
        player = leg.hold_player
        leg.hold_player = None
        if player is not None and player is not _SILENCE:
            try:
                player.stopTransmit(leg.media)
            except pj.Error:
                pass
            self._parked.append(player)
        partner = self.legs.get(leg.partner) if leg.partner else None
        if partner is not None and partner.media is not None:
            leg.media.startTransmit(partner.media)
            partner.media.startTransmit(leg.media)
        return {}

    def _transfer(self, cmd: p.Transfer) -> dict[str, Any]:
        leg = self._leg(cmd.call_id)
        leg.call.xfer(cmd.uri, pj.CallOpParam())
        return {}

    # Which conference-bridge links each supervision mode makes (src -> dst; "s" = the supervisor).
    _SUPERVISE_LINKS = {
        "monitor": (("a", "s"), ("b", "s")),
        "whisper": (("a", "s"), ("b", "s"), ("s", "b")),
        "barge": (("a", "s"), ("b", "s"), ("s", "a"), ("s", "b")),
        "off": (),
    }

    def _supervise_links(self, sup: Leg, a_id: str, b_id: str, mode: str, connect: bool) -> None:
        legs = {"s": sup, "a": self.legs.get(a_id), "b": self.legs.get(b_id)}
        for src_key, dst_key in self._SUPERVISE_LINKS[mode]:
            src, dst = legs[src_key], legs[dst_key]
            if src is None or dst is None or src.media is None or dst.media is None:
                continue  # a leg already gone: its ports left the bridge with it
            try:
                if connect:
                    src.media.startTransmit(dst.media)
                else:
                    src.media.stopTransmit(dst.media)
            except pj.Error:
                if connect:
                    raise
                # disconnecting a port that is already gone is fine

    def _supervise(self, cmd: p.Supervise) -> dict[str, Any]:
        if cmd.mode not in self._SUPERVISE_LINKS:
            raise WorkerError(ErrorCode.INVALID_ARGUMENT, f"unknown supervision mode {cmd.mode!r}")
        sup = self._leg(cmd.supervisor, media=True)
        if cmd.mode != "off":
            a = self._leg(cmd.a, media=True)
            self._leg(cmd.b, media=True)
            if a.partner != cmd.b:
                raise WorkerError(ErrorCode.CONFLICT, f"{cmd.a} and {cmd.b} are not bridged")
        if sup.supervising is not None:  # switching modes: drop the old links first
            self._supervise_links(sup, *sup.supervising, connect=False)
            sup.supervising = None
        if cmd.mode != "off":
            self._stop_player(sup, "stopped")
            self._supervise_links(sup, cmd.a, cmd.b, cmd.mode, connect=True)
            sup.supervising = (cmd.a, cmd.b, cmd.mode)
        return {}

    def _ping(self, cmd: p.Ping) -> dict[str, Any]:
        return {"calls": sum(1 for leg in self.legs.values() if not leg.ended), "pid": os.getpid()}

    def _shutdown(self, cmd: p.Shutdown) -> dict[str, Any]:
        self._stopping = True
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edge_server.voice.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--control", required=True, help="the edge's ROUTER endpoint, e.g. tcp://127.0.0.1:5560")
    parser.add_argument("--sip-port", type=int, required=True, help="UDP+TCP port the trunk sends calls to")
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--max-calls", type=int, default=24, help="concurrent legs (2.10.post6: keep <= 27)")
    parser.add_argument("--rtp-port", type=int, default=40000, help="first RTP port of this worker's range")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind SIP and RTP to")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    # This process is its own composition root, so it configures logging (to stderr, the edge collects it).
    # pjsua's own console log (errors only after libInit) writes to stdout: send it to stderr too.
    sys.stdout.flush()
    os.dup2(2, 1)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format=f"%(asctime)s %(levelname)s %(name)s[{args.worker_id}] %(message)s")
    worker = Worker(control=args.control, sip_port=args.sip_port, worker_id=args.worker_id,
                    max_calls=min(args.max_calls, 27), rtp_port=args.rtp_port, host=args.host)
    signal.signal(signal.SIGTERM, worker.request_stop)
    signal.signal(signal.SIGINT, worker.request_stop)
    try:
        worker.start()
    except pj.Error as e:
        log.error("cannot start pjsua2 (port %d in use?): %s", args.sip_port, e.info())
        return 2
    try:
        worker.run()
    finally:
        worker.stop()
        log.info("worker %s stopped", args.worker_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
