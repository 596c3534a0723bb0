"""Shared test helpers: a pjsua2 peer in a subprocess, and polling an engine until a condition holds."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from softphone.engine import SipEngine, free_udp_port
from softphone.events import EngineEvent

PEER = Path(__file__).resolve().parent / "peer.py"
T = TypeVar("T")


class Peer:
    """tests/softphone/peer.py running in its own process; events read on a thread into a queue."""

    def __init__(self, *, auto_answer: bool = False, user: str = "peer") -> None:
        self.port = free_udp_port()
        cmd = [sys.executable, str(PEER), "--port", str(self.port), "--user", user]
        if auto_answer:
            cmd.append("--auto-answer")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.contact = f"sip:{user}@127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def drain(self) -> None:
        while True:
            try:
                self.seen.append(self.events.get_nowait())
            except queue.Empty:
                return

    def find(self, ev: str, **match: Any) -> dict[str, Any] | None:
        self.drain()
        for e in self.seen:
            if e["ev"] == ev and all(e.get(k) == v for k, v in match.items()):
                return e
        return None

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.send("quit")
                self.proc.wait(timeout=3)
        except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.proc.kill()
            self.proc.wait(timeout=3)
        finally:
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if f is not None:
                    f.close()


def pump(engine: SipEngine, events: list[EngineEvent], cond: Callable[[], T], timeout: float = 5.0,
         what: str = "condition") -> T:
    """Poll the engine (collecting its events) until ``cond()`` is truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        events.extend(engine.poll(10))
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; engine events: {events[-15:]}")


def first(events: list[EngineEvent], kind: type[T], **match: Any) -> T | None:
    for e in events:
        if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items()):
            return e
    return None
