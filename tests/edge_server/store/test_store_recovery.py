"""Opening after trouble: torn tails, unapplied records, unknown kinds, lost files."""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from edge_server.store import Store, StoreError, StoreTooNewError, repos
from edge_server.store.codec import encode_event
from edge_server.store.journal import Journal
from edge_server.store.segments import HEADER, frame, scan
from tests.edge_server.store.store_helpers import (
    event_seqs,
    failed_login,
    journal_record_ends,
    segment_files,
    user,
)


async def _store_with_applied(data_dir: Path, n: int) -> None:
    async with await Store.open(data_dir) as store:
        await store.append([failed_login(f"applied{i}") for i in range(n)])


def _journal_unapplied(data_dir: Path, applied: int, payloads: list[bytes]) -> None:
    """Write records the database has not seen: what a crash before projection leaves."""
    journal = Journal.open(data_dir / "journal", applied)
    try:
        journal.write(journal.next_seq, b"".join(frame(p) for p in payloads), len(payloads))
    finally:
        journal.close()


def _content(data: bytes) -> bytes:
    """The records of a segment, without its pre-allocated zero tail."""
    return data[: scan(data).good_bytes]


def _cut(n: int) -> Callable[[bytes], bytes]:
    return lambda records: records[:-n]


def _flip_last_byte(records: bytes) -> bytes:
    return records[:-1] + bytes([records[-1] ^ 0xFF])


def _last_record_start(records: bytes) -> int:
    offset = 0
    for _ in range(scan(records).count - 1):
        (length, _crc) = HEADER.unpack_from(records, offset)
        offset += HEADER.size + length
    return offset


def _damage(path: Path, how: Callable[[bytes], bytes], *, keep_size: bool = True) -> None:
    """Damage the records of a segment; ``keep_size`` keeps the zero tail (pre-allocated file)."""
    data = path.read_bytes()
    damaged = how(_content(data))
    if keep_size:
        damaged += bytes(len(data) - len(damaged))
    path.write_bytes(damaged)


