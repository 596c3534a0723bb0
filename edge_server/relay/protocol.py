"""The relay ↔ edge wire: versioned msgspec frames over ZeroMQ DEALER (edge) → ROUTER (relay).

The edge says ``Hello`` with the last record it has stored; the relay answers ``Welcome`` and
streams ``Batch`` frames of log records after it, in order, never more than ``window`` records
ahead of the edge's cumulative ``Ack``. Both sides send ``Ping`` when they have had nothing else
to say for a heartbeat interval; silence for ``SILENCE_BEATS`` intervals ends the link.

Log records travel as the relay's stored payload bytes (``LogItem`` encoded), so the relay never
re-encodes what it acknowledged to the platform.

Fixed egress (platforms that accept API calls only from a registered address): the edge sends a
whole HTTP request as ``Call``; the relay performs it (only towards origins on its allow-list)
and answers ``Answer``. ``Call.id`` is the same on every retransmission after a reconnect, so the
relay performs a call once and repeats its answer. These frames came without a version bump: the
edge sends ``Call`` only to a relay whose ``Welcome`` says ``egress`` (an older relay's Welcome
lacks the field, so it reads False), and answers its adapter "not sent" otherwise.
"""
from __future__ import annotations

import msgspec

from edge_server.channels.base import DeliveryUpdate, InboundMessage

#: Bumped on any incompatible change; a peer with another version is refused with a reason.
VERSION = 1
#: A link that heard nothing for this many heartbeat intervals is considered dead.
SILENCE_BEATS = 3


class Hello(msgspec.Struct, tag="hello", kw_only=True):
    v: int
    log_id: str  # the relay log the edge's cursor belongs to ("" : none yet)
    last_acked_seq: int  # everything up to it is durable on the edge
    window: int  # records the edge accepts beyond its last ack (credit)
    edge: str = ""  # a name for logs


class Welcome(msgspec.Struct, tag="welcome", kw_only=True):
    v: int
    log_id: str
    after_seq: int  # the relay streams records from after_seq + 1
    last_seq: int  # the newest record the relay holds now
    heartbeat_s: float
    egress: bool = False  # the relay performs HTTP calls for the edge (relay.egress_allow is not empty)
    egress_id: str = ""  # this relay process's call memory: an unanswered call is resent only to the same one


class Refused(msgspec.Struct, tag="refused", kw_only=True):
    v: int
    reason: str


class Batch(msgspec.Struct, tag="batch", kw_only=True):
    v: int
    first_seq: int
    records: list[bytes]  # LogItem payloads for first_seq, first_seq + 1, ...


class Ack(msgspec.Struct, tag="ack", kw_only=True):
    v: int
    seq: int  # cumulative: every record up to seq is durable on the edge


class Ping(msgspec.Struct, tag="ping", kw_only=True):
    v: int


class Call(msgspec.Struct, tag="call", kw_only=True):
    """An HTTP request the relay performs for the edge (fixed egress address)."""

    v: int
    id: str  # unique per request and the same on every retransmission: performed at most once
    method: str
    url: str  # absolute, query included
    headers: list[tuple[str, str]] = []
    body: bytes = b""
    timeout_s: float = 10.0  # the whole request, as the adapter asked


#: Answer.outcome values. ``not_sent``: the platform certainly did not get the request (refused by
#: the allow-list, no connection); ``unknown``: it may have (timeout, disconnect after sending).
ANSWERED, NOT_SENT, UNKNOWN = "answered", "not_sent", "unknown"


class Answer(msgspec.Struct, tag="answer", kw_only=True):
    v: int
    id: str
    outcome: str  # ANSWERED | NOT_SENT | UNKNOWN
    status: int = 0
    headers: list[tuple[str, str]] = []
    body: bytes = b""
    error: str = ""


Frame = Hello | Welcome | Refused | Batch | Ack | Ping | Call | Answer


class InboundRecord(msgspec.Struct, tag="in", kw_only=True):
    received_ms: int
    msg: InboundMessage


class DeliveryRecord(msgspec.Struct, tag="dr", kw_only=True):
    received_ms: int
    update: DeliveryUpdate


LogItem = InboundRecord | DeliveryRecord

_frame_encoder = msgspec.msgpack.Encoder()
_frame_decoder = msgspec.msgpack.Decoder(Frame)
_item_decoder = msgspec.msgpack.Decoder(LogItem)


class ProtocolError(Exception):
    """A peer sent something this version cannot read."""


def encode(frame: Frame) -> bytes:
    return _frame_encoder.encode(frame)


def decode(data: bytes) -> Frame:
    try:
        return _frame_decoder.decode(data)
    except msgspec.DecodeError as e:
        raise ProtocolError(f"unreadable relay frame: {e}") from e


def encode_item(item: InboundMessage | DeliveryUpdate, received_ms: int) -> bytes:
    rec: LogItem = (InboundRecord(received_ms=received_ms, msg=item) if isinstance(item, InboundMessage)
                    else DeliveryRecord(received_ms=received_ms, update=item))
    return _frame_encoder.encode(rec)


def decode_item(data: bytes) -> LogItem:
    try:
        return _item_decoder.decode(data)
    except msgspec.DecodeError as e:
        raise ProtocolError(f"unreadable relay log record: {e}") from e


def dedup_key(item: InboundMessage | DeliveryUpdate) -> tuple[str, ...]:
    """What makes a platform's retry the same item: (channel, account, external_id) for messages."""
    if isinstance(item, InboundMessage):
        return ("in", item.channel, item.account, item.external_id)
    return ("dr", item.channel, item.account, item.provider_id, str(item.state), item.error)
