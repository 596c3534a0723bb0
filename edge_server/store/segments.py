"""Journal segment files: record framing, naming and the recovery scan.

A segment is a file named after the sequence number of its first record
(``00000000000000000001.seg``); records inside are numbered implicitly from
there, so the seq costs no bytes and cannot disagree with the file order.
Each record is ``[u32 length][u32 crc32(payload)][payload]``, little-endian.
Segments are pre-allocated (see journal.py), so the records are followed by
zeros up to the file's size: the first all-zero header ends the log.
"""
from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("sb.store")

HEADER = struct.Struct("<II")
SUFFIX = ".seg"
#: Larger lengths can only come from a damaged header; refusing them keeps a bad
#: length from making the scan allocate gigabytes.
MAX_RECORD_BYTES = 64 * 1024 * 1024


def frame(payload: bytes) -> bytes:
    """One journal record around ``payload``."""
    if not payload:
        # An all-zero header (length 0, crc32(b"") == 0) is what a pre-allocated or
        # zero-filled tail looks like; an empty payload must never be valid.
        raise ValueError("empty journal payload")
    if len(payload) > MAX_RECORD_BYTES:
        raise ValueError(f"journal payload of {len(payload)} bytes exceeds {MAX_RECORD_BYTES}")
    return HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def segment_name(first_seq: int) -> str:
    return f"{first_seq:020d}{SUFFIX}"


def list_segments(directory: Path, *, warn: bool = True) -> list[tuple[int, Path]]:
    """(first seq, path) of every segment in ``directory``, oldest first."""
    found = []
    for path in directory.iterdir():
        stem = path.name.removesuffix(SUFFIX)
        if path.name.endswith(SUFFIX) and stem.isdigit():
            found.append((int(stem), path))
        elif warn:
            log.warning("ignoring unexpected file %s in the journal directory", path)
    found.sort()
    return found


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the scan of one segment found."""

    count: int  # valid records from the start of the file
    good_bytes: int  # offset just past the last valid record: where the next one goes
    size: int  # file size (records, then pre-allocated zeros)
    problem: str = ""  # why bytes after good_bytes are not a clean zero tail ("" if they are)


def scan(data: bytes) -> ScanResult:
    """Validate records from the start of ``data`` until the first bad one or the zero tail."""
    view = memoryview(data)
    size = len(view)
    # Everything from content_end on is zeros: the unused pre-allocated space.
    # (A record may itself end in zero bytes; the scan below decides, this is a bound.)
    content_end = len(data.rstrip(b"\0"))
    offset = count = 0
    while offset < size:
        if offset >= content_end:
            return ScanResult(count, offset, size)  # clean end of the log
        if size - offset < HEADER.size:
            return ScanResult(count, offset, size, "torn record header")
        length, crc = HEADER.unpack_from(view, offset)
        if length == 0 or length > MAX_RECORD_BYTES:
            return ScanResult(count, offset, size, f"impossible record length {length}")
        end = offset + HEADER.size + length
        if end > size:
            return ScanResult(count, offset, size, "torn record (file ends inside it)")
        if zlib.crc32(view[offset + HEADER.size : end]) != crc:
            return ScanResult(count, offset, size, "checksum mismatch")
        offset = end
        count += 1
    return ScanResult(count, offset, size)


def iter_payloads(data: bytes | memoryview, count: int) -> Iterator[memoryview]:
    """The first ``count`` payloads of already scanned ``data``."""
    view = memoryview(data)
    offset = 0
    for _ in range(count):
        length, _crc = HEADER.unpack_from(view, offset)
        start = offset + HEADER.size
        yield view[start : start + length]
        offset = start + length


def fsync_dir(directory: Path) -> None:
    """Make a file creation or rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
