"""The relay as a real process (`main.py relay`), killed with SIGKILL mid-stream and restarted.

Platforms (the test's HTTP senders) retry every push until they get 200, as WeChat does; the
edge side is a RelayLink in this process. Nothing acknowledged may be lost, nothing handed to the
edge twice, and each sender's messages arrive in the order they were pushed.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from edge_server.bus import keys as bus_keys
from edge_server.bus.backoff import Backoff
from edge_server.config import ChannelsSection
from edge_server.relay.link import RelayLink
from edge_server.relay.server import READY_MARKER
from edge_server.relay.loopback import MemoryInbox, push_body, push_until_ok

ROOT = Path(__file__).resolve().parents[2]


def main_py(*args: str, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "relay", *args], capture_output=True,
                         text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


class RelayProcess:
    def __init__(self, config: Path, env: dict[str, str]) -> None:
        self.config, self.env = config, env
        self.proc: subprocess.Popen[str] | None = None
        self.http = self.link = ""

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "relay", "--config", str(self.config)],
                                     env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert READY_MARKER in line, f"relay did not start: {line!r}"
        fields = dict(x.split("=", 1) for x in line.split() if "=" in x)
        self.http, self.link = fields["http"], fields["link"]
        # Restart on the same ports: platforms and the edge know only those.
        self.env["SWITCHBOARD_RELAY__RELAY__HTTP_PORT"] = self.http.rsplit(":", 1)[1]
        self.env["SWITCHBOARD_RELAY__RELAY__LINK_ENDPOINT"] = f'"{self.link}"'

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.mark.asyncio
async def test_relay_killed_mid_stream_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "relay"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    relay_public = main_py("--data-dir", str(data), "init", env=env).strip()
    _, edge_secret = bus_keys.generate_keypair(tmp_path / "edge", "server")
    main_py("--data-dir", str(data), "approve", str(tmp_path / "edge" / "server.key"), "--name", "site1", env=env)
    config = tmp_path / "relay.toml"
    config.write_text(f'[relay]\ndata_dir = "{data}"\nhttp_port = 0\nlink_endpoint = "tcp://127.0.0.1:0"\n'
                      f'heartbeat_s = 0.5\nlog_level = "WARNING"\nsegment_bytes = 65536\n'
                      f'handlers = "edge_server.relay.loopback:webhook_handlers"\n')
    relay = RelayProcess(config, env)
    relay.start()
    inbox = MemoryInbox(tmp_path)
    senders = [f"+86137{i:08d}" for i in range(4)]
    per_sender = 150
    acked: dict[str, list[str]] = {s: [] for s in senders}

    async def platform(http: aiohttp.ClientSession, who: str) -> None:
        for i in range(per_sender):
            mid = f"{who}-{i}"
            body = push_body(mid, who, f"message {i}")
            await push_until_ok(http, f"{relay.http}/hooks/loop/loop", body)  # like WeChat: no 200 -> again
            acked[who].append(mid)

    try:
        channels = ChannelsSection(relay=relay.link, relay_server_key=relay_public)
        link = RelayLink(channels, inbox, keys=bus_keys.load_keypair(edge_secret), heartbeat_s=0.5, window=64,
                         backoff=Backoff(base_s=0.05, cap_s=0.3))
        async with link, aiohttp.ClientSession() as http:
            load = asyncio.gather(*(platform(http, s) for s in senders))
            await inbox.wait_for(150, timeout=20)
            relay.kill9()  # mid-stream: pushes in flight, records unacknowledged
            killed_at = len(inbox.messages)
            await asyncio.sleep(0.5)
            relay.start()
            await asyncio.wait_for(load, timeout=40)
            await inbox.wait_for(len(senders) * per_sender, timeout=20)
            await asyncio.sleep(0.3)  # anything extra would show up now
    finally:
        relay.stop()
    total = len(senders) * per_sender
    got = [m.external_id for m in inbox.messages]
    assert killed_at < total
    assert len(got) == total and set(got) == {m for ms in acked.values() for m in ms}
    assert inbox.calls == total, "a record was handed to the edge twice"
    for who in senders:
        assert [m.external_id for m in inbox.messages if m.identities[0].value == who] == acked[who]
