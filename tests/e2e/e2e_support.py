"""End-to-end helpers: a real edge process on a random port, its keys and clients, the CLI.

A module of its own (not conftest.py): tests import it by this unique name, never `conftest`, which
other test folders also have."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from edge_server.app import READY_MARKER  # noqa: E402


def run_main(*args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 0, f"main.py {' '.join(args)}: {out.stdout}\n{out.stderr}"
    return out.stdout


@dataclass
class EdgeProcess:
    tmp: Path
    data_dir: Path
    router: str = "tcp://127.0.0.1:0"
    pub: str = "tcp://127.0.0.1:0"
    proc: subprocess.Popen[str] | None = None
    logs: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        env = dict(
            os.environ,
            SWITCHBOARD__EDGE__DATA_DIR=str(self.data_dir),
            SWITCHBOARD__EDGE__LOG_DIR=str(self.tmp / "log"),
            SWITCHBOARD__BUS__ROUTER_ENDPOINT=self.router,
            SWITCHBOARD__BUS__PUB_ENDPOINT=self.pub,
            **self.extra_env,
        )
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "edge"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.logs.append(line)
            if READY_MARKER in line:
                fields = dict(p.split("=", 1) for p in line.split() if "=" in p)
                # Keep the ports for restarts: desktops must find the edge where it was.
                self.router, self.pub = fields["router"], fields["pub"]
                return
        raise AssertionError("edge did not become ready:\n" + "".join(self.logs))

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.stdout is not None
        self.logs.extend(self.proc.stdout.readlines())
        self.proc.stdout.close()

    def stop(self) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        assert self.proc.stdout is not None
        if not self.proc.stdout.closed:
            self.logs.extend(self.proc.stdout.readlines())
            self.proc.stdout.close()
        return self.proc.returncode


DESKTOPS = ("desk1", "desk2", "sup1")


def client_keys(edge: EdgeProcess, name: str) -> tuple[bytes, bytes]:
    from edge_server.bus import keys as bus_keys

    pair = bus_keys.load_keypair(edge.tmp / "clients" / name / f"{name}.key_secret")
    return pair.public, pair.secret


def server_key(edge: EdgeProcess) -> bytes:
    from edge_server.bus import keys as bus_keys

    return bus_keys.load_public(edge.data_dir / "keys" / "server.key")


def make_client(edge: EdgeProcess, name: str, **kw):  # noqa: ANN201 - EdgeClient
    from edge_server.bus.client import EdgeClient

    return EdgeClient(edge.router, server_key=server_key(edge), client_keys=client_keys(edge, name),
                      client_id=name, **kw)


def write_desktop_config(edge: EdgeProcess, name: str) -> Path:
    """A desktop.toml for ``name`` pointing at the edge's actual address."""
    src = edge.tmp / "clients" / name / "desktop.toml"
    text = src.read_text().replace("tcp://127.0.0.1:7700", edge.router)
    dst = edge.tmp / "clients" / name / "desktop-live.toml"
    dst.write_text(text)
    return dst
