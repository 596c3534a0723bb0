"""The desktop's SIP user agent: one pjsua2 Endpoint, one account, its calls, polled by the owner.

Threading (platform-facts "pjsua2"): ``threadCnt = 0`` and ``mainThreadOnly = True``, so every SIP
callback runs inside ``poll()`` on the owner's thread. Callbacks never raise into pjsip and never
call the owner: they append to an event queue that ``poll()`` returns. Media-clock callbacks (the
audio bridge) run on pjmedia's thread and never touch this object.

Lifetimes: a ``Call`` not referenced is garbage-collected by SWIG (the caller gets 603), and a ``Call``
alive after ``libDestroy`` aborts the process. So calls live in ``self._calls`` until DISCONNECTED,
are released from ``poll()`` (never inside their own callback), and ``close()`` drops them all and
runs ``gc.collect()`` before ``libDestroy``.
"""
from __future__ import annotations

import gc
import logging
import os
import queue
import socket
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import pjsua2 as pj

from softphone.errors import SoftphoneError
from softphone.events import (
    CallState,
    CallStateName,
    Dtmf,
    EngineError,
    EngineEvent,
    IncomingCall,
    MediaQuality,
    Registration,
)
from softphone.quality import mos

log = logging.getLogger("sb.softphone")

# Codec priorities (0 disables). speex is pjsua's default first choice and distorts tones; the
# voice gateway offers G.722 and G.711, so those go first and everything else is off.
CODEC_PRIORITY: dict[str, int] = {"G722/16000": 250, "PCMU/8000": 240, "PCMA/8000": 230}

DtmfMethod = Literal["rfc4733", "info"]


@dataclass(slots=True)
class EngineConfig:
    """How the engine binds and which account it uses."""

    bind_address: str = "127.0.0.1"  # "0.0.0.0" on a real desktop
    port: int = 0  # 0: a free port chosen here
    public_address: str = ""  # host written in Contact/SDP when bound to 0.0.0.0 behind NAT
    tcp: bool = True  # also listen on TCP (same port number)
    user: str = "agent"  # user part of the local contact
    display_name: str = ""
    # Registration: leave registrar empty for a contact-only account (the edge is told our contact).
    registrar: str = ""  # e.g. "sip:pbx.example.com"
    id_uri: str = ""  # e.g. "sip:1001@pbx.example.com" (defaults to user@registrar host)
    username: str = ""
    password: str = ""
    realm: str = "*"
    auto_answer: bool = False
    quality_interval_s: float = 2.0  # how often MediaQuality is reported per confirmed call
    log_level: int = 0  # pjsip's own console log level (0 = silent; 3-5 when debugging)
    max_calls: int = 8  # pjsua 2.10 aborts near 30 (64-slot ioqueue); an agent needs a handful


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port that was free a moment ago (also free on TCP: we listen on both)."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = int(u.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((host, port))
                except OSError:
                    continue
            return port
    raise SoftphoneError("bad_argument", f"no free UDP+TCP port on {host}")


@contextmanager
def _pj(what: str) -> Iterator[None]:
    """Translate pj.Error at the border (pjsua2 raises it from every API call)."""
    try:
        yield
    except pj.Error as e:
        raise SoftphoneError("pjsip", f"{what}: {e.info(False) if hasattr(e, 'info') else e.reason}",
                             int(getattr(e, "status", 0))) from e


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence fd 1 around libCreate: pjlib logs ~14 lines at level 5 to stdout before libInit can
    apply our log level, and the packaged app's smoke test fails on unexpected output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _parse_headers(whole_msg: str) -> dict[str, str]:
    """Header fields of a raw SIP message (first occurrence wins; folded lines joined)."""
    headers: dict[str, str] = {}
    lines = whole_msg.replace("\r\n", "\n").split("\n")
    last = ""
    for line in lines[1:]:
        if not line:
            break
        if line[0] in " \t" and last:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        last = name.strip()
        headers.setdefault(last, value.strip())
    return headers


