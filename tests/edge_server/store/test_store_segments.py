"""Record framing and the segment scan, on real bytes and files."""
from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path

import pytest

from edge_server.store import segments


def test_frames_round_trip() -> None:
    payloads = [b"a", b"hello" * 100, bytes(range(256))]
    data = b"".join(segments.frame(p) for p in payloads)
    res = segments.scan(data)
    assert (res.count, res.good_bytes, res.size, res.problem) == (3, len(data), len(data), "")
    assert [bytes(p) for p in segments.iter_payloads(data, res.count)] == payloads


def test_empty_and_oversized_payloads_cannot_be_framed() -> None:
    with pytest.raises(ValueError):
        segments.frame(b"")
    with pytest.raises(ValueError):
        segments.frame(b"x" * (segments.MAX_RECORD_BYTES + 1))


@pytest.mark.parametrize(
    ("tail", "problem"),
    [
        (b"\x05\x00", "torn record header"),
        (struct.pack("<II", 0, 0) + b"junk", "impossible record length 0"),
        (struct.pack("<II", 2**31, 0) + b"x", "impossible record length"),
        (struct.pack("<II", 10, zlib.crc32(b"0123456789")) + b"01234", "torn record"),
        (struct.pack("<II", 3, zlib.crc32(b"abc")) + b"abd", "checksum mismatch"),
    ],
)
def test_scan_stops_at_the_first_bad_record(tail: bytes, problem: str) -> None:
    good = segments.frame(b"first") + segments.frame(b"second")
    res = segments.scan(good + tail)
    assert res.count == 2
    assert res.good_bytes == len(good)
    assert res.size == len(good) + len(tail)
    assert res.problem.startswith(problem)


def test_zero_tail_is_the_clean_end() -> None:
    good = segments.frame(b"first") + segments.frame(b"ends in zeros\0\0")
    res = segments.scan(good + bytes(4096))
    assert (res.count, res.good_bytes, res.size, res.problem) == (2, len(good), len(good) + 4096, "")


def test_segment_names_sort_by_first_seq(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for seq in (100, 2, 30):
        (tmp_path / segments.segment_name(seq)).touch()
    (tmp_path / "notes.txt").touch()
    with caplog.at_level(logging.WARNING, logger="sb.store"):
        found = segments.list_segments(tmp_path)
    assert [seq for seq, _ in found] == [2, 30, 100]
    assert any("notes.txt" in r.getMessage() for r in caplog.records)
