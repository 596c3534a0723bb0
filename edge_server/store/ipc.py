"""Messages between the edge process and its store process (db_process.py).

One AF_UNIX stream socketpair, created by the edge and inherited by the store
process. Each message is a msgspec Struct tagged by ``t``, encoded as msgpack
and framed as ``[u32 little-endian length][msgpack]``. Never pickle: a frame
is data, and the receiving side decodes it against the union of the types it
expects, so a malformed frame is an error, not code.

Edge -> store process: Config (first), Replay (at most once, right after
Opened), then Records / Read in any order, and Stop.
Store process -> edge: Opened or OpenFailed, Replayed, then Applied / Failed /
ReadDone / ReadFailed / Log, and Closed after Stop.
"""
from __future__ import annotations

import struct
from typing import Union

import msgspec

HEADER = struct.Struct("<I")
#: A frame is one message; only a read's result can be large (a few MB for a big
#: directory). Anything beyond this is a damaged stream, not a message.
MAX_FRAME_BYTES = 1 << 30


class RemoteError(msgspec.Struct, frozen=True):
    """An exception raised in the other process, rebuilt by remote_errors.rebuild."""

    type: str  # "module.QualName" of the exception class
    message: str
    traceback: str = ""


# --- edge -> store process ----------------------------------------------------------------


class Config(msgspec.Struct, frozen=True, tag="config", tag_field="t"):
    db_path: str
    journal_dir: str
    duckdb_threads: int
    readers: int
    projection_modules: list[str]
    sys_path: list[str]  # so the store process imports projection and read modules as the edge does
    log_level: int  # records below it are not forwarded


class Replay(msgspec.Struct, frozen=True, tag="replay", tag_field="t"):
    """Apply the journal's records up to ``through_seq`` from the files (at open only)."""

    through_seq: int


class Records(msgspec.Struct, frozen=True, tag="records", tag_field="t"):
    """Journaled (fsync'd) records with consecutive seqs from ``first_seq``.

    The edge gathers them for ``linger_s`` (or less when a reader waits), so the
    store process applies each message at once, in one transaction.
    """

    first_seq: int
    payloads: list[bytes]


class Read(msgspec.Struct, frozen=True, tag="read", tag_field="t"):
    id: int
    fn: str  # "module:qualname" of a module-level function
    args: msgspec.Raw  # msgpack array, decoded against the function's parameter annotations


class Stop(msgspec.Struct, frozen=True, tag="stop", tag_field="t"):
    """Apply everything received, close the database, answer Closed and exit."""


# --- store process -> edge ------------------------------------------------------------------


class Opened(msgspec.Struct, frozen=True, tag="opened", tag_field="t"):
    applied_seq: int


class OpenFailed(msgspec.Struct, frozen=True, tag="open_failed", tag_field="t"):
    error: RemoteError


class Replayed(msgspec.Struct, frozen=True, tag="replayed", tag_field="t"):
    count: int
    applied_seq: int


class Applied(msgspec.Struct, frozen=True, tag="applied", tag_field="t"):
    seq: int
    transactions: int


class Failed(msgspec.Struct, frozen=True, tag="failed", tag_field="t"):
    """The projector stopped: the database no longer follows the journal."""

    error: RemoteError


class ReadDone(msgspec.Struct, frozen=True, tag="read_done", tag_field="t"):
    id: int
    result: msgspec.Raw


class ReadFailed(msgspec.Struct, frozen=True, tag="read_failed", tag_field="t"):
    id: int
    error: RemoteError


class Log(msgspec.Struct, frozen=True, tag="log", tag_field="t"):
    """A log record of the store process, re-emitted by the edge's logging."""

    name: str
    levelno: int
    message: str
    created: float
    thread_name: str
    exc_text: str | None = None


class Closed(msgspec.Struct, frozen=True, tag="closed", tag_field="t"):
    applied_seq: int


ToStore = Union[Config, Replay, Records, Read, Stop]
FromStore = Union[Opened, OpenFailed, Replayed, Applied, Failed, ReadDone, ReadFailed, Log, Closed]

_encoder = msgspec.msgpack.Encoder()


def frame(message: msgspec.Struct) -> bytes:
    """The message, encoded and framed, ready to write."""
    body = _encoder.encode(message)
    if len(body) > MAX_FRAME_BYTES:
        raise ValueError(f"{type(message).__name__} of {len(body)} bytes is too large to send")
    return HEADER.pack(len(body)) + body


class FrameDecoder:
    """Turns a byte stream back into messages of ``kind`` (one decoder per direction)."""

    def __init__(self, kind: object) -> None:
        self._decoder: msgspec.msgpack.Decoder[msgspec.Struct] = msgspec.msgpack.Decoder(kind)  # type: ignore[arg-type]
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[msgspec.Struct]:
        """Messages completed by ``data``; ValueError for a damaged stream."""
        self._buf += data
        out: list[msgspec.Struct] = []
        offset = 0
        buf = self._buf
        while len(buf) - offset >= HEADER.size:
            (length,) = HEADER.unpack_from(buf, offset)
            if length > MAX_FRAME_BYTES:
                raise ValueError(f"frame of {length} bytes announced: the stream is damaged")
            end = offset + HEADER.size + length
            if end > len(buf):
                break
            # bytes(), not a view: msgspec.Raw fields keep referring to the buffer they came from.
            out.append(self._decoder.decode(bytes(buf[offset + HEADER.size : end])))
            offset = end
        if offset:
            del buf[:offset]
        return out
