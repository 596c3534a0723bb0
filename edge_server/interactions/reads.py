"""Reads the interactions service needs from the store (module-level: they run in the store process).

Recovery reads everything about the open interactions in one call (one consistent
snapshot); the rest serve closed interactions, which have left the edge's memory.
"""
from __future__ import annotations

from typing import Any

import msgspec

from edge_server.contract.interactions import Attachment, ChatMessage

#: get_interaction returns at most this many messages (the newest).
MAX_TRANSCRIPT = 500


class InteractionRow(msgspec.Struct, kw_only=True):
    interaction_id: str
    customer_id: str
    customer_name: str
    channel: str
    queue: str
    state: str
    subject: str
    created_ms: int
    connected_ms: int
    closed_ms: int
    agent: str
    rating: int
    identities: list[tuple[str, str]] = []


class ParticipantRow(msgspec.Struct, kw_only=True):
    interaction_id: str
    username: str
    role: str
    joined_ms: int


class InviteRow(msgspec.Struct, kw_only=True):
    """A pending invite: role "invited:<mode>", by = the inviting agent."""

    interaction_id: str
    username: str
    role: str
    by: str
    ts_ms: int


class ReadMarkRow(msgspec.Struct, kw_only=True):
    interaction_id: str
    reader: str
    seq: int


class AttachmentRow(msgspec.Struct, kw_only=True):
    interaction_id: str
    attachment: Attachment


class OpenState(msgspec.Struct, kw_only=True):
    """Everything about the interactions that are not closed, for recovery at start."""

    interactions: list[InteractionRow] = []
    participants: list[ParticipantRow] = []
    messages: list[ChatMessage] = []
    marks: list[ReadMarkRow] = []
    legs: dict[str, str] = {}  # interaction id -> task id of its current leg
    attachments: list[AttachmentRow] = []
    invites: list[InviteRow] = []


#: Participant rows of pending invites have this role prefix (see InteractionService.invite_role).
_INVITED_LIKE = "invited:%"

_ROW_SQL = """SELECT i.interaction_id, i.customer_id, coalesce(c.name, ''), i.channel, i.queue, i.state, i.subject,
                     i.created_ms, i.connected_ms, i.closed_ms, i.agent, i.rating, i.identities
              FROM interactions i LEFT JOIN customers c ON c.customer_id = i.customer_id"""

_MSG_SQL = """SELECT interaction_id, seq, message_id, ts_ms, author_kind, author, author_name, body, private,
                     client_msg_id, attachments, coalesce(delivery, ''), coalesce(delivery_error, '')
              FROM messages"""


def _row(r: tuple[Any, ...]) -> InteractionRow:
    return InteractionRow(
        interaction_id=r[0], customer_id=r[1], customer_name=r[2], channel=r[3], queue=r[4], state=r[5],
        subject=r[6], created_ms=r[7], connected_ms=r[8], closed_ms=r[9], agent=r[10], rating=r[11],
        identities=[tuple(p) for p in msgspec.json.decode(r[12] or "[]")],
    )


def _message(r: tuple[Any, ...]) -> ChatMessage:
    return ChatMessage(
        interaction_id=r[0], seq=r[1], message_id=r[2], ts_ms=r[3], author_kind=r[4], author=r[5],
        author_name=r[6], text=r[7], private=bool(r[8]), client_msg_id=r[9],
        attachments=msgspec.json.decode(r[10] or "[]", type=list[Attachment]), delivery=r[11],
        delivery_error=r[12],
    )


