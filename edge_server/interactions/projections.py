"""Projections of customer, interaction and message events into the V2 tables.

Run in the store process. Messages come in bursts and are applied set-based per
run; the rest are rare enough for one statement per event. Every projection
tolerates rows that do not exist (an UPDATE matching nothing), so no valid
event can stop the projector.
"""
from __future__ import annotations

from collections.abc import Sequence

import msgspec

from edge_server.contract import events as ev
from edge_server.store.bulk import json_rows, unnest_sql
from edge_server.store.registry import Cursor, projection

_json = msgspec.json.Encoder()
SUMMARY_CHARS = 140


def _js(value: object) -> str:
    return _json.encode(value).decode()


def _audit(cur: Cursor, ts_ms: int, customer_id: str, action: str, by: str, details: dict[str, str]) -> None:
    cur.execute(
        "INSERT INTO customer_audit (ts_ms, customer_id, action, actor, details) VALUES (?, ?, ?, ?, ?)",
        [ts_ms, customer_id, action, by, _js(details)],
    )


# --- customers -------------------------------------------------------------------


@projection("customer_created", subject="customer_id")
def _customer_created(cur: Cursor, e: ev.CustomerCreated) -> None:
    cur.execute(
        """INSERT INTO customers (customer_id, name, tier, vip, tags, notes, attributes, created_ms, updated_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING""",
        [e.customer_id, e.name, e.tier, e.vip, _js(e.tags), e.notes, _js(e.attributes), e.ts_ms, e.ts_ms],
    )
    for kind, value in e.identities:
        _link(cur, e.customer_id, kind, value, e.ts_ms)
    _audit(cur, e.ts_ms, e.customer_id, "created", e.by, {"name": e.name})


def _link(cur: Cursor, customer_id: str, kind: str, value: str, ts_ms: int) -> None:
    cur.execute(
        """INSERT INTO identities (kind, value, customer_id, created_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT (kind, value) DO UPDATE SET customer_id = excluded.customer_id""",
        [kind, value, customer_id, ts_ms],
    )


@projection("customer_updated", subject="customer_id")
def _customer_updated(cur: Cursor, e: ev.CustomerUpdated) -> None:
    sets: list[str] = []
    args: list[object] = []
    changed: dict[str, str] = {}
    for name in ("name", "tier", "vip", "notes"):
        value = getattr(e, name)
        if value is not None:
            sets.append(f"{name} = ?")
            args.append(value)
            changed[name] = str(value)
    for name in ("tags", "attributes"):
        value = getattr(e, name)
        if value is not None:
            sets.append(f"{name} = ?")
            args.append(_js(value))
            changed[name] = _js(value)
    if not sets:
        return
    cur.execute(
        f"UPDATE customers SET {', '.join(sets)}, updated_ms = ? WHERE customer_id = ?",
        [*args, e.ts_ms, e.customer_id],
    )
    _audit(cur, e.ts_ms, e.customer_id, "updated", e.by, changed)


@projection("identity_linked", subject="customer_id")
def _identity_linked(cur: Cursor, e: ev.IdentityLinked) -> None:
    _link(cur, e.customer_id, e.kind, e.value, e.ts_ms)
    _audit(cur, e.ts_ms, e.customer_id, "identity_added", e.by, {"kind": e.kind, "value": e.value})


@projection("customers_merged", subject="survivor_id")
def _customers_merged(cur: Cursor, e: ev.CustomersMerged) -> None:
    cur.execute("UPDATE identities SET customer_id = ? WHERE customer_id = ?", [e.survivor_id, e.merged_id])
    cur.execute("UPDATE interactions SET customer_id = ? WHERE customer_id = ?", [e.survivor_id, e.merged_id])
    cur.execute(
        "UPDATE customers SET merged_into = ?, updated_ms = ? WHERE customer_id = ?",
        [e.survivor_id, e.ts_ms, e.merged_id],
    )
    cur.execute("UPDATE customers SET updated_ms = ? WHERE customer_id = ?", [e.ts_ms, e.survivor_id])
    details = {"merged_id": e.merged_id, "survivor_id": e.survivor_id, "reason": e.reason}
    _audit(cur, e.ts_ms, e.survivor_id, "merged", e.by, details)
    _audit(cur, e.ts_ms, e.merged_id, "merged_into", e.by, details)


