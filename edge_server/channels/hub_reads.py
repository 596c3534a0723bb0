"""Store reads of the channel hub (module-level: they run in the store process).

The hub keeps what it needs in memory while it runs; these answer after a restart: which
inbound messages are stored already, where an interaction came from, which agent messages
are still queued, and which message a receipt's provider id names.
"""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.contract.interactions import Attachment

#: InteractionCreated attributes the hub sets (``sb.``: kept out of routing's task attributes).
A_ACCOUNT = "sb.channel_account"
A_THREAD = "sb.channel_thread"


class ChannelInteraction(msgspec.Struct, kw_only=True):
    interaction_id: str
    channel: str
    account: str
    thread_key: str
    identities: list[tuple[str, str]]
    open: bool


class QueuedMessage(msgspec.Struct, kw_only=True):
    """An agent message whose delivery is still ``queued`` (to send again after a restart)."""

    interaction_id: str
    seq: int
    text: str
    attachments: list[Attachment]
    attempts: int
    subject: str


class SentRef(msgspec.Struct, kw_only=True):
    interaction_id: str
    seq: int
    delivery: str


def recent_inbound_keys(cur: Any, channels: list[str], limit: int) -> list[str]:
    """The newest ``limit`` client_msg_ids of customer messages on these channels (hub de-duplication)."""
    rows = cur.execute(
        """SELECT client_msg_id FROM messages
           WHERE author_kind = 'customer' AND list_contains(?, split_part(client_msg_id, ':', 1))
           ORDER BY ts_ms DESC LIMIT ?""", [channels, limit]).fetchall()
    return [r[0] for r in reversed(rows)]


def inbound_stored(cur: Any, client_msg_id: str) -> bool:
    """Whether a customer message with this key is stored (a miss of the bounded in-memory map)."""
    return cur.execute("SELECT 1 FROM messages WHERE client_msg_id = ? AND author_kind = 'customer' LIMIT 1",
                       [client_msg_id]).fetchone() is not None


def channel_interactions(cur: Any, channels: list[str], open_only: bool) -> list[ChannelInteraction]:
    """Interactions of these channels with the account and thread they came from."""
    sql = """SELECT interaction_id, channel, coalesce(json_extract_string(attributes, '$."sb.channel_account"'), ''),
                    coalesce(json_extract_string(attributes, '$."sb.channel_thread"'), ''), identities, state
             FROM interactions WHERE list_contains(?, channel)"""
    if open_only:
        sql += " AND state <> 'closed'"
    return [_interaction(r) for r in cur.execute(sql, [channels]).fetchall()]


def channel_interaction(cur: Any, interaction_id: str) -> ChannelInteraction | None:
    r = cur.execute(
        """SELECT interaction_id, channel, coalesce(json_extract_string(attributes, '$."sb.channel_account"'), ''),
                  coalesce(json_extract_string(attributes, '$."sb.channel_thread"'), ''), identities, state
           FROM interactions WHERE interaction_id = ?""", [interaction_id]).fetchone()
    return None if r is None else _interaction(r)


def _interaction(r: tuple[Any, ...]) -> ChannelInteraction:
    return ChannelInteraction(interaction_id=r[0], channel=r[1], account=r[2], thread_key=r[3],
                              identities=[tuple(p) for p in msgspec.json.decode(r[4] or "[]")],
                              open=r[5] != "closed")


def queued_messages(cur: Any, channels: list[str]) -> list[QueuedMessage]:
    """Agent messages still queued on these channels, oldest first per interaction."""
    rows = cur.execute(
        """SELECT m.interaction_id, m.seq, m.body, m.attachments, coalesce(m.attempts, 0), i.subject
           FROM messages m JOIN interactions i ON i.interaction_id = m.interaction_id
           WHERE m.delivery = 'queued' AND list_contains(?, i.channel)
           ORDER BY m.ts_ms, m.interaction_id, m.seq""", [channels]).fetchall()
    return [QueuedMessage(interaction_id=r[0], seq=r[1], text=r[2],
                          attachments=msgspec.json.decode(r[3] or "[]", type=list[Attachment]),
                          attempts=r[4], subject=r[5]) for r in rows]


def message_by_provider_id(cur: Any, channel: str, provider_id: str) -> SentRef | None:
    """The agent message the platform calls ``provider_id`` (receipts name messages that way)."""
    r = cur.execute(
        """SELECT m.interaction_id, m.seq, coalesce(m.delivery, '') FROM messages m
           JOIN interactions i ON i.interaction_id = m.interaction_id
           WHERE m.provider_id = ? AND i.channel = ? LIMIT 1""", [provider_id, channel]).fetchone()
    return None if r is None else SentRef(interaction_id=r[0], seq=r[1], delivery=r[2])
