"""The frame every ZeroMQ message carries, and its codec.

One frame per ZeroMQ message part (the ROUTER adds the peer identity in front).
The frame is msgpack; its ``body`` stays raw until the type is known, so a
frame from a client of another protocol version can still be answered with a
clear error instead of a decode failure.
"""
from __future__ import annotations

import enum
from typing import Any

import msgspec

from edge_server.contract.errors import ErrorCode, SwitchboardError

PROTOCOL_VERSION = 1
#: Default upper bound for one frame; the edge's ``bus.max_frame_bytes`` overrides it.
DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024  # a 1,000-node flow document is ~240 KB

_NIL = msgspec.Raw(b"\xc0")


class Kind(enum.StrEnum):
    REQUEST = "req"  # client -> edge, answered by exactly one REPLY or ERROR with the same rid
    REPLY = "rep"
    ERROR = "err"
    PUSH = "push"  # edge -> client, numbered by ``seq`` within the session
    HEARTBEAT = "hb"  # both ways; client puts the last push seq it saw in ``seq``


class Frame(msgspec.Struct, kw_only=True, omit_defaults=True):
    v: int  # protocol version of the sender
    k: Kind
    t: str = ""  # body type name (see messages.REGISTRY)
    rid: str = ""  # request id, echoed in the reply; with ``cid`` the de-duplication key
    cid: str = ""  # client id (stable per desktop install)
    seq: int = 0  # push sequence number (PUSH), or last push seen (HEARTBEAT from client)
    body: msgspec.Raw = _NIL


class ErrorBody(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, Any] = {}


_frame_encoder = msgspec.msgpack.Encoder()
_frame_decoder = msgspec.msgpack.Decoder(Frame)


def encode_body(body: msgspec.Struct | None) -> msgspec.Raw:
    if body is None:
        return _NIL
    return msgspec.Raw(_frame_encoder.encode(body))


def encode_frame(frame: Frame) -> bytes:
    return _frame_encoder.encode(frame)


def decode_frame(data: bytes, max_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> Frame:
    """Decode one frame; raises SwitchboardError (MALFORMED, TOO_LARGE)."""
    if len(data) > max_bytes:
        raise SwitchboardError(
            ErrorCode.TOO_LARGE,
            f"frame of {len(data)} bytes exceeds the limit of {max_bytes} bytes",
            limit=max_bytes,
            size=len(data),
        )
    try:
        return _frame_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise SwitchboardError(ErrorCode.MALFORMED, f"undecodable frame: {e}") from e


def check_version(frame: Frame) -> None:
    if frame.v != PROTOCOL_VERSION:
        raise SwitchboardError(
            ErrorCode.PROTOCOL_VERSION,
            f"this peer speaks protocol version {PROTOCOL_VERSION}, "
            f"the other side speaks version {frame.v}; install matching Switchboard versions",
            ours=PROTOCOL_VERSION,
            theirs=frame.v,
        )


def error_frame(rid: str, err: SwitchboardError) -> Frame:
    body = ErrorBody(code=err.code.value, message=err.message, details=err.details)
    return Frame(v=PROTOCOL_VERSION, k=Kind.ERROR, t="error", rid=rid, body=encode_body(body))


def error_from_frame(frame: Frame) -> SwitchboardError:
    """Turn an ERROR frame back into the exception it stands for."""
    try:
        body = msgspec.msgpack.decode(frame.body, type=ErrorBody)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        return SwitchboardError(ErrorCode.MALFORMED, f"undecodable error body: {e}")
    try:
        code = ErrorCode(body.code)
    except ValueError:
        code = ErrorCode.INTERNAL
    return SwitchboardError(code, body.message, **body.details)
