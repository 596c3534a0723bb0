"""The edge's side of voice: starts worker processes, talks to them over a ZeroMQ ROUTER, restarts crashed ones.

No pjsua2 here: a worker that aborts takes only its own calls with it (reported as dropped), the edge
lives on. Workers are chosen by the trunk: each worker listens on its own SIP port (``sip_base_port + i``)
and a trunk call belongs to the worker that received it; agent legs for that call are placed from the
same worker so the bridge is local to one conference bridge. With one carrier address, put Kamailio's
dispatcher (or the carrier's own round robin) in front of the worker ports.

Legs per worker default to 24: pjsua2 2.10.post6 aborts near 30 concurrent calls with churn (select
ioqueue of 64 handles, RTP+RTCP per call), 27 ran cleanly; 24 keeps a margin and makes 12 bridged customer
calls per worker.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec
import zmq
import zmq.asyncio

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.voice import protocol as p

log = logging.getLogger("sb.voice")

LEGS_PER_WORKER = 24


@dataclass(frozen=True)
class GatewayConfig:
    """How many workers and where they listen."""

    workers: int = 1
    sip_base_port: int = 5070  # worker i listens on sip_base_port + i (UDP and TCP)
    rtp_base_port: int = 40000  # worker i uses rtp_base_port + i * rtp_ports_per_worker ...
    rtp_ports_per_worker: int = 200
    legs_per_worker: int = LEGS_PER_WORKER
    host: str = "127.0.0.1"
    python: str = sys.executable
    worker_log_level: str = "WARNING"
    request_timeout_s: float = 5.0
    ready_timeout_s: float = 15.0
    restart_backoff_s: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)  # after 1st, 2nd... quick death in a row
    heartbeat_s: float = 2.0  # Ping period; 3 missed in a row -> the worker is killed and restarted

    @classmethod
    def for_capacity(cls, legs: int, **kw: Any) -> GatewayConfig:
        """Enough workers for ``legs`` concurrent call legs (a bridged customer call uses two)."""
        per = kw.get("legs_per_worker", LEGS_PER_WORKER)
        return cls(workers=max(1, math.ceil(legs / per)), **kw)


@dataclass(frozen=True)
class CollectResult:
    digits: str
    reason: str  # max | terminator | timeout | hangup


class VoiceEvents(Protocol):
    """What the gateway tells its owner (called on the event loop; must not block: spawn tasks)."""

    def on_incoming(self, worker_id: str, call: p.CallIncoming) -> None: ...

    def on_state(self, event: p.CallState) -> None: ...

    def on_dtmf(self, event: p.DtmfReceived) -> None: ...

    def on_recording(self, event: p.RecordingDone) -> None: ...

    def on_quality(self, event: p.CallQuality) -> None: ...

    def on_dropped(self, call_id: str, worker_id: str) -> None:
        """The worker holding the call died; the call is gone (a CallState disconnected was also sent)."""
        ...


class NullEvents:
    """A VoiceEvents that ignores everything (subclass and override what you need)."""

    def on_incoming(self, worker_id: str, call: p.CallIncoming) -> None:
        pass

    def on_state(self, event: p.CallState) -> None:
        pass

    def on_dtmf(self, event: p.DtmfReceived) -> None:
        pass

    def on_recording(self, event: p.RecordingDone) -> None:
        pass

    def on_quality(self, event: p.CallQuality) -> None:
        pass

    def on_dropped(self, call_id: str, worker_id: str) -> None:
        pass


EventPredicate = Callable[[p.WorkerEvent], bool]


@dataclass
class _WorkerSlot:
    worker_id: str
    index: int
    sip_port: int
    rtp_port: int
    proc: asyncio.subprocess.Process | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    pid: int = 0
    started_at: float = 0.0
    restarts: int = 0
    monitor: asyncio.Task[None] | None = None


class VoiceGateway:
    """Owns the voice workers; ``async with VoiceGateway(config, events):``."""

    def __init__(self, config: GatewayConfig, events: VoiceEvents | None = None) -> None:
        self.config = config
        self.events: VoiceEvents = events or NullEvents()
        self._ctx: zmq.asyncio.Context | None = None
        self._sock: zmq.asyncio.Socket | None = None
        self.endpoint = ""
        self._slots: dict[str, _WorkerSlot] = {}
        self._pending: dict[int, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        self._req_ids = itertools.count(1)
        self._calls: dict[str, str] = {}  # call id -> worker id (live calls)
        self._states: dict[str, str] = {}  # call id -> last state
        self._waiters: dict[str, list[tuple[EventPredicate, asyncio.Future[p.WorkerEvent]]]] = {}
        self._recv_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._stopping = False

    # ------------------------------------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> VoiceGateway:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._ctx = zmq.asyncio.Context()
        self._sock = self._ctx.socket(zmq.ROUTER)
        self._sock.setsockopt(zmq.LINGER, 0)
        # A restarted worker reconnects with the same identity before the old pipe is noticed gone.
        self._sock.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self._sock.setsockopt(zmq.ROUTER_MANDATORY, 1)  # a command to a dead worker fails fast
        self._sock.bind(f"tcp://{self.config.host}:0")
        self.endpoint = self._sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._recv_task = asyncio.create_task(self._recv_loop(), name="voice-gateway-recv")
        cfg = self.config
        for i in range(cfg.workers):
            wid = f"w{i}"
            slot = _WorkerSlot(worker_id=wid, index=i, sip_port=cfg.sip_base_port + i,
                               rtp_port=cfg.rtp_base_port + i * cfg.rtp_ports_per_worker)
            self._slots[wid] = slot
            await self._spawn(slot)
            slot.monitor = asyncio.create_task(self._monitor(slot), name=f"voice-worker-{wid}")
        try:
            await self.wait_ready(cfg.ready_timeout_s)
        except SwitchboardError:
            await self.stop()
            raise
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="voice-gateway-heartbeat")
        log.info("voice gateway up: %d workers, SIP ports %d..%d", cfg.workers, cfg.sip_base_port,
                 cfg.sip_base_port + cfg.workers - 1)

    async def wait_ready(self, timeout_s: float) -> None:
        try:
            async with asyncio.timeout(timeout_s):
                for slot in self._slots.values():
                    await slot.ready.wait()
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "voice workers did not start") from e

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Ask every worker to hang up and exit; kill the ones that do not within ``timeout_s``."""
        self._stopping = True
        errors: list[BaseException] = []
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat_task
        for slot in self._slots.values():
            if slot.monitor is not None:
                slot.monitor.cancel()
            proc = slot.proc
            if proc is not None and proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
        for slot in self._slots.values():
            proc = slot.proc
            if proc is None:
                continue
            try:
                async with asyncio.timeout(timeout_s):
                    await proc.wait()
            except TimeoutError:
                log.error("voice worker %s did not stop in %.1f s: killed", slot.worker_id, timeout_s)
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
            except BaseException as e:  # noqa: BLE001 - collected, teardown continues
                errors.append(e)
        for slot in self._slots.values():
            if slot.monitor is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await slot.monitor
        if self._recv_task is not None:
            self._recv_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recv_task
        self._fail_pending(None, "voice gateway stopped")
        for call_id in list(self._calls):
            self._synthesize_disconnect(call_id, "gateway stopped")
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._ctx is not None:
            self._ctx.term()
            self._ctx = None
        if errors:
            log.error("voice gateway teardown errors: %r", errors)

    async def _spawn(self, slot: _WorkerSlot) -> None:
        cfg = self.config
        slot.ready.clear()
        slot.proc = await asyncio.create_subprocess_exec(
            cfg.python, "-m", "edge_server.voice.worker", "--control", self.endpoint,
            "--sip-port", str(slot.sip_port), "--worker-id", slot.worker_id,
            "--max-calls", str(cfg.legs_per_worker), "--rtp-port", str(slot.rtp_port), "--host", cfg.host,
            "--log-level", cfg.worker_log_level, stdin=asyncio.subprocess.DEVNULL)
        slot.pid = slot.proc.pid
        slot.started_at = time.monotonic()
        log.info("voice worker %s started (pid %d, SIP port %d)", slot.worker_id, slot.pid, slot.sip_port)

    async def _monitor(self, slot: _WorkerSlot) -> None:
        """Wait for the worker to exit; if we did not ask for it, drop its calls and start it again."""
        failures = 0  # consecutive quick deaths: index into the backoff table
        while not self._stopping:
            assert slot.proc is not None
            rc = await slot.proc.wait()
            if self._stopping:
                return
            log.error("voice worker %s (pid %d) exited with %s: restarting", slot.worker_id, slot.pid, rc)
            slot.ready.clear()
            self._fail_pending(slot.worker_id, f"voice worker {slot.worker_id} exited")
            for call_id in [c for c, w in self._calls.items() if w == slot.worker_id]:
                self._synthesize_disconnect(call_id, "voice worker exited")
                self._safe(self.events.on_dropped, call_id, slot.worker_id)
            if time.monotonic() - slot.started_at > 30.0:
                failures = 0  # it ran fine for a while: restart at once, like the first time
            table = self.config.restart_backoff_s
            await asyncio.sleep(table[min(failures, len(table) - 1)])
            failures += 1
            slot.restarts += 1
            await self._spawn(slot)

    async def _heartbeat(self) -> None:
        """Ping every ready worker; one that stops answering (hung, not dead) is killed and so restarted."""
        misses: dict[str, int] = {}
        while True:
            await asyncio.sleep(self.config.heartbeat_s)
            for wid, slot in self._slots.items():
                if not slot.ready.is_set():
                    continue
                try:
                    await self.request(wid, p.Ping(req=0), timeout_s=self.config.heartbeat_s)
                    misses[wid] = 0
                except SwitchboardError:
                    misses[wid] = misses.get(wid, 0) + 1
                    if misses[wid] >= 3 and slot.proc is not None and slot.proc.returncode is None:
                        log.error("voice worker %s missed %d heartbeats: killing it", wid, misses[wid])
                        misses[wid] = 0
                        with contextlib.suppress(ProcessLookupError):
                            slot.proc.kill()

    # ------------------------------------------------------------------------------------------- receiving

    async def _recv_loop(self) -> None:
        assert self._sock is not None
        while True:
            frames = await self._sock.recv_multipart()
            if len(frames) != 2:
                log.warning("voice control frame with %d parts ignored", len(frames))
                continue
            wid = frames[0].decode(errors="replace")
            try:
                msg = p.decode(frames[1])
            except (msgspec.DecodeError, msgspec.ValidationError) as e:
                log.warning("undecodable frame from voice worker %s: %s", wid, e)
                continue
            try:
                self._dispatch(wid, msg)
            except Exception:  # noqa: BLE001 - a bug in a handler must not stop the control link
                log.exception("voice event %s failed", type(msg).__name__)

    def _dispatch(self, wid: str, msg: p.Frame) -> None:
        if isinstance(msg, p.Reply | p.ErrorReply):
            entry = self._pending.pop(msg.req, None)
            if entry is None or entry[1].done():
                return
            if isinstance(msg, p.Reply):
                entry[1].set_result(msg.result)
            else:
                try:
                    code = ErrorCode(msg.code)
                except ValueError:
                    code = ErrorCode.INTERNAL
                entry[1].set_exception(SwitchboardError(code, msg.message, worker_id=wid))
            return
        if isinstance(msg, p.Ready):
            slot = self._slots.get(wid)
            if slot is None:
                log.warning("Ready from unknown worker %s", wid)
                return
            if msg.version != p.PROTOCOL_VERSION:
                log.error("voice worker %s speaks protocol %d, edge %d", wid, msg.version, p.PROTOCOL_VERSION)
                return
            slot.ready.set()
            log.info("voice worker %s ready (pid %d, capacity %d)", wid, msg.pid, msg.capacity)
            return
        if isinstance(msg, p.CallIncoming):
            self._calls[msg.call_id] = wid
            self._states[msg.call_id] = "incoming"
            self._safe(self.events.on_incoming, wid, msg)
        elif isinstance(msg, p.CallState):
            if msg.state != "transfer":
                self._states[msg.call_id] = msg.state
            if msg.state == "disconnected":
                self._calls.pop(msg.call_id, None)
            self._safe(self.events.on_state, msg)
        elif isinstance(msg, p.DtmfReceived):
            self._safe(self.events.on_dtmf, msg)
        elif isinstance(msg, p.RecordingDone):
            self._safe(self.events.on_recording, msg)
        elif isinstance(msg, p.CallQuality):
            self._safe(self.events.on_quality, msg)
        call_id = getattr(msg, "call_id", "")
        if call_id:
            self._wake(call_id, msg)  # type: ignore[arg-type]
            if isinstance(msg, p.CallState) and msg.state == "disconnected":
                self._states.pop(call_id, None)

    def _wake(self, call_id: str, event: p.WorkerEvent) -> None:
        waiters = self._waiters.get(call_id)
        if not waiters:
            return
        keep = []
        for pred, fut in waiters:
            if fut.done():
                continue
            if pred(event):
                fut.set_result(event)
            else:
                keep.append((pred, fut))
        if keep:
            self._waiters[call_id] = keep
        else:
            del self._waiters[call_id]

    def _safe(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - the owner's bug; logged, the gateway goes on
            log.exception("voice event handler %s failed", getattr(fn, "__name__", fn))

    def _synthesize_disconnect(self, call_id: str, reason: str) -> None:
        self._dispatch(self._calls.get(call_id, ""), p.CallState(call_id=call_id, state="disconnected",
                                                                 reason=reason, sip_code=0))

    def _fail_pending(self, wid: str | None, message: str) -> None:
        for req, (w, fut) in list(self._pending.items()):
            if wid is None or w == wid:
                del self._pending[req]
                if not fut.done():
                    fut.set_exception(SwitchboardError(ErrorCode.UNAVAILABLE, message, worker_id=w))

    # ------------------------------------------------------------------------------------------- requests

    async def request(self, worker_id: str, cmd: p.Command, timeout_s: float | None = None) -> dict[str, Any]:
        """Send a command (its ``req`` is replaced) and await its reply; raises SwitchboardError."""
        if self._sock is None:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "voice gateway not started")
        slot = self._slots.get(worker_id)
        if slot is None or not slot.ready.is_set():
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"voice worker {worker_id} not ready")
        cmd.req = next(self._req_ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[cmd.req] = (worker_id, fut)
        try:
            await self._sock.send_multipart([worker_id.encode(), p.encode(cmd)])
        except zmq.ZMQError as e:
            self._pending.pop(cmd.req, None)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"voice worker {worker_id} unreachable") from e
        try:
            async with asyncio.timeout(timeout_s if timeout_s is not None else self.config.request_timeout_s):
                return await fut
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE,
                                   f"voice worker {worker_id} did not answer {type(cmd).__name__}") from e
        finally:
            self._pending.pop(cmd.req, None)

    def worker_of(self, call_id: str) -> str:
        wid = self._calls.get(call_id)
        if wid is None:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"no live call {call_id}")
        return wid

    async def _call_cmd(self, cmd: p.Command, call_id: str, timeout_s: float | None = None) -> dict[str, Any]:
        return await self.request(self.worker_of(call_id), cmd, timeout_s)

    def is_live(self, call_id: str) -> bool:
        return call_id in self._calls

    def state_of(self, call_id: str) -> str:
        """incoming | ringing | early | answered | "" (unknown or ended)."""
        return self._states.get(call_id, "")

    def worker_ids(self) -> list[str]:
        return list(self._slots)

    def worker_pid(self, worker_id: str) -> int:
        return self._slots[worker_id].pid

    def worker_restarts(self, worker_id: str) -> int:
        return self._slots[worker_id].restarts

    def is_ready(self, worker_id: str) -> bool:
        return self._slots[worker_id].ready.is_set()

    def expect(self, call_id: str, predicate: EventPredicate) -> asyncio.Future[p.WorkerEvent]:
        """A future for the first event of ``call_id`` that satisfies ``predicate`` (register before acting)."""
        fut: asyncio.Future[p.WorkerEvent] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(call_id, []).append((predicate, fut))
        return fut

    async def wait_event(self, fut: asyncio.Future[p.WorkerEvent], timeout_s: float) -> p.WorkerEvent:
        try:
            async with asyncio.timeout(timeout_s):
                return await fut
        except TimeoutError as e:
            raise SwitchboardError(ErrorCode.UNAVAILABLE, "voice event did not come in time") from e

    # ------------------------------------------------------------------------------------------- call control

    async def answer(self, call_id: str, code: int = 200) -> None:
        await self._call_cmd(p.Answer(req=0, call_id=call_id, code=code), call_id)

    async def hangup(self, call_id: str, code: int = 0, reason: str = "") -> None:
        await self._call_cmd(p.Hangup(req=0, call_id=call_id, code=code, reason=reason), call_id)

    async def play(self, call_id: str, path: str, *, loop: bool = False, barge_in: bool = False) -> str:
        """Start a WAV; returns its play id (PlaybackDone carries it)."""
        play_id = uuid.uuid4().hex[:12]
        await self._call_cmd(p.Play(req=0, call_id=call_id, path=path, play_id=play_id, loop=loop,
                                    barge_in=barge_in), call_id)
        return play_id

    async def play_to_end(self, call_id: str, path: str, *, barge_in: bool = False, max_s: float = 600.0) -> str:
        """Play a WAV and wait: "done" | "barged" | "stopped" | "hangup"."""
        play_id = uuid.uuid4().hex[:12]
        done = self.expect(call_id, lambda e: (isinstance(e, p.PlaybackDone) and e.play_id == play_id)
                           or (isinstance(e, p.CallState) and e.state == "disconnected"))
        try:
            await self._call_cmd(p.Play(req=0, call_id=call_id, path=path, play_id=play_id, barge_in=barge_in),
                                 call_id)
            event = await self.wait_event(done, max_s)
        finally:
            done.cancel()
        return event.reason if isinstance(event, p.PlaybackDone) else "hangup"

    async def stop_play(self, call_id: str) -> None:
        await self._call_cmd(p.StopPlay(req=0, call_id=call_id), call_id)

    async def collect(self, call_id: str, *, max_digits: int = 1, timeout_s: float = 5.0, terminator: str = "",
                      first_digit_timeout_s: float = 0.0) -> CollectResult:
        longest = max(timeout_s, first_digit_timeout_s) * max(1, max_digits + 1) + 5.0
        result = await self._call_cmd(p.Collect(req=0, call_id=call_id, max_digits=max_digits, timeout_s=timeout_s,
                                                terminator=terminator,
                                                first_digit_timeout_s=first_digit_timeout_s), call_id, longest)
        return CollectResult(digits=str(result.get("digits", "")), reason=str(result.get("reason", "")))

    async def record(self, call_id: str, path: str, *, max_s: float = 60.0, stop_digits: str = "#") -> p.RecordingDone:
        """Record what the caller says until max_s, a stop digit or hangup; returns the finished recording."""
        done = self.expect(call_id, lambda e: isinstance(e, p.RecordingDone) and e.path == path)
        try:
            await self._call_cmd(p.Record(req=0, call_id=call_id, path=path, max_s=max_s, stop_digits=stop_digits),
                                 call_id)
            event = await self.wait_event(done, max_s + 10.0)
        finally:
            done.cancel()
        assert isinstance(event, p.RecordingDone)
        return event

    async def start_record(self, call_id: str, path: str, *, max_s: float = 3600.0, stop_digits: str = "") -> None:
        await self._call_cmd(p.Record(req=0, call_id=call_id, path=path, max_s=max_s, stop_digits=stop_digits),
                             call_id)

    async def stop_record(self, call_id: str) -> None:
        await self._call_cmd(p.StopRecord(req=0, call_id=call_id), call_id)

    async def call_agent(self, from_call_id: str, contact_uri: str, *, caller_id: str = "",
                         headers: dict[str, str] | None = None, timeout_s: float = 30.0,
                         worker_id: str = "") -> str:
        """Place an agent leg from the worker holding ``from_call_id``; returns the new call id at once.

        Follow it with ``wait_answered``. ``worker_id`` instead of ``from_call_id`` for calls not tied to one.
        """
        wid = worker_id or self.worker_of(from_call_id)
        call_id = uuid.uuid4().hex
        self._calls[call_id] = wid
        self._states[call_id] = "calling"
        try:
            await self.request(wid, p.CallAgent(req=0, call_id=call_id, contact_uri=contact_uri, caller_id=caller_id,
                                                headers=dict(headers or {}), timeout_s=timeout_s))
        except BaseException:
            self._calls.pop(call_id, None)
            self._states.pop(call_id, None)
            raise
        return call_id

    async def wait_answered(self, call_id: str, timeout_s: float = 35.0) -> bool:
        """True when the call is answered, False when it ended (busy, no answer, failed)."""
        state = self.state_of(call_id)
        if state == "answered":
            return True
        if not state:
            return False
        fut = self.expect(call_id, lambda e: isinstance(e, p.CallState) and e.state in ("answered", "disconnected"))
        try:
            event = await self.wait_event(fut, timeout_s)
        finally:
            fut.cancel()
        return isinstance(event, p.CallState) and event.state == "answered"

    async def bridge(self, a: str, b: str, *, record_a: str = "", record_b: str = "") -> None:
        wid = self.worker_of(a)
        if self.worker_of(b) != wid:
            raise SwitchboardError(ErrorCode.CONFLICT, "legs live in different voice workers")
        await self.request(wid, p.Bridge(req=0, a=a, b=b, record_a=record_a, record_b=record_b))

    async def unbridge(self, a: str, b: str) -> None:
        await self.request(self.worker_of(a), p.Unbridge(req=0, a=a, b=b))

    async def hold(self, call_id: str, music: str = "") -> None:
        await self._call_cmd(p.Hold(req=0, call_id=call_id, music=music), call_id)

    async def unhold(self, call_id: str) -> None:
        await self._call_cmd(p.Unhold(req=0, call_id=call_id), call_id)

    async def transfer(self, call_id: str, uri: str, *, timeout_s: float = 30.0) -> bool:
        """Blind transfer; True when the far end accepted it (2xx NOTIFY) — the call then ends here."""
        fut = self.expect(call_id, lambda e: isinstance(e, p.CallState) and e.state in ("transfer", "disconnected"))
        try:
            await self._call_cmd(p.Transfer(req=0, call_id=call_id, uri=uri), call_id)
            event = await self.wait_event(fut, timeout_s)
        finally:
            fut.cancel()
        return isinstance(event, p.CallState) and event.state == "transfer" and 200 <= event.sip_code < 300

    async def supervise(self, supervisor: str, a: str, b: str, mode: str = "monitor") -> None:
        """monitor | whisper (to the agent ``b``) | barge | off; the supervisor's leg must be in a's worker.

        Place it with ``call_agent(a, supervisor_contact)`` so all three legs share one conference bridge.
        """
        await self.request(self.worker_of(a), p.Supervise(req=0, supervisor=supervisor, a=a, b=b, mode=mode))

    async def ping(self, worker_id: str) -> dict[str, Any]:
        return await self.request(worker_id, p.Ping(req=0))