@pytest.mark.parametrize(
    ("damage", "keep_size"),
    [
        pytest.param(_cut(3), True, id="torn-payload"),
        pytest.param(lambda d: d[: _last_record_start(d) + 5], True, id="torn-header"),
        pytest.param(_flip_last_byte, True, id="corrupt-payload"),
        pytest.param(_cut(3), False, id="torn-payload-at-end-of-file"),
    ],
)
@pytest.mark.asyncio
async def test_damaged_last_record_is_dropped_with_a_warning(
    data_dir: Path,
    damage: Callable[[bytes], bytes],
    keep_size: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _store_with_applied(data_dir, 3)
    _journal_unapplied(data_dir, 3, [encode_event(user("dora")), encode_event(user("eve"))])
    (segment,) = segment_files(data_dir)
    good_end = journal_record_ends(segment)[3]  # just past seq 4
    _damage(segment, damage, keep_size=keep_size)

    with caplog.at_level(logging.WARNING, logger="sb.store"):
        store = await Store.open(data_dir)
    async with store:
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any(str(segment) in w and f"offset {good_end}" in w for w in warnings), warnings
        assert store.recovery.replayed == 1  # seq 4 (dora); eve was torn
        assert store.recovery.journal.truncated
        users = await store.read(repos.load_users)
        assert [u.username for u in users] == ["dora"]
        assert await store.append([failed_login("after")]) == 5
        assert await store.read(event_seqs) == [1, 2, 3, 4, 5]
    assert scan(segment.read_bytes()).problem == ""


@pytest.mark.asyncio
async def test_zero_tail_is_the_clean_end_of_the_log(data_dir: Path) -> None:
    await _store_with_applied(data_dir, 2)
    (segment,) = segment_files(data_dir)
    size = segment.stat().st_size
    assert size > journal_record_ends(segment)[-1]  # pre-allocated
    async with await Store.open(data_dir) as store:
        assert store.recovery.journal.truncated == ()  # zeros are not damage
        assert await store.append([failed_login("next")]) == 3
        assert await store.read(event_seqs) == [1, 2, 3]
    assert segment.stat().st_size == size  # written in place, not appended
    assert len(journal_record_ends(segment)) == 3


@pytest.mark.asyncio
async def test_journaled_but_unapplied_events_are_replayed(data_dir: Path) -> None:
    await _store_with_applied(data_dir, 2)
    _journal_unapplied(
        data_dir, 2, [encode_event(user("ann", password_hash="h")), encode_event(failed_login("x"))]
    )
    async with await Store.open(data_dir) as store:
        assert store.recovery.replayed == 2
        assert store.applied_seq == 4
        ann = await store.read(repos.get_user, "ann")
        assert ann is not None and ann.password_hash == "h"
        assert await store.read(repos.count_login_failures, "x", 0) == 1
    async with await Store.open(data_dir) as store:
        assert store.recovery.replayed == 0  # applied exactly once


@pytest.mark.asyncio
async def test_unknown_event_kind_refuses_to_open(data_dir: Path) -> None:
    await _store_with_applied(data_dir, 1)
    future_event = msgspec.msgpack.encode({"event": "hologram_call_started", "ts_ms": 1})
    _journal_unapplied(data_dir, 1, [future_event])
    for _ in range(2):  # the refusal releases the data dir: the second open says the same
        with pytest.raises(StoreTooNewError, match="hologram_call_started.*upgrade Switchboard"):
            await Store.open(data_dir)


@pytest.mark.asyncio
async def test_undecodable_known_kind_is_a_store_error(data_dir: Path) -> None:
    await _store_with_applied(data_dir, 1)
    broken = msgspec.msgpack.encode({"event": "login_failed", "ts_ms": "not a number"})
    _journal_unapplied(data_dir, 1, [broken])
    with pytest.raises(StoreError, match="seq 2.*cannot be decoded") as info:
        await Store.open(data_dir)
    assert not isinstance(info.value, StoreTooNewError)


@pytest.mark.asyncio
async def test_missing_journal_continues_after_the_database(data_dir: Path) -> None:
    await _store_with_applied(data_dir, 3)
    for seg in segment_files(data_dir):
        seg.unlink()
    async with await Store.open(data_dir) as store:
        assert store.last_seq == 3
        assert await store.append([failed_login("d")]) == 4
        assert await store.read(event_seqs) == [1, 2, 3, 4]


@pytest.mark.asyncio
async def test_database_ahead_of_journal_continues_after_the_database(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await _store_with_applied(data_dir, 3)
    (segment,) = segment_files(data_dir)
    _damage(segment, _cut(2))  # lose an *applied* record's tail
    with caplog.at_level(logging.WARNING, logger="sb.store"):
        store = await Store.open(data_dir)
    async with store:
        assert any("ends at event 2" in r.getMessage() for r in caplog.records)
        assert await store.append([failed_login("d")]) == 4
        assert await store.read(event_seqs) == [1, 2, 3, 4]


@pytest.mark.asyncio
async def test_gap_between_database_and_journal_refuses_to_open(data_dir: Path) -> None:
    journal = Journal.open(data_dir / "journal", applied_seq=10)  # segment starts at 11
    journal.write(11, frame(encode_event(failed_login("x"))), 1)
    journal.close()
    with pytest.raises(StoreError, match="starts at event 11.*up to 0"):
        await Store.open(data_dir)


@pytest.mark.asyncio
async def test_segments_rotate_and_applied_ones_are_deleted(data_dir: Path) -> None:
    async with await Store.open(data_dir, segment_bytes=2048) as store:
        for i in range(60):
            await store.append([failed_login(f"rotate-{i:03d}" + "x" * 60)])
        assert await store.read(event_seqs) == list(range(1, 61))
        # Deletion follows the projector's commit on its own thread: wait for it.
        for _ in range(200):
            if len(segment_files(data_dir)) <= 2:
                break
            await store.read(event_seqs)
        remaining = segment_files(data_dir)
        assert 1 <= len(remaining) <= 2, remaining
        assert int(remaining[0].stem) > 1  # the first segments are gone
    async with await Store.open(data_dir, segment_bytes=2048) as store:
        assert store.recovery.replayed == 0
        assert await store.append([failed_login("after")]) == 61


@pytest.mark.asyncio
async def test_damaged_middle_segment_with_unapplied_events_refuses_to_open(
    data_dir: Path,
) -> None:
    await _store_with_applied(data_dir, 1)
    journal = Journal.open(data_dir / "journal", 1, segment_bytes=64)
    for i in range(4):  # each write lands in a new segment (every write exceeds 64 bytes)
        journal.write(journal.next_seq, frame(encode_event(failed_login(f"m{i}" + "y" * 80))), 1)
    journal.close()
    segs = segment_files(data_dir)
    assert len(segs) >= 3
    _damage(segs[1], _flip_last_byte)
    with pytest.raises(StoreError, match="damaged.*not yet in the database"):
        await Store.open(data_dir)


@pytest.mark.asyncio
async def test_second_store_on_the_same_directory_is_refused(data_dir: Path) -> None:
    async with await Store.open(data_dir):
        with pytest.raises(StoreError, match="in use by another Switchboard"):
            await Store.open(data_dir)
    async with await Store.open(data_dir) as store:  # released on close
        assert store.last_seq == 0


@pytest.mark.asyncio
async def test_unusable_data_dir_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="data_dir"):
        await Store.open(blocker / "data")


@pytest.mark.asyncio
async def test_foreign_database_file_is_a_store_error(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "switchboard.duckdb").write_bytes(b"this is not a database" * 500)
    with pytest.raises(StoreError, match="cannot open the database"):
        await Store.open(data_dir)