def open_state(cur: Any) -> OpenState:
    """The open interactions with their participants, messages, read marks, legs and attachments."""
    rows = [_row(r) for r in cur.execute(_ROW_SQL + " WHERE i.state <> 'closed'").fetchall()]
    if not rows:
        return OpenState()
    ids = [r.interaction_id for r in rows]
    parts = [
        ParticipantRow(interaction_id=r[0], username=r[1], role=r[2], joined_ms=r[3])
        for r in cur.execute(
            """SELECT interaction_id, username, role, joined_ms FROM participants
               WHERE left_ms = 0 AND list_contains(?, interaction_id) AND role NOT LIKE ?
               ORDER BY joined_ms""", [ids, _INVITED_LIKE]).fetchall()
    ]
    messages = [_message(r) for r in cur.execute(
        _MSG_SQL + " WHERE list_contains(?, interaction_id) ORDER BY interaction_id, seq", [ids]).fetchall()]
    marks = [ReadMarkRow(interaction_id=r[0], reader=r[1], seq=r[2]) for r in cur.execute(
        "SELECT interaction_id, reader, seq FROM read_marks WHERE list_contains(?, interaction_id)", [ids]).fetchall()]
    legs: dict[str, str] = {}
    for subject, task_id in cur.execute(
        """SELECT subject, json_extract_string(data, '$.task_id') FROM events
           WHERE kind IN ('interaction_state_changed', 'interaction_transferred') AND list_contains(?, subject)
           ORDER BY seq""", [ids]).fetchall():
        if task_id:
            legs[subject] = task_id
    atts = [
        AttachmentRow(interaction_id=r[0], attachment=Attachment(
            attachment_id=r[1], name=r[2], content_type=r[3], size=r[4], sha256=r[5]))
        for r in cur.execute(
            """SELECT interaction_id, attachment_id, name, content_type, size, sha256 FROM attachments
               WHERE list_contains(?, interaction_id)""", [ids]).fetchall()
    ]
    return OpenState(interactions=rows, participants=parts, messages=messages, marks=marks, legs=legs,
                     attachments=atts, invites=_pending_invites(cur, ids))


def _pending_invites(cur: Any, ids: list[str]) -> list[InviteRow]:
    """Invites journaled and not yet answered, from the journal (the inviter is only there)."""
    pending: dict[tuple[str, str], InviteRow] = {}
    for subject, ts_ms, username, role, joined, by in cur.execute(
        """SELECT subject, ts_ms, json_extract_string(data, '$.username'), json_extract_string(data, '$.role'),
                  CAST(json_extract(data, '$.joined') AS BOOLEAN), coalesce(json_extract_string(data, '$.by'), '')
           FROM events
           WHERE kind = 'participant_changed' AND list_contains(?, subject)
             AND json_extract_string(data, '$.role') LIKE ?
           ORDER BY seq""", [ids, _INVITED_LIKE]).fetchall():
        if joined:
            pending[(subject, username)] = InviteRow(interaction_id=subject, username=username, role=role, by=by,
                                                     ts_ms=ts_ms)
        else:
            pending.pop((subject, username), None)
    return list(pending.values())


def interaction_row(cur: Any, interaction_id: str) -> InteractionRow | None:
    r = cur.execute(_ROW_SQL + " WHERE i.interaction_id = ?", [interaction_id]).fetchone()
    return None if r is None else _row(r)


def transcript(cur: Any, interaction_id: str, after_seq: int, with_private: bool) -> list[ChatMessage]:
    """Messages with seq > after_seq, oldest first, at most the newest MAX_TRANSCRIPT."""
    sql = _MSG_SQL + " WHERE interaction_id = ? AND seq > ?" + ("" if with_private else " AND NOT private")
    rows = cur.execute(f"SELECT * FROM ({sql} ORDER BY seq DESC LIMIT {MAX_TRANSCRIPT}) ORDER BY seq",
                       [interaction_id, after_seq]).fetchall()
    return [_message(r) for r in rows]


def participants_ever(cur: Any, interaction_id: str) -> list[str]:
    """Every agent who ever took part (closed interactions: who may still read the transcript)."""
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT username FROM participants WHERE interaction_id = ? AND role NOT LIKE ?",
        [interaction_id, _INVITED_LIKE]).fetchall()]


def attachment_row(cur: Any, attachment_id: str) -> AttachmentRow | None:
    r = cur.execute(
        """SELECT interaction_id, attachment_id, name, content_type, size, sha256 FROM attachments
           WHERE attachment_id = ?""", [attachment_id]).fetchone()
    if r is None:
        return None
    return AttachmentRow(interaction_id=r[0], attachment=Attachment(
        attachment_id=r[1], name=r[2], content_type=r[3], size=r[4], sha256=r[5]))
