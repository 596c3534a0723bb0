"""Shared pieces of the voice tests: free ports, SIPp as the carrier/agent, an event recorder, a gateway fixture."""
from __future__ import annotations

import asyncio
import random
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import pytest_asyncio

from edge_server.voice import protocol as p
from edge_server.voice.gateway import GatewayConfig, NullEvents, VoiceGateway

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")
needs_sipp = pytest.mark.skipif(SIPP is None, reason="sipp (Debian sip-tester) not installed")


def free_udp_port(pair: bool = False) -> int:
    """A free UDP port (even, with port+1 free too, when ``pair``: RTP+RTCP)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not pair:
            return port
        port -= port % 2
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
                    socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free UDP port pair")


def free_sip_port() -> int:
    """A port free for both UDP and TCP (the worker binds both)."""
    for _ in range(200):
        port = free_udp_port()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free SIP port")


class Recorder(NullEvents):
    """Keeps every gateway event; tests await the ones they need."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[p.CallIncoming] = asyncio.Queue()
        self.states: list[p.CallState] = []
        self.dtmf: list[p.DtmfReceived] = []
        self.recordings: list[p.RecordingDone] = []
        self.quality: list[p.CallQuality] = []
        self.dropped: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    def _poke(self) -> None:
        self.changed.set()

    def on_incoming(self, worker_id: str, call: p.CallIncoming) -> None:
        self.incoming.put_nowait(call)

    def on_state(self, event: p.CallState) -> None:
        self.states.append(event)
        self._poke()

    def on_dtmf(self, event: p.DtmfReceived) -> None:
        self.dtmf.append(event)
        self._poke()

    def on_recording(self, event: p.RecordingDone) -> None:
        self.recordings.append(event)
        self._poke()

    def on_quality(self, event: p.CallQuality) -> None:
        self.quality.append(event)
        self._poke()

    def on_dropped(self, call_id: str, worker_id: str) -> None:
        self.dropped.append((call_id, worker_id))
        self._poke()

    async def until(self, cond: object, timeout_s: float = 10.0) -> None:
        """Wait until ``cond()`` is true (re-checked on every event)."""
        async with asyncio.timeout(timeout_s):
            while not cond():  # type: ignore[operator]
                self.changed.clear()
                await self.changed.wait()


@contextmanager
def sipp(tmp_path: Path, target_port: int, *args: str, scenario: str = "", name: str = "sipp",
         service: str = "4001") -> Iterator[subprocess.Popen[bytes]]:
    """Run SIPp against 127.0.0.1:target_port (uac with ``scenario``); killed on the way out."""
    assert SIPP is not None
    cmd = [SIPP, "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(free_sip_port()), "-mp", str(free_udp_port(True)),
           "-m", "1", "-nostdin", "-timeout", "40", "-s", service, *args]
    if scenario:
        cmd += ["-sf", str(SCENARIOS / scenario)]
    if target_port:
        cmd.append(f"127.0.0.1:{target_port}")
    log = open(tmp_path / f"{name}.out", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=tmp_path)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        log.close()


async def wait_exit(proc: subprocess.Popen[bytes], timeout_s: float) -> int:
    return await asyncio.to_thread(proc.wait, timeout_s)


def gateway_config(**kw: object) -> GatewayConfig:
    # A random RTP range per test: SIPp and parallel helpers use other ports.
    rtp = random.randrange(20000, 29000, 2)
    base = dict(sip_base_port=free_sip_port(), rtp_base_port=rtp, worker_log_level="WARNING", ready_timeout_s=15.0)
    base.update(kw)
    return GatewayConfig(**base)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[tuple[VoiceGateway, Recorder]]:
    events = Recorder()
    gw = VoiceGateway(gateway_config(), events)
    await gw.start()
    try:
        yield gw, events
    finally:
        await gw.stop()