def _split_display(uri: str) -> tuple[str, str]:
    """('Alice', 'sip:alice@x') from '"Alice" <sip:alice@x>'."""
    if "<" in uri:
        disp, _, rest = uri.partition("<")
        return disp.strip().strip('"'), rest.split(">", 1)[0]
    return "", uri.strip()


class _Account(pj.Account):
    def __init__(self, engine: SipEngine) -> None:
        super().__init__()
        self._engine = weakref.ref(engine)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:  # noqa: N802 (pjsua2 override)
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_incoming, self, prm)

    def onRegState(self, prm: pj.OnRegStateParam) -> None:  # noqa: N802
        engine = self._engine()
        if engine is not None:
            engine._reg_code = int(prm.code)
            log.info("registration: %s %s (expires %s)", prm.code, prm.reason, prm.expiration)
            engine._events.put(Registration(int(prm.code), str(prm.reason), int(prm.expiration)))


class _Call(pj.Call):
    """One call leg; reports to the engine through a weak reference (no cycle with the engine)."""

    def __init__(self, engine: SipEngine, account: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(account, call_id)
        self._engine = weakref.ref(engine)
        self.key = ""  # our call_id: the SIP Call-ID
        self.muted = False
        self.held = False
        self.last_quality = 0.0
        self.peers: set[str] = set()  # calls bridged with this one in a local conference

    def onCallState(self, prm: pj.OnCallStateParam) -> None:  # noqa: N802
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_call_state, self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:  # noqa: N802
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_media_state, self)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:  # noqa: N802
        # May run on the media thread for RFC 4733: only a queue put (thread-safe) happens here.
        engine = self._engine()
        if engine is not None:
            engine._events.put(Dtmf(self.key, str(prm.digit)))

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:  # noqa: N802
        # We transferred this call away: once the target answered (final 2xx NOTIFY) our leg is done,
        # and pjsua leaves hanging it up to us. Done from poll(), not inside this callback.
        engine = self._engine()
        if engine is None or not prm.finalNotify:
            return
        if 200 <= int(prm.statusCode) < 300:
            engine._to_hangup.append(self.key)
        else:
            engine._events.put(EngineError(f"transfer of {self.key} failed: {prm.statusCode} {prm.reason}"))

    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:  # noqa: N802
        # An INVITE with Replaces took this call over (someone's attended transfer to us): the new
        # leg needs a Call object we keep, exactly like an incoming call.
        engine = self._engine()
        if engine is not None:
            new = _Call(engine, engine._account, prm.newCallId)
            engine._adopt.append(new)
            prm.newCall = new

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:  # noqa: N802
        # We are the transferee: pjsua makes the new call, but its Call object must be ours and kept
        # (else it is collected and the transfer target gets 603).
        engine = self._engine()
        if engine is not None:
            new = _Call(engine, engine._account)
            engine._adopt.append(new)
            prm.newCall = new


_STATE_NAMES: dict[int, CallStateName] = {
    pj.PJSIP_INV_STATE_CALLING: "connecting",
    pj.PJSIP_INV_STATE_CONNECTING: "connecting",
    pj.PJSIP_INV_STATE_CONFIRMED: "confirmed",
    pj.PJSIP_INV_STATE_DISCONNECTED: "disconnected",
}


