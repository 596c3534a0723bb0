"""kill -9 in the middle of appending loses nothing that was acknowledged."""
from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edge_server.store import Store
from tests.edge_server.store.store_helpers import event_seqs, failed_login, one, process_alive

REPO = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("store_kill_child.py")


def _run_and_kill(data_dir: Path, linger_s: float, want_acks: int) -> tuple[set[int], int]:
    """Start the child, SIGKILL it once it acknowledged ``want_acks`` events.

    Returns the acknowledged seqs and the pid of the child's store process.
    """
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(linger_s)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    acked: set[int] = set()
    store_pid = 0
    buf = b""
    try:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + 30
        while len(acked) < want_acks:
            if time.monotonic() > deadline:
                raise AssertionError(f"child acknowledged only {len(acked)} events in 30 s")
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                assert proc.stderr is not None
                raise AssertionError(f"child exited early: {proc.stderr.read().decode()}")
            buf += chunk
            *lines, buf = buf.split(b"\n")
            store_pid = store_pid or next(
                (int(line.split()[1]) for line in lines if line.startswith(b"ready ")), 0
            )
            acked.update(int(line.split()[1]) for line in lines if line.startswith(b"ack "))
        proc.send_signal(signal.SIGKILL)  # mid-stream: appenders are still running
        proc.wait(timeout=10)
        # Lines printed before the kill are acknowledgements too.
        rest = buf + proc.stdout.read()
        acked.update(int(line.split()[1]) for line in rest.split(b"\n") if line.startswith(b"ack "))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode == -signal.SIGKILL
    assert store_pid
    return acked, store_pid


@pytest.mark.parametrize("linger_s", [0.0, 30.0], ids=["projector-current", "projector-behind"])
@pytest.mark.asyncio
async def test_every_acknowledged_event_survives_kill_9(data_dir: Path, linger_s: float) -> None:
    acked, store_pid = _run_and_kill(data_dir, linger_s, want_acks=400)
    # The orphaned store process dies with its edge (PR_SET_PDEATHSIG), never outliving it.
    deadline = time.monotonic() + 10
    while process_alive(store_pid):
        assert time.monotonic() < deadline, f"store process {store_pid} outlived its edge"
        await asyncio.sleep(0.01)
    async with await Store.open(data_dir) as store:
        seqs = await store.read(event_seqs)
        # No gaps: 1..N, and N covers every acknowledgement (unacknowledged tail may exist).
        assert seqs == list(range(1, len(seqs) + 1))
        assert acked <= set(seqs), sorted(acked - set(seqs))[:10]
        # The projections were rebuilt too, not just the events table.
        failures = await store.read(one, "SELECT count(*) FROM login_failures")
        assert failures == (len(seqs),)
        if linger_s > 1:
            # The projector was still lingering on its first batch: recovery did the work.
            assert store.recovery.replayed >= len(acked)
        assert await store.append([failed_login("after-restart")]) == len(seqs) + 1
