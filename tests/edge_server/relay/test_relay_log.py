"""RelayLog: durable appends, de-duplication of platform retries, recovery, trimming."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from edge_server.channels.base import InboundMessage
from edge_server.contract.interactions import Identity, IdentityKind
from edge_server.relay import protocol as p
from edge_server.relay.log import RelayLog
from edge_server.store import segments


def msg(i: int, account: str = "a") -> InboundMessage:
    return InboundMessage(channel="sms", account=account, external_id=f"m{i}", text=f"text {i} " + "x" * 200,
                          identities=[Identity(kind=IdentityKind.PHONE, value="+861")])


def texts(payloads: list[bytes]) -> list[str]:
    out = []
    for raw in payloads:
        item = p.decode_item(raw)
        assert isinstance(item, p.InboundRecord)
        out.append(item.msg.external_id)
    return out


@pytest.mark.asyncio
async def test_append_is_durable_and_retries_map_to_the_first_record(tmp_path: Path) -> None:
    async with RelayLog(tmp_path) as log:
        seqs = await asyncio.gather(*(log.append([msg(i)]) for i in range(50)))
        assert sorted(s[0] for s in seqs) == list(range(1, 51))
        # A platform retrying three times, concurrently with the first delivery and after it.
        again = await asyncio.gather(log.append([msg(7)]), log.append([msg(7)]), log.append([msg(7), msg(50)]))
        assert again[0] == again[1] == [seqs[7][0]]
        assert again[2] == [seqs[7][0], 51]
        assert log.durable_seq == 51
        assert texts(await log.read(0, 100)) == [f"m{i}" for i in sorted(range(51), key=lambda i: (
            seqs[i][0] if i < 50 else 51))]
        log_id = log.log_id
    # Reopened (as after a crash: the state file says nothing was acknowledged): all still there,
    # and retries of anything on disk are still recognised.
    async with RelayLog(tmp_path) as log:
        assert log.log_id == log_id and log.durable_seq == 51 and log.acked_seq == 0
        assert len(await log.read(0, 100)) == 51
        assert await log.append([msg(3)]) == [seqs[3][0]]
        assert await log.append([msg(99)]) == [52]


@pytest.mark.asyncio
async def test_acknowledged_segments_are_deleted_and_numbering_continues(tmp_path: Path) -> None:
    async with RelayLog(tmp_path, segment_bytes=8 * 1024) as log:
        for i in range(200):
            await log.append([msg(i)])
        seg_dir = tmp_path / "log"
        before = len(segments.list_segments(seg_dir))
        assert before > 3
        log.ack(150)
        async with asyncio.timeout(5):
            while log.first_kept_seq == 1:
                await asyncio.sleep(0.02)
        assert 1 < log.first_kept_seq <= 151
        assert len(segments.list_segments(seg_dir)) < before
        assert texts(await log.read(150, 100)) == [f"m{i}" for i in range(150, 200)]
    async with RelayLog(tmp_path, segment_bytes=8 * 1024) as log:
        assert log.acked_seq == 150 and log.durable_seq == 200
        assert await log.append([msg(1000)]) == [201]
        # Records after the ack are read back from disk when not cached.
        assert texts(await log.read(log.first_kept_seq - 1, 5))[0] == f"m{log.first_kept_seq - 1}"


@pytest.mark.asyncio
async def test_torn_tail_is_dropped_at_open(tmp_path: Path) -> None:
    async with RelayLog(tmp_path) as log:
        for i in range(5):
            await log.append([msg(i)])
    seg = segments.list_segments(tmp_path / "log")[-1][1]
    data = bytearray(seg.read_bytes())
    end = segments.scan(bytes(data)).good_bytes
    data[end:end + 20] = segments.frame(b"never acknowledged, torn")[:20]
    seg.write_bytes(bytes(data))
    async with RelayLog(tmp_path) as log:
        assert log.durable_seq == 5
        assert await log.append([msg(5)]) == [6]