class SipEngine:
    """The SIP user agent. Create, ``poll()`` every ~10 ms from one thread, ``close()`` at the end."""

    def __init__(self, config: EngineConfig | None = None,
                 on_event: Callable[[EngineEvent], None] | None = None) -> None:
        self.config = config or EngineConfig()
        self._on_event = on_event
        self._events: queue.SimpleQueue[EngineEvent] = queue.SimpleQueue()
        self._calls: dict[str, _Call] = {}
        self._adopt: list[_Call] = []  # transferee calls not yet keyed
        self._dead: list[str] = []
        self._to_answer: list[str] = []
        self._to_hangup: list[str] = []
        self._reg_code = 0
        self._audio_port: pj.AudioMedia | None = None
        self._closed = False
        self._ep: pj.Endpoint = pj.Endpoint()
        try:
            self._start()
        except BaseException:
            self._destroy()
            raise

    # ---------------------------------------------------------------- start / stop
    def _start(self) -> None:
        cfg = self.config
        with _pj("libCreate"), _quiet_stdout():
            self._ep.libCreate()
        ep_cfg = pj.EpConfig()
        ep_cfg.uaConfig.threadCnt = 0
        ep_cfg.uaConfig.mainThreadOnly = True
        ep_cfg.uaConfig.maxCalls = cfg.max_calls
        ep_cfg.uaConfig.userAgent = "Switchboard softphone"
        ep_cfg.logConfig.level = cfg.log_level
        ep_cfg.logConfig.consoleLevel = cfg.log_level
        # Continuous RTP even in silence: the gateway's jitter stats and our quality meter need it.
        ep_cfg.medConfig.noVad = True
        ep_cfg.medConfig.clockRate = 16000
        ep_cfg.medConfig.sndClockRate = 16000
        with _pj("libInit"):
            self._ep.libInit(ep_cfg)
            # The wheel has no sound devices; the null device keeps the conference clock running.
            self._ep.audDevManager().setNullDev()
        port = cfg.port or free_udp_port(cfg.bind_address if cfg.bind_address != "0.0.0.0" else "127.0.0.1")
        tcfg = pj.TransportConfig()
        tcfg.port = port
        if cfg.bind_address and cfg.bind_address != "0.0.0.0":
            tcfg.boundAddress = cfg.bind_address
        if cfg.public_address:
            tcfg.publicAddress = cfg.public_address
        with _pj(f"UDP transport on {cfg.bind_address}:{port}"):
            self._udp = self._ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        if cfg.tcp:
            with _pj(f"TCP transport on {cfg.bind_address}:{port}"):
                self._ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcfg)
        with _pj("libStart"):
            self._ep.libStart()
        self._set_codecs()
        local = self._ep.transportGetInfo(self._udp).localName
        self._contact = f"sip:{cfg.user}@{local}"
        acfg = pj.AccountConfig()
        if cfg.registrar:
            host = cfg.registrar.split(":", 1)[1] if ":" in cfg.registrar else cfg.registrar
            acfg.idUri = cfg.id_uri or f"sip:{cfg.username or cfg.user}@{host}"
            acfg.regConfig.registrarUri = cfg.registrar
            cred = pj.AuthCredInfo("digest", cfg.realm, cfg.username or cfg.user, 0, cfg.password)
            acfg.sipConfig.authCreds.append(cred)
        else:
            acfg.idUri = self._contact
            acfg.regConfig.registerOnAdd = False
        if cfg.display_name:
            acfg.idUri = f'"{cfg.display_name}" <{acfg.idUri}>'
        self._account = _Account(self)
        with _pj("account create"):
            self._account.create(acfg, True)
        log.info("softphone up: contact %s (%s)", self._contact,
                 f"registering to {cfg.registrar}" if cfg.registrar else "contact-only")

    def _set_codecs(self) -> None:
        with _pj("codec priorities"):
            for codec in self._ep.codecEnum2():
                self._ep.codecSetPriority(codec.codecId, 0)
            names = {c.codecId: c.codecId for c in self._ep.codecEnum2()}
            for cid, prio in CODEC_PRIORITY.items():
                for full in names:
                    if full.startswith(cid):
                        self._ep.codecSetPriority(full, prio)

    def codecs(self) -> list[tuple[str, int]]:
        """Enabled codecs in priority order (for diagnostics)."""
        if self._closed:
            raise SoftphoneError("closed", "the softphone is closed")
        with _pj("codecEnum2"):
            cs = [(c.codecId, int(c.priority)) for c in self._ep.codecEnum2() if c.priority > 0]
        return sorted(cs, key=lambda c: -c[1])

    def close(self) -> None:
        """Hang up everything, release every Call, destroy the library. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._calls or self._adopt:
                self._ep.hangupAllCalls()
                deadline = time.monotonic() + 1.0
                while (self._calls or self._adopt) and time.monotonic() < deadline:
                    self._poll_once(10)
        except pj.Error as e:
            log.warning("hangup at close failed: %s", e.reason)
        finally:
            self._destroy()

    def _destroy(self) -> None:
        self._closed = True
        self._calls.clear()
        self._adopt.clear()
        self._audio_port = None
        acc = getattr(self, "_account", None)
        if acc is not None:
            try:
                acc.shutdown()
            except pj.Error as e:
                log.warning("account shutdown: %s", e.reason)
            del self._account
        gc.collect()  # any Call alive after libDestroy aborts the process
        ep, self._ep = self._ep, None  # type: ignore[assignment]
        try:
            # Calls were already hung up above; without a registration to remove, NO_NETWORK skips
            # pjsua's fixed 1 s wait for pending transactions (close 1.5 s -> 0.5 s).
            ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK if not self.config.registrar else 0)
        except pj.Error as e:
            log.warning("libDestroy: %s", e.reason)
        # Free the C++ Endpoint now, not whenever this engine is collected: pjsua2 allows one Endpoint
        # per process, and constructing the next one while this one lives throws across SWIG (abort).
        del ep
        gc.collect()

    def __enter__(self) -> SipEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- properties
    @property
    def contact(self) -> str:
        """Our SIP URI, sent to the edge as sip_contact at login."""
        return self._contact

    @property
    def audio_mode(self) -> Literal["null", "bridge"]:
        """'null' when no audio bridge is attached (no sound hardware or none chosen)."""
        return "null" if self._audio_port is None else "bridge"

    @property
    def registration_code(self) -> int:
        """Last REGISTER status (200 when registered, 0 when contact-only or not yet known)."""
        return self._reg_code

    @property
    def endpoint(self) -> pj.Endpoint:
        """The pjsua2 Endpoint, for softphone.audio only (registering threads, creating ports)."""
        if self._closed:
            raise SoftphoneError("closed", "the softphone is closed")
        return self._ep

    def call_ids(self) -> list[str]:
        """Calls currently alive."""
        return list(self._calls)

    def is_muted(self, call_id: str) -> bool:
        return self._call(call_id).muted

    # ---------------------------------------------------------------- polling
    def poll(self, max_ms: int = 0) -> list[EngineEvent]:
        """Run pjsip for up to ``max_ms`` and return (and hand to on_event) what happened."""
        if self._closed:
            return []
        self._poll_once(max_ms)
        self._report_quality()
        out: list[EngineEvent] = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                break
        if self._on_event is not None:
            for ev in out:
                self._on_event(ev)
        return out

    def _poll_once(self, max_ms: int) -> None:
        with _pj("libHandleEvents"):
            self._ep.libHandleEvents(max_ms)
        # Release calls outside their own callbacks (deleting a Call inside one crashes pjsua2).
        while self._dead:
            call = self._calls.pop(self._dead.pop(), None)
            if call is not None:
                call.peers.clear()
            del call
        while self._to_hangup:
            key = self._to_hangup.pop(0)
            if key in self._calls:
                try:
                    self.hangup(key)
                except SoftphoneError as e:
                    self._events.put(EngineError(f"hangup after transfer {key}: {e}"))
        while self._to_answer:
            key = self._to_answer.pop(0)
            if key in self._calls:
                try:
                    self.answer(key)
                except SoftphoneError as e:
                    self._events.put(EngineError(f"auto-answer {key}: {e}"))

    def _guard(self, fn: Callable[..., None], *args: Any) -> None:
        """Run a callback body; an exception becomes an event, never a pjsip-side crash."""
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 (reported, not swallowed: raising into SWIG aborts)
            log.exception("softphone callback %s failed", getattr(fn, "__name__", fn))
            self._events.put(EngineError(f"{getattr(fn, '__name__', fn)}: {e}"))

    # ---------------------------------------------------------------- callbacks
    def _on_incoming(self, account: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        call = _Call(self, account, prm.callId)
        info = call.getInfo()
        call.key = info.callIdString
        self._calls[call.key] = call
        display, uri = _split_display(info.remoteUri)
        headers = _parse_headers(prm.rdata.wholeMsg)
        self._events.put(IncomingCall(call.key, uri, display, headers))
        op = pj.CallOpParam()
        op.statusCode = 180
        call.answer(op)
        if self.config.auto_answer:
            self._to_answer.append(call.key)

    def _on_call_state(self, call: _Call) -> None:
        info = call.getInfo()
        if not call.key:  # a transferee call we created in onCallTransferRequest
            call.key = info.callIdString
            self._calls[call.key] = call
            if call in self._adopt:
                self._adopt.remove(call)
        st = int(info.state)
        if st in (pj.PJSIP_INV_STATE_INCOMING, pj.PJSIP_INV_STATE_NULL):
            return  # IncomingCall already said it; 'ringing' comes with our 180 (EARLY)
        if st == pj.PJSIP_INV_STATE_EARLY:
            name: CallStateName = "ringing" if info.role == pj.PJSIP_ROLE_UAS else "early"
        else:
            name = _STATE_NAMES.get(st, "connecting")
        code = int(info.lastStatusCode)
        self._events.put(CallState(call.key, name, str(info.lastReason), code))
        if st == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._dead.append(call.key)
            for other in list(call.peers):
                peer = self._calls.get(other)
                if peer is not None:
                    peer.peers.discard(call.key)

    def _on_media_state(self, call: _Call) -> None:
        info = call.getInfo()
        for mi in info.media:
            if mi.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            status = int(mi.status)
            if status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                self._connect_media(call, mi.index)
            if status in (pj.PJSUA_CALL_MEDIA_LOCAL_HOLD, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                if not call.held:
                    call.held = True
                    why = "local" if status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD else "remote"
                    self._events.put(CallState(call.key, "held", why, int(info.lastStatusCode)))
            elif status == pj.PJSUA_CALL_MEDIA_ACTIVE and call.held:
                call.held = False
                self._events.put(CallState(call.key, "confirmed", "unhold", int(info.lastStatusCode)))

    def _sound(self) -> tuple[pj.AudioMedia, pj.AudioMedia]:
        """(capture, playback) conference ports: the audio bridge, else the null device (slot 0)."""
        if self._audio_port is not None:
            return self._audio_port, self._audio_port
        mgr = self._ep.audDevManager()
        return mgr.getCaptureDevMedia(), mgr.getPlaybackDevMedia()

    def _connect_media(self, call: _Call, index: int) -> None:
        am = call.getAudioMedia(index)
        capture, playback = self._sound()
        am.startTransmit(playback)
        if not call.muted:
            capture.startTransmit(am)
        for other in call.peers:
            peer = self._calls.get(other)
            if peer is not None and peer.hasMedia():
                pm = peer.getAudioMedia(-1)
                am.startTransmit(pm)
                pm.startTransmit(am)

    def _report_quality(self) -> None:
        now = time.monotonic()
        for call in self._calls.values():
            if now - call.last_quality < self.config.quality_interval_s:
                continue
            call.last_quality = now
            try:
                if not call.hasMedia():
                    continue
                q = self.quality(call.key)
            except (pj.Error, SoftphoneError):
                continue  # media not up yet / going away: try next interval
            if q.rx_packets > 0:
                self._events.put(q)

    # ---------------------------------------------------------------- commands
    def _call(self, call_id: str) -> _Call:
        if self._closed:
            raise SoftphoneError("closed", "the softphone is closed")
        call = self._calls.get(call_id)
        if call is None:
            raise SoftphoneError("no_such_call", f"no call {call_id!r}")
        return call

    def make_call(self, uri: str, headers: dict[str, str] | None = None) -> str:
        """Call ``uri``; returns our call_id (the SIP Call-ID)."""
        if self._closed:
            raise SoftphoneError("closed", "the softphone is closed")
        if not uri.startswith(("sip:", "sips:", "tel:")):
            raise SoftphoneError("bad_argument", f"not a SIP URI: {uri!r}")
        call = _Call(self, self._account)
        op = pj.CallOpParam(True)
        for name, value in (headers or {}).items():
            h = pj.SipHeader()
            h.hName, h.hValue = name, value
            op.txOption.headers.append(h)
        with _pj(f"makeCall {uri}"):
            call.makeCall(uri, op)
            call.key = call.getInfo().callIdString
        self._calls[call.key] = call
        return call.key

    def answer(self, call_id: str, code: int = 200) -> None:
        op = pj.CallOpParam()
        op.statusCode = code
        with _pj(f"answer {call_id}"):
            self._call(call_id).answer(op)

    def hangup(self, call_id: str, code: int = 0) -> None:
        """End the call (CANCEL/486/603/BYE as the state requires; ``code`` for an unanswered one)."""
        op = pj.CallOpParam()
        op.statusCode = code
        call = self._call(call_id)
        with _pj(f"hangup {call_id}"):
            call.hangup(op)

    def hold(self, call_id: str) -> None:
        with _pj(f"hold {call_id}"):
            self._call(call_id).setHold(pj.CallOpParam(True))

    def unhold(self, call_id: str) -> None:
        op = pj.CallOpParam(True)
        op.opt.flag = pj.PJSUA_CALL_UNHOLD
        with _pj(f"unhold {call_id}"):
            self._call(call_id).reinvite(op)

    def mute(self, call_id: str) -> None:
        """Stop sending our microphone into the call (the call keeps receiving)."""
        call = self._call(call_id)
        call.muted = True
        if call.hasMedia():
            capture, _ = self._sound()
            with _pj(f"mute {call_id}"):
                capture.stopTransmit(call.getAudioMedia(-1))

    def unmute(self, call_id: str) -> None:
        call = self._call(call_id)
        call.muted = False
        if call.hasMedia():
            capture, _ = self._sound()
            with _pj(f"unmute {call_id}"):
                capture.startTransmit(call.getAudioMedia(-1))

    def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod = "rfc4733") -> None:
        if not digits or any(d not in "0123456789*#ABCDabcd" for d in digits):
            raise SoftphoneError("bad_argument", f"not DTMF digits: {digits!r}")
        call = self._call(call_id)
        with _pj(f"DTMF {method} on {call_id}"):
            if method == "rfc4733":
                call.dialDtmf(digits)
            elif method == "info":
                prm = pj.CallSendDtmfParam()
                prm.method = pj.PJSUA_DTMF_METHOD_SIP_INFO
                prm.digits = digits
                call.sendDtmf(prm)
            else:
                raise SoftphoneError("bad_argument", f"unknown DTMF method {method!r}")

    def blind_transfer(self, call_id: str, uri: str) -> None:
        """REFER the remote party to ``uri``; the call ends when the transfer is accepted."""
        with _pj(f"transfer {call_id} to {uri}"):
            self._call(call_id).xfer(uri, pj.CallOpParam(True))

    def attended_transfer(self, call_id: str, other_call_id: str) -> None:
        """Connect the remote of ``call_id`` with the remote of ``other_call_id`` (REFER/Replaces)."""
        other = self._call(other_call_id)
        with _pj(f"attended transfer {call_id} -> {other_call_id}"):
            self._call(call_id).xferReplaces(other, pj.CallOpParam(True))

    def conference(self, call_a: str, call_b: str) -> None:
        """Local 3-way: both remotes hear each other and us (unhold them first if held)."""
        a, b = self._call(call_a), self._call(call_b)
        a.peers.add(call_b)
        b.peers.add(call_a)
        if a.hasMedia() and b.hasMedia():
            with _pj(f"conference {call_a} + {call_b}"):
                ma, mb = a.getAudioMedia(-1), b.getAudioMedia(-1)
                ma.startTransmit(mb)
                mb.startTransmit(ma)

    def split_conference(self, call_a: str, call_b: str) -> None:
        """Undo ``conference``: the two remotes stop hearing each other."""
        a, b = self._call(call_a), self._call(call_b)
        a.peers.discard(call_b)
        b.peers.discard(call_a)
        if a.hasMedia() and b.hasMedia():
            with _pj(f"split {call_a} / {call_b}"):
                ma, mb = a.getAudioMedia(-1), b.getAudioMedia(-1)
                ma.stopTransmit(mb)
                mb.stopTransmit(ma)

    def levels(self, call_id: str) -> tuple[int, int]:
        """(received, transmitted) signal level of the call's conference port, 0..255 (a VU meter)."""
        call = self._call(call_id)
        if not call.hasMedia():
            return 0, 0
        with _pj(f"levels {call_id}"):
            am = call.getAudioMedia(-1)
            # pjmedia names levels from the conference bridge's side: what the call port transmits
            # INTO the bridge is what we received from the remote (verified with baresip's tone).
            return int(am.getTxLevel()), int(am.getRxLevel())

    def bridged(self, call_a: str, call_b: str) -> bool:
        """True when each call's audio is transmitted into the other (a local conference)."""
        a, b = self._call(call_a), self._call(call_b)
        if not (a.hasMedia() and b.hasMedia()):
            return False
        with _pj(f"port info {call_a} / {call_b}"):
            ma, mb = a.getAudioMedia(-1), b.getAudioMedia(-1)
            ia, ib = ma.getPortInfo(), mb.getPortInfo()  # kept alive: see media_links
            return mb.getPortId() in list(ia.listeners) and ma.getPortId() in list(ib.listeners)

    def quality(self, call_id: str) -> MediaQuality:
        """Current receive-side quality of a call with media."""
        call = self._call(call_id)
        with _pj(f"stream stats {call_id}"):
            st = call.getStreamStat(0).rtcp
        rx = st.rxStat
        pkts, lost = int(rx.pkt), int(rx.loss)
        loss_pct = 100.0 * lost / (pkts + lost) if pkts + lost else 0.0
        jitter_ms = float(rx.jitterUsec.last) / 1000.0
        rtt_ms = float(st.rttUsec.last) / 1000.0  # 0 until the first RTCP report comes back
        return MediaQuality(call_id, round(jitter_ms, 2), round(loss_pct, 2), round(rtt_ms, 2),
                            mos(jitter_ms, loss_pct, rtt_ms), pkts)

    def media_links(self, call_id: str) -> tuple[bool, bool]:
        """(we send capture into the call, the call plays to our output): for tests and diagnostics."""
        call = self._call(call_id)
        if not call.hasMedia():
            return False, False
        with _pj(f"port info {call_id}"):
            am = call.getAudioMedia(-1)
            capture, playback = self._sound()
            # Keep each ConfPortInfo alive while reading it: its IntVector dangles with a temporary.
            cap_info, call_info = capture.getPortInfo(), am.getPortInfo()
            sending = am.getPortId() in list(cap_info.listeners)
            playing = playback.getPortId() in list(call_info.listeners)
        return sending, playing

    # ---------------------------------------------------------------- audio
    def use_audio_port(self, port: pj.AudioMedia | None) -> None:
        """Route calls through ``port`` (softphone.audio.AudioBridge) or back to the null device."""
        old_capture, old_playback = self._sound()
        self._audio_port = port
        capture, playback = self._sound()
        for call in self._calls.values():
            if not call.hasMedia():
                continue
            with _pj("re-route audio"):
                am = call.getAudioMedia(-1)
                try:
                    old_capture.stopTransmit(am)
                    am.stopTransmit(old_playback)
                except pj.Error as e:
                    # The old port may already be gone (device unplugged): nothing left to stop.
                    log.info("old audio port already gone: %s", e.reason)
                am.startTransmit(playback)
                if not call.muted:
                    capture.startTransmit(am)

