"""Encoded frames the bus sends, built from the shared contract."""
from __future__ import annotations

import logging

import msgspec

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message, type_name
from edge_server.contract.wire import PROTOCOL_VERSION, Frame, Kind, encode_body, encode_frame, error_frame

log = logging.getLogger("sb.bus")


def request_bytes(name: str, rid: str, cid: str, body: Message) -> bytes:
    return encode_frame(Frame(v=PROTOCOL_VERSION, k=Kind.REQUEST, t=name, rid=rid, cid=cid, body=encode_body(body)))


def reply_bytes(rid: str, body: Message) -> bytes:
    return encode_frame(Frame(v=PROTOCOL_VERSION, k=Kind.REPLY, t=type_name(body), rid=rid, body=encode_body(body)))


def push_bytes(seq: int, body: Message) -> bytes:
    return encode_frame(Frame(v=PROTOCOL_VERSION, k=Kind.PUSH, t=type_name(body), seq=seq, body=encode_body(body)))


def heartbeat_bytes(seq: int = 0, cid: str = "") -> bytes:
    return encode_frame(Frame(v=PROTOCOL_VERSION, k=Kind.HEARTBEAT, seq=seq, cid=cid))


def error_bytes(rid: str, err: SwitchboardError) -> bytes:
    """Encode an error reply; details that msgpack cannot carry are dropped, not fatal."""
    try:
        return encode_frame(error_frame(rid, err))
    except (TypeError, msgspec.EncodeError) as e:
        log.error("error details of %r are not encodable (%s); sending the error without them", err, e)
        bare = SwitchboardError(err.code if isinstance(err.code, ErrorCode) else ErrorCode.INTERNAL, err.message)
        return encode_frame(error_frame(rid, bare))