@projection("customer_split", subject="source_id")
def _customer_split(cur: Cursor, e: ev.CustomerSplit) -> None:
    cur.execute(
        """INSERT INTO customers (customer_id, name, created_ms, updated_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT (customer_id) DO NOTHING""",
        [e.new_id, e.name, e.ts_ms, e.ts_ms],
    )
    for kind, value in e.identities:
        cur.execute(
            "UPDATE identities SET customer_id = ? WHERE kind = ? AND value = ? AND customer_id = ?",
            [e.new_id, kind, value, e.source_id],
        )
    if e.interaction_ids:
        cur.execute(
            "UPDATE interactions SET customer_id = ? WHERE customer_id = ? AND list_contains(?, interaction_id)",
            [e.new_id, e.source_id, e.interaction_ids],
        )
    details = {
        "source_id": e.source_id, "new_id": e.new_id, "reason": e.reason,
        "identities": _js(e.identities), "interactions": str(len(e.interaction_ids)),
    }
    _audit(cur, e.ts_ms, e.source_id, "split", e.by, details)
    _audit(cur, e.ts_ms, e.new_id, "split_from", e.by, details)


# --- interactions ------------------------------------------------------------------


@projection("interaction_created", subject="interaction_id")
def _interaction_created(cur: Cursor, e: ev.InteractionCreated) -> None:
    cur.execute(
        """INSERT INTO interactions (interaction_id, customer_id, channel, queue, state, subject, created_ms,
                                     identities, attributes)
           VALUES (?, ?, ?, ?, 'created', ?, ?, ?, ?) ON CONFLICT (interaction_id) DO NOTHING""",
        [e.interaction_id, e.customer_id, e.channel, e.queue, e.subject, e.ts_ms,
         _js(e.identities), _js(e.attributes)],
    )


@projection("interaction_state_changed", subject="interaction_id")
def _interaction_state_changed(cur: Cursor, e: ev.InteractionStateChanged) -> None:
    # connected_ms: the first connection; closed_ms: when it closed; agent: the latest owner.
    cur.execute(
        """UPDATE interactions SET
               state = ?,
               connected_ms = CASE WHEN ? = 'connected' AND connected_ms = 0 THEN ? ELSE connected_ms END,
               closed_ms = CASE WHEN ? = 'closed' THEN ? ELSE closed_ms END,
               agent = CASE WHEN ? <> '' AND ? IN ('connected', 'wrapup') THEN ? ELSE agent END,
               queue = CASE WHEN ? <> '' THEN ? ELSE queue END
           WHERE interaction_id = ?""",
        [e.state, e.state, e.ts_ms, e.state, e.ts_ms, e.agent, e.state, e.agent, e.queue, e.queue,
         e.interaction_id],
    )


@projection("interaction_customer_linked", subject="interaction_id")
def _interaction_customer_linked(cur: Cursor, e: ev.InteractionCustomerLinked) -> None:
    cur.execute("UPDATE interactions SET customer_id = ? WHERE interaction_id = ?",
                [e.customer_id, e.interaction_id])


@projection("participant_changed", subject="interaction_id")
def _participant_changed(cur: Cursor, e: ev.ParticipantChanged) -> None:
    if e.joined:
        cur.execute(
            "INSERT INTO participants (interaction_id, username, role, joined_ms) VALUES (?, ?, ?, ?)",
            [e.interaction_id, e.username, e.role, e.ts_ms],
        )
    else:
        cur.execute(
            "UPDATE participants SET left_ms = ? WHERE interaction_id = ? AND username = ? AND left_ms = 0",
            [e.ts_ms, e.interaction_id, e.username],
        )


_MESSAGE = unnest_sql({
    "interaction_id": "VARCHAR", "seq": "BIGINT", "message_id": "VARCHAR", "ts_ms": "BIGINT",
    "author_kind": "VARCHAR", "author": "VARCHAR", "author_name": "VARCHAR", "body": "VARCHAR",
    "body_indexed": "VARCHAR", "private": "BOOLEAN", "client_msg_id": "VARCHAR", "attachments": "JSON",
})
_COUNTS = unnest_sql({"interaction_id": "VARCHAR", "n": "INTEGER", "summary": "VARCHAR"})


@projection("message_added", subject="interaction_id", many=True)
def _messages_added(cur: Cursor, events: Sequence[ev.MessageAdded]) -> None:
    from edge_server.store.fts import cjk_bigrams  # store process only (imports duckdb)

    rows = []
    counts: dict[str, list[object]] = {}
    for e in events:
        rows.append({
            "interaction_id": e.interaction_id, "seq": e.seq, "message_id": e.message_id, "ts_ms": e.ts_ms,
            "author_kind": e.author_kind, "author": e.author, "author_name": e.author_name, "body": e.text,
            "body_indexed": cjk_bigrams(e.text) if not e.private else "", "private": e.private,
            "client_msg_id": e.client_msg_id, "attachments": e.attachments,
        })
        c = counts.setdefault(e.interaction_id, [0, ""])
        c[0] = int(c[0]) + 1  # type: ignore[call-overload]
        if not c[1] and e.author_kind == "customer" and e.text:
            c[1] = e.text[:SUMMARY_CHARS]
    cur.execute(
        f"""INSERT INTO messages (interaction_id, seq, message_id, ts_ms, author_kind, author, author_name, body,
                                  body_indexed, private, client_msg_id, attachments)
            SELECT r.interaction_id, r.seq, r.message_id, r.ts_ms, r.author_kind, r.author,
                   r.author_name, r.body, r.body_indexed, r.private, r.client_msg_id, r.attachments
            FROM {_MESSAGE} ON CONFLICT (interaction_id, seq) DO NOTHING""",
        [json_rows(rows)],
    )
    cur.execute(
        f"""UPDATE interactions i SET message_count = i.message_count + c.n,
                   summary = CASE WHEN i.summary = '' THEN c.summary ELSE i.summary END
            FROM (SELECT r.interaction_id, r.n, r.summary FROM {_COUNTS}) c
            WHERE i.interaction_id = c.interaction_id""",
        [json_rows([{"interaction_id": k, "n": v[0], "summary": v[1]} for k, v in counts.items()])],
    )


