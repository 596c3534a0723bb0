"""Disk full: the failed append is reported, later appends are refused, nothing acknowledged is lost."""
from __future__ import annotations

import asyncio
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_server.store import Store, StoreError
from tests.edge_server.store.store_helpers import event_seqs, failed_login


def _in_journal(fd: int, journal_dir: Path) -> bool:
    return os.readlink(f"/proc/self/fd/{fd}").startswith(str(journal_dir))


def _enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _DiskFiller:
    """Once armed, journal writes (pwrite) or segment creation (fallocate) fail with ENOSPC."""

    def __init__(self, journal_dir: Path, mode: str) -> None:
        self.journal_dir = journal_dir
        self.mode = mode
        self.armed = False
        self.failures = 0
        self._pwrite = os.pwrite
        self._fallocate = os.posix_fallocate

    def pwrite(self, fd: int, data: bytes | memoryview, offset: int) -> int:
        if self.armed and self.mode.startswith("write") and _in_journal(fd, self.journal_dir):
            self.failures += 1
            if self.mode == "write-half" and self.failures == 1 and len(data) > 1:
                # A short write first, as a filling disk does: half a record lands on disk.
                return self._pwrite(fd, bytes(data[: len(data) // 2]), offset)
            raise _enospc()
        return self._pwrite(fd, data, offset)

    def posix_fallocate(self, fd: int, offset: int, length: int) -> None:
        if self.armed and self.mode == "new-segment" and _in_journal(fd, self.journal_dir):
            self.failures += 1
            raise _enospc()
        self._fallocate(fd, offset, length)


@pytest.mark.parametrize("mode", ["write", "write-half", "new-segment"])
@pytest.mark.asyncio
async def test_enospc_fails_the_append_and_refuses_later_ones(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    filler = _DiskFiller(data_dir / "journal", mode)
    monkeypatch.setattr(os, "pwrite", filler.pwrite)
    monkeypatch.setattr(os, "posix_fallocate", filler.posix_fallocate)
    # Small segments, so that "new-segment" needs a new one within a few appends.
    async with await Store.open(data_dir, segment_bytes=1024) as store:
        acked = [await store.append([failed_login(f"ok{i}")]) for i in range(5)]
        filler.armed = True
        results: list[int | BaseException] = []
        for i in range(100):  # until the failure: at once for writes, at the next rotation
            try:
                results.append(await store.append([failed_login(f"maybe{i}", "z" * 50)]))
            except StoreError as e:
                results.append(e)
                break
        *more_acked, error = results
        assert isinstance(error, StoreError), results
        assert "disk is full" in str(error)
        assert filler.failures >= 1
        acked += more_acked  # type: ignore[arg-type]
        if mode.startswith("write"):
            assert more_acked == []
        with pytest.raises(StoreError, match="refuses writes"):
            store.append([failed_login("later")])
        assert store.failure is not None
        # Reads still work and see everything acknowledged, and nothing else.
        assert await store.read(event_seqs) == acked
    filler.armed = False
    async with await Store.open(data_dir, segment_bytes=1024) as store:
        # A half-written record was cut off at the failure: no torn tail to repair.
        assert store.recovery.journal.truncated == ()
        assert await store.read(event_seqs) == acked
        assert await store.append([failed_login("after-restart")]) == len(acked) + 1


@pytest.fixture
def tiny_tmpfs(data_dir: Path) -> Iterator[Path]:
    """A real 64 KiB file system mounted as the journal directory (needs root and mount)."""
    journal = data_dir / "journal"
    journal.mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(journal)],
        capture_output=True, timeout=10,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield journal
    finally:
        subprocess.run(["umount", "-l", str(journal)], check=True, timeout=10)


@pytest.mark.asyncio
async def test_full_file_system_refuses_to_open(data_dir: Path, tiny_tmpfs: Path) -> None:
    # A 16 MiB segment cannot be pre-allocated on 64 KiB: say so before serving.
    with pytest.raises(StoreError, match="disk is full"):
        await Store.open(data_dir)


@pytest.mark.asyncio
async def test_real_full_file_system(data_dir: Path, tiny_tmpfs: Path) -> None:
    acked: list[int] = []
    # 8 KiB segments, and a projector that lingers so applied segments are not yet
    # deleted: the journal fills the 64 KiB file system within a few dozen appends.
    async with await Store.open(data_dir, segment_bytes=8192, linger_s=30.0) as store:
        error: StoreError | None = None
        for i in range(200):  # 200 x ~1 KiB cannot fit in 64 KiB
            try:
                acked.append(await store.append([failed_login(f"fill{i}", "x" * 1000)]))
            except StoreError as e:
                error = e
                break
        assert error is not None and "disk is full" in str(error)
        assert 10 < len(acked) < 200
        with pytest.raises(StoreError):
            store.append([failed_login("refused")])
    # Still full, but the last segment has room: opening must work and lose nothing.
    async with await Store.open(data_dir, segment_bytes=8192) as store:
        assert await store.read(event_seqs) == acked
