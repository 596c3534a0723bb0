"""Shared parts of the cloud-channel end-to-end tests: the fake platforms, an edge.toml that points the
edge's [[channels.*]] tables at them, and the edge (and relay) as real `main.py` processes.

The fakes are the adapters' own (edge_server/channels/<name>/fake.py): they sign, encrypt and retry as
the platforms do. Tests that host a Qt loop on their thread run the fakes on a loop of their own
(``PlatformThread``) so the platforms keep answering the edge while the test thread waits on Qt.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from edge_server.app import READY_MARKER
from edge_server.channels.sms.fake import FakeSmsPlatform
from edge_server.channels.wechat.fake import FakeWeChat
from edge_server.channels.weibo.fake import FakeWeibo

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

# One account per platform, as a site would configure them.
WX_APP, WX_SECRET, WX_TOKEN = "wx5c0ffee0e2e00001", "wx-app-secret-e2e", "sbtoken2024"
WX_AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 chars: safe mode
WX_ORIGINAL = "gh_e2e0000000001"
WB_ACCOUNT, WB_APP_KEY, WB_SECRET, WB_TOKEN = "wb", "3000000001", "weibo-app-secret", "weibo-fans-token"
SMS_ACCOUNT, SMS_AK, SMS_SK, SMS_HOOK = "ali", "LTAI-e2e", "aliyun-secret-e2e", "hook-token-e2e"


def free_port() -> int:
    """A port for the webhook host that must stay the same across an edge restart (platforms know one URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platforms:
    """The three fakes, started in the running loop: ``async with Platforms() as p``."""

    wechat: FakeWeChat = field(default_factory=lambda: FakeWeChat(
        app_id=WX_APP, app_secret=WX_SECRET, token=WX_TOKEN, encoding_aes_key=WX_AES, mode="safe",
        original_id=WX_ORIGINAL, push_timeout_s=5.0))
    weibo: FakeWeibo = field(default_factory=lambda: FakeWeibo(app_secret=WB_SECRET, access_token=WB_TOKEN))
    sms: FakeSmsPlatform = field(default_factory=lambda: FakeSmsPlatform(
        aliyun_keys={SMS_AK: SMS_SK}, push_retry_s=(0.3, 0.6, 1.0, 2.0, 3.0, 5.0)))

    async def __aenter__(self) -> Platforms:
        await self.wechat.start()
        await self.weibo.__aenter__()
        await self.sms.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.sms.__aexit__(*exc)
        await self.weibo.__aexit__(*exc)
        await self.wechat.close()

    def hook_urls(self, base: str) -> None:
        """Where the platforms push: the edge's webhook host, or the relay's."""
        self.wechat.webhook_url = f"{base}/hooks/wechat/{WX_APP}"

    @staticmethod
    def weibo_url(base: str) -> str:
        return f"{base}/hooks/weibo/{WB_ACCOUNT}"

    @staticmethod
    def sms_url(base: str, kind: str) -> str:
        return f"{base}/hooks/sms/{SMS_ACCOUNT}/{kind}?token={SMS_HOOK}"


def channel_tables(p: Platforms, queue: str, *, wechat: dict[str, Any] | None = None,
                   sms: dict[str, Any] | None = None) -> str:
    """[[channels.*]] tables for the three accounts, pointing at the fakes (TOML text)."""
    def table(name: str, values: dict[str, Any]) -> str:
        lines = [f"[[channels.{name}]]"]
        for k, v in values.items():
            lines.append(f"{k} = {toml_value(v)}")
        return "\n".join(lines) + "\n"

    wx = {"app_id": WX_APP, "app_secret": WX_SECRET, "token": WX_TOKEN, "encoding_aes_key": WX_AES,
          "mode": "safe", "original_id": WX_ORIGINAL, "api_base": p.wechat.url, "queue": queue,
          "http_timeout_s": 2.0} | (wechat or {})
    wb = {"account": WB_ACCOUNT, "app_key": WB_APP_KEY, "app_secret": WB_SECRET, "access_token": WB_TOKEN,
          "api_base": p.weibo.base_url, "queue": queue}
    sm = {"provider": "aliyun", "account": SMS_ACCOUNT, "access_key_id": SMS_AK, "access_key_secret": SMS_SK,
          "sign_name": "演示", "template_code": "SMS_0001", "webhook_token": SMS_HOOK,
          "endpoint": p.sms.base_url + "/aliyun", "request_timeout_s": 1.0, "query_delay_s": 0.0,
          "queue": queue} | (sms or {})
    return table("wechat", wx) + table("weibo", wb) + table("sms", sm)


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_edge_toml(tmp: Path, data_dir: Path, channels: str, *, webhook_port: int = 0, relay: str = "",
                    relay_key: str = "", max_backoff_s: float = 0.5) -> Path:
    head = (f'[edge]\ndata_dir = "{data_dir}"\nlog_dir = "{tmp / "log"}"\n\n'
            '[webchat]\nport = 0\n\n'
            f'[channels]\nwebhook_port = {webhook_port}\noutbox_max_attempts = 6\n'
            f'outbox_max_backoff_s = {max_backoff_s}\n')
    if relay:
        head += f'relay = "{relay}"\nrelay_server_key = "{relay_key}"\n'
    path = tmp / "edge.toml"
    path.write_text(head + "\n" + channels, encoding="utf-8")
    return path


@dataclass
class ChannelEdge:
    """`main.py edge --config edge.toml` (with the e2e conftest's ``EdgeProcess`` attributes: the
    conftest's ``make_client`` / ``write_desktop_config`` take it). Output is drained on a thread."""

    tmp: Path
    data_dir: Path
    config: Path
    router: str = "tcp://127.0.0.1:0"
    pub: str = "tcp://127.0.0.1:0"
    webhooks: str = ""
    proc: subprocess.Popen[str] | None = None
    logs: list[str] = field(default_factory=list)
    _drain: threading.Thread | None = None

    def start(self, timeout_s: float = 30.0) -> None:
        env = dict(os.environ, SWITCHBOARD__BUS__ROUTER_ENDPOINT=self.router,
                   SWITCHBOARD__BUS__PUB_ENDPOINT=self.pub, PYTHONPATH=str(ROOT))
        # tests/conftest.py sets the webhook port to 0 for every edge; this one must keep its port.
        env.pop("SWITCHBOARD__CHANNELS__WEBHOOK_PORT", None)
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "edge", "--config", str(self.config)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.logs.append(line)
            if READY_MARKER in line:
                fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
                self.router, self.pub = fields["router"], fields["pub"]  # the same ports after a restart
                self.webhooks = fields.get("webhooks", "")
                out = self.proc.stdout
                self._drain = threading.Thread(target=lambda: self.logs.extend(out), name="edge-stdout",
                                               daemon=True)
                self._drain.start()
                return
        self.stop()
        raise AssertionError("edge did not become ready:\n" + "".join(self.logs[-60:]))

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._close()

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()
        return self.proc.returncode

    def _close(self) -> None:
        if self._drain is not None:
            self._drain.join(5)
            self._drain = None
        assert self.proc is not None and self.proc.stdout is not None
        if not self.proc.stdout.closed:
            self.proc.stdout.close()

    def log_text(self) -> str:
        return "".join(self.logs)


class RelayProcess:
    """`main.py relay --config relay.toml`, restarted on the same ports (platforms and the edge know those)."""

    def __init__(self, config: Path, env: dict[str, str]) -> None:
        self.config, self.env = config, env
        self.proc: subprocess.Popen[str] | None = None
        self.http = self.link = ""

    def start(self) -> None:
        from edge_server.relay.server import READY_MARKER as RELAY_READY

        self.proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "relay", "--config", str(self.config)],
                                     env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert RELAY_READY in line, f"relay did not start: {line!r}"
        fields = dict(x.split("=", 1) for x in line.split() if "=" in x)
        self.http, self.link = fields["http"], fields["link"]
        self.env["SWITCHBOARD_RELAY__RELAY__HTTP_PORT"] = self.http.rsplit(":", 1)[1]
        self.env["SWITCHBOARD_RELAY__RELAY__LINK_ENDPOINT"] = f'"{self.link}"'

    def kill9(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self.proc.stdout.close()


class PlatformThread:
    """An asyncio loop on a thread of its own hosting the fakes, for tests whose thread runs Qt."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="platforms", daemon=True)
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T], timeout_s: float = 20.0) -> T:
        return self.submit(coro).result(timeout_s)

    def close(self) -> None:
        async def cancel_rest() -> None:
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in rest:
                t.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        self.call(cancel_rest(), 10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