_READ_MARK = unnest_sql({"interaction_id": "VARCHAR", "reader": "VARCHAR", "seq": "BIGINT"})


@projection("read_marked", subject="interaction_id", many=True)
def _reads_marked(cur: Cursor, events: Sequence[ev.ReadMarked]) -> None:
    # Every message read produces one (both ways): set-based, only the highest mark per reader counts.
    best: dict[tuple[str, str], int] = {}
    for e in events:
        key = (e.interaction_id, e.reader)
        best[key] = max(best.get(key, 0), e.seq)
    rows = [{"interaction_id": i, "reader": r, "seq": n} for (i, r), n in best.items()]
    cur.execute(
        f"""INSERT INTO read_marks (interaction_id, reader, seq)
            SELECT r.interaction_id, r.reader, r.seq FROM {_READ_MARK}
            ON CONFLICT (interaction_id, reader) DO UPDATE SET seq = greatest(read_marks.seq, excluded.seq)""",
        [json_rows(rows)],
    )


@projection("wrapup_recorded", subject="interaction_id")
def _wrapup_recorded(cur: Cursor, e: ev.WrapUpRecorded) -> None:
    cur.execute(
        "UPDATE interactions SET disposition = ?, notes = ?, follow_up = ? WHERE interaction_id = ?",
        [e.disposition, e.notes, e.follow_up, e.interaction_id],
    )


@projection("interaction_rated", subject="interaction_id")
def _interaction_rated(cur: Cursor, e: ev.InteractionRated) -> None:
    cur.execute(
        "UPDATE interactions SET rating = ?, rating_comment = ? WHERE interaction_id = ?",
        [e.score, e.comment, e.interaction_id],
    )


@projection("interaction_transferred", subject="interaction_id")
def _interaction_transferred(cur: Cursor, e: ev.InteractionTransferred) -> None:
    if e.to_queue:
        cur.execute("UPDATE interactions SET queue = ? WHERE interaction_id = ?", [e.to_queue, e.interaction_id])


@projection("attachment_stored", subject="attachment_id")
def _attachment_stored(cur: Cursor, e: ev.AttachmentStored) -> None:
    cur.execute(
        """INSERT INTO attachments (attachment_id, interaction_id, name, content_type, size, sha256, ts_ms, actor)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (attachment_id) DO NOTHING""",
        [e.attachment_id, e.interaction_id, e.name, e.content_type, e.size, e.sha256, e.ts_ms, e.by],
    )


# --- canned responses --------------------------------------------------------------


@projection("canned_saved", subject="canned_id")
def _canned_saved(cur: Cursor, e: ev.CannedSaved) -> None:
    cur.execute(
        """INSERT INTO canned_responses (canned_id, shortcut, title, body, scope, owner, language, updated_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (canned_id) DO UPDATE SET shortcut = excluded.shortcut, title = excluded.title,
               body = excluded.body, scope = excluded.scope, owner = excluded.owner,
               language = excluded.language, updated_ms = excluded.updated_ms, deleted = false""",
        [e.canned_id, e.shortcut, e.title, e.text, e.scope, e.owner, e.language, e.ts_ms],
    )


@projection("canned_deleted", subject="canned_id")
def _canned_deleted(cur: Cursor, e: ev.CannedDeleted) -> None:
    cur.execute("UPDATE canned_responses SET deleted = true, updated_ms = ? WHERE canned_id = ?",
                [e.ts_ms, e.canned_id])


@projection("delivery_changed", subject="interaction_id")
def _delivery_changed(cur: Cursor, e: ev.DeliveryChanged) -> None:
    cur.execute(
        """UPDATE messages SET delivery = ?, delivery_error = ?,
               provider_id = CASE WHEN ? <> '' THEN ? ELSE provider_id END, attempts = greatest(attempts, ?)
           WHERE interaction_id = ? AND seq = ?""",
        [e.state, e.error, e.provider_id, e.provider_id, e.attempts, e.interaction_id, e.seq],
    )
