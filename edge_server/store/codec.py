"""Event (de)serialisation for the journal (msgpack) and the events table (JSON)."""
from __future__ import annotations

import typing

import msgspec

from edge_server.contract.events import EVENT_TYPES, Event
from edge_server.store.errors import StoreError, StoreTooNewError

#: Tag value ("event" field) -> event class, for every kind this code understands.
KINDS: dict[str, type[Event]] = {
    typing.cast(str, cls.__struct_config__.tag): cls for cls in EVENT_TYPES
}

_EventUnion = typing.Union[EVENT_TYPES]  # type: ignore[valid-type]  # tagged union on "event"
_msgpack_encoder = msgspec.msgpack.Encoder()
_msgpack_decoder: msgspec.msgpack.Decoder[Event] = msgspec.msgpack.Decoder(_EventUnion)
_json_encoder = msgspec.json.Encoder()


def kind_of(event: Event) -> str:
    """The event's tag, e.g. ``"user_upserted"``."""
    return typing.cast(str, type(event).__struct_config__.tag)


def encode_event(event: Event) -> bytes:
    """Journal payload of one event; TypeError for anything but a known Event."""
    if not isinstance(event, Event) or type(event).__struct_config__.tag not in KINDS:
        raise TypeError(f"not a journalable event: {event!r}")
    return _msgpack_encoder.encode(event)


def event_json(event: Event) -> bytes:
    """The JSON stored in ``events.data``."""
    return _json_encoder.encode(event)


def decode_event(payload: bytes | memoryview, *, seq: int) -> Event:
    """Decode a journal payload whose CRC already matched.

    A kind this code does not know means a newer Switchboard wrote the journal:
    StoreTooNewError, never a silent skip (its projection would be lost).
    """
    try:
        return _msgpack_decoder.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        kind = _peek_kind(payload)
        if kind is not None and kind not in KINDS:
            raise StoreTooNewError(
                f"the journal holds event seq {seq} of kind {kind!r}, which this Switchboard "
                f"does not know: it was written by a newer version; upgrade Switchboard"
            ) from e
        # The CRC matched, so the bytes are what we wrote: a format change without a
        # migration, i.e. a bug, but one the operator must be able to act on.
        raise StoreError(
            f"journal event seq {seq} (kind {kind!r}) cannot be decoded: {e}; "
            f"this Switchboard cannot read its own journal: report this with the journal files"
        ) from e


def _peek_kind(payload: bytes | memoryview) -> str | None:
    try:
        obj = msgspec.msgpack.decode(payload)
    except msgspec.DecodeError:
        return None
    if isinstance(obj, dict):
        kind = obj.get("event")
        return kind if isinstance(kind, str) else None
    return None
