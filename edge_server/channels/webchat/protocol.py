"""The widget's WebSocket protocol: JSON text frames, one typed struct per ``type``.

Client frames are decoded with msgspec against a tagged union, so an unknown
``type`` or a field of the wrong type is a ``ProtocolError`` (answered with an
error frame), never an exception inside the server.
"""
from __future__ import annotations

from typing import Union

import msgspec

from edge_server.contract.interactions import Attachment, ChatMessage, InteractionInfo, ParticipantRole


class Frame(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="type"):
    """Base of every frame; the tag is its wire ``type``."""


# --- client -> server -----------------------------------------------------------


class ClientInfo(msgspec.Struct, kw_only=True, omit_defaults=True):
    user_id: str = ""
    user_hash: str = ""
    name: str = ""
    email: str = ""
    lang: str = ""


class Hello(Frame, tag="hello"):
    token: str = ""
    client: ClientInfo = msgspec.field(default_factory=ClientInfo)


class Start(Frame, tag="start"):
    """Pre-chat form and the first message: opens the interaction."""

    client_msg_id: str
    text: str
    name: str = ""
    email: str = ""
    phone: str = ""


class Send(Frame, tag="send"):
    client_msg_id: str
    text: str = ""
    attachment_ids: list[str] = []


class Typing(Frame, tag="typing"):
    on: bool


class Read(Frame, tag="read"):
    seq: int


class Resume(Frame, tag="resume"):
    after_seq: int = 0


class Rate(Frame, tag="rate"):
    score: int
    comment: str = ""


class Leave(Frame, tag="leave"):
    pass


class Offline(Frame, tag="offline"):
    text: str
    name: str = ""
    email: str = ""


class Ping(Frame, tag="ping"):
    pass


class Pong(Frame, tag="pong"):
    pass


ClientFrame = Union[Hello, Start, Send, Typing, Read, Resume, Rate, Leave, Offline, Ping, Pong]

# --- server -> client -----------------------------------------------------------


class InteractionView(Frame, tag="interaction"):
    """What the visitor may know of the interaction: no internal ids of agents, no consults."""

    interaction_id: str
    state: str
    agents: list[str] = []  # display names of the owner and conference agents
    last_seq: int = 0
    customer_read_seq: int = 0
    agent_read_seq: int = 0


class PrechatFields(msgspec.Struct, kw_only=True):
    name: str = "optional"  # required | optional | hidden
    email: str = "optional"
    phone: str = "hidden"


class Limits(msgspec.Struct, kw_only=True):
    max_attachment_bytes: int
    attachment_types: list[str]
    max_message_chars: int


class Welcome(Frame, tag="welcome"):
    token: str
    visitor_id: str
    state: str  # prechat | chat | offline
    prechat: PrechatFields
    available: bool
    limits: Limits
    title: str = ""
    heartbeat_s: float = 5.0
    identified: bool = False  # a verified (or accepted) site user id is attached
    interaction: InteractionView | None = None


class MessageOut(Frame, tag="message"):
    """A ChatMessage as the visitor sees it (never private; no agent usernames)."""

    interaction_id: str
    seq: int
    message_id: str
    ts_ms: int
    author_kind: str
    author_name: str = ""
    text: str = ""
    client_msg_id: str = ""
    attachments: list[Attachment] = []


class TypingOut(Frame, tag="typing"):
    on: bool
    name: str = ""


class ErrorOut(Frame, tag="error"):
    code: str
    message: str
    client_msg_id: str = ""


class Ack(Frame, tag="ack"):
    client_msg_id: str
    seq: int
    interaction_id: str = ""


class Done(Frame, tag="done"):
    """A one-off command succeeded: what = rate | leave | offline."""

    what: str


ServerFrame = Union[Welcome, MessageOut, InteractionView, TypingOut, ErrorOut, Ack, Done, Ping, Pong]

_client_decoder = msgspec.json.Decoder(ClientFrame)
_server_decoder = msgspec.json.Decoder(ServerFrame)
_encoder = msgspec.json.Encoder()


class ProtocolError(Exception):
    """A frame that is not valid JSON or not one of the client frames."""


def decode_client(data: str | bytes) -> ClientFrame:
    try:
        return _client_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise ProtocolError(str(e)) from e


def decode_server(data: str | bytes) -> ServerFrame:
    try:
        return _server_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise ProtocolError(str(e)) from e


def encode(frame: Frame) -> str:
    return _encoder.encode(frame).decode("utf-8")


def message_out(m: ChatMessage) -> MessageOut:
    return MessageOut(interaction_id=m.interaction_id, seq=m.seq, message_id=m.message_id, ts_ms=m.ts_ms,
                      author_kind=m.author_kind.value, author_name=m.author_name, text=m.text,
                      client_msg_id=m.client_msg_id, attachments=list(m.attachments))


_VISIBLE_ROLES = (ParticipantRole.OWNER, ParticipantRole.CONFERENCE)


def interaction_view(info: InteractionInfo) -> InteractionView:
    return InteractionView(
        interaction_id=info.interaction_id, state=info.state.value,
        agents=[p.display_name or p.username for p in info.participants if p.role in _VISIBLE_ROLES],
        last_seq=info.last_seq, customer_read_seq=info.customer_read_seq, agent_read_seq=info.agent_read_seq)
