"""Customer reads that run in the store process (``Store.read(fn, *args)``, see read_functions.py).

Module-level functions with typed annotations: the edge decodes each result
against its return annotation. Every query is parameterised. Point lookups go
through the indexes (identities primary key, identities(customer_id),
interactions(customer_id)); the timeline plan is checked in
tests/edge_server/interactions/test_customers_reads.py.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

import msgspec

from edge_server.contract.interactions import (
    Attachment,
    AuditEntry,
    ChatMessage,
    CustomerCard,
    CustomerHit,
    CustomerView,
    Identity,
    Timeline,
    SubmittedField,
    SubmittedForm,
    TimelineEntry,
    Transcript,
)

_forms_json = msgspec.json.Decoder()

log = logging.getLogger("sb.store")

#: merged_into chains are short (a merge of a merged customer is refused); the cap only stops a cycle.
MAX_MERGE_HOPS = 16
SNIPPET_CHARS = 120

_tags = msgspec.json.Decoder(list[str])
_attrs = msgspec.json.Decoder(dict[str, str])
_pairs = msgspec.json.Decoder(list[tuple[str, str]])
_attachments = msgspec.json.Decoder(list[Attachment])
_details = msgspec.json.Decoder(dict[str, str])


class IdentityOwner(msgspec.Struct, frozen=True):
    kind: str
    value: str
    customer_id: str  # after following merged_into


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A search the edge classified (it knows the site's phone region)."""

    text: str  # stripped
    limit: int = 50
    tag: str = ""  # "tag:vip" -> "vip": tags only
    phone: str = ""  # E.164 when the text parses as a phone number
    digits: str = ""  # the text's digits when it is mostly digits (suffix match, >= 4)
    email: str = ""  # lower-cased when the text contains "@"
    fts: bool = True  # also search past messages


class FtsStatus(msgspec.Struct, frozen=True, kw_only=True):
    rebuilt: bool
    busy: bool = False  # another rebuild was running
    messages: int = 0  # rows indexed by the current index
    high_water_ts: int = 0  # newest ts_ms the current index holds
    built_ms: int = 0  # wall clock of the current index's build (0: none)
    took_ms: int = 0


# --- cards -------------------------------------------------------------------------------

_CARD_SQL = """SELECT customer_id, name, tier, vip, tags, notes, attributes, created_ms, merged_into
               FROM customers WHERE customer_id = ?"""


def _final_id(cur: Any, customer_id: str) -> str | None:
    """``customer_id`` after following merged_into; None if it does not exist."""
    seen = 0
    while True:
        row = cur.execute("SELECT merged_into FROM customers WHERE customer_id = ?", [customer_id]).fetchone()
        if row is None:
            return None
        if not row[0] or seen >= MAX_MERGE_HOPS:
            return customer_id
        customer_id = row[0]
        seen += 1


def _identities_of(cur: Any, customer_id: str) -> list[Identity]:
    rows = cur.execute(
        "SELECT kind, value FROM identities WHERE customer_id = ? ORDER BY created_ms, kind, value", [customer_id]
    ).fetchall()
    return [Identity(kind=k, value=v) for k, v in rows]


def _card(cur: Any, customer_id: str) -> CustomerCard | None:
    row = cur.execute(_CARD_SQL, [customer_id]).fetchone()
    if row is None:
        return None
    cid, name, tier, vip, tags, notes, attrs, created_ms, merged_into = row
    return CustomerCard(
        customer_id=cid, name=name, tier=tier, vip=vip, tags=_tags.decode(tags), notes=notes,
        attributes=_attrs.decode(attrs), identities=_identities_of(cur, cid), created_ms=created_ms,
        merged_into=merged_into,
    )


def customer_card(cur: Any, customer_id: str, follow: bool = True) -> CustomerCard | None:
    """The customer's card (the survivor's when it was merged and ``follow``); None if unknown."""
    if follow:
        final = _final_id(cur, customer_id)
        if final is None:
            return None
        customer_id = final
    return _card(cur, customer_id)


def identity_owners(cur: Any, pairs: list[tuple[str, str]]) -> list[IdentityOwner]:
    """Who owns each of the (normalised) identities that exist, merges followed."""
    out: list[IdentityOwner] = []
    for kind, value in pairs:
        row = cur.execute("SELECT customer_id FROM identities WHERE kind = ? AND value = ?", [kind, value]).fetchone()
        if row is not None:
            out.append(IdentityOwner(kind, value, _final_id(cur, row[0]) or row[0]))
    return out


# --- timeline ------------------------------------------------------------------------------

# The index on interactions(customer_id) serves the equality only when it is the scan's one
# filter: with created_ms < ? pushed down beside it DuckDB 1.5 scans the whole table (100 ms at
# 2M rows instead of 4-14 ms). MATERIALIZED keeps the page filter out of the scan; a customer has
# at most a few hundred rows, sorted here. Ties on created_ms are broken by id so pages are stable, and
# the page cursor is the pair (before_ms, before_id): entries sharing before_ms are never skipped.
_TIMELINE_COLUMNS = """interaction_id, channel, state, created_ms, closed_ms, queue, agent, disposition, notes,
                       follow_up, rating, rating_comment, summary, message_count"""
_TIMELINE_SQL = f"""
    WITH c AS MATERIALIZED (SELECT {_TIMELINE_COLUMNS} FROM interactions WHERE {{key}} = ?)
    SELECT c.interaction_id, c.channel, c.state, c.created_ms, c.closed_ms, c.queue, c.agent,
           coalesce(u.display_name, ''), c.disposition, c.notes, c.follow_up, c.rating, c.rating_comment,
           c.summary, c.message_count, coalesce(q.name_en, c.queue), coalesce(q.name_zh, '')
    FROM c LEFT JOIN users u ON u.username = c.agent LEFT JOIN queues q ON q.queue = c.queue
    WHERE ? = 0 OR c.created_ms < ? OR (c.created_ms = ? AND c.interaction_id < ?)
    ORDER BY c.created_ms DESC, c.interaction_id DESC
    LIMIT ?"""
TIMELINE_SQL = _TIMELINE_SQL.format(key="customer_id")
_ENTRY_SQL = _TIMELINE_SQL.format(key="interaction_id")


def _entry(row: tuple[Any, ...]) -> TimelineEntry:
    (iid, channel, state, created, closed, queue, agent, agent_name, disposition, notes, follow_up,
     rating, rating_comment, summary, count, queue_en, queue_zh) = row
    return TimelineEntry(
        interaction_id=iid, channel=channel, state=state, created_ms=created, closed_ms=closed, queue=queue,
        queue_name_en=queue_en, queue_name_zh=queue_zh, agent=agent, agent_name=agent_name, disposition=disposition, notes=notes, follow_up=follow_up,
        rating=rating, rating_comment=rating_comment, summary=summary, message_count=count,
    )


_FORMS_SQL = """
    SELECT s.interaction_id, s.design_id, s.revision, s.ts_ms, s.actor, s.form_values, r.doc
    FROM form_submissions s LEFT JOIN design_revisions r ON r.design_id = s.design_id AND r.number = s.revision
    WHERE list_contains(?, s.interaction_id)
    ORDER BY s.ts_ms"""


def _shown(field: dict[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "是 / Yes" if value else "否 / No"
    options = {str(o.get("value")): o.get("label", {}) for o in field.get("options", []) if isinstance(o, dict)}
    if isinstance(value, list):
        return ", ".join(_label(options.get(str(v)), str(v)) for v in value)
    return _label(options.get(str(value)), str(value)) if options else str(value)


def _label(text: Any, fallback: str, locale: str = "zh-CN") -> str:
    if isinstance(text, dict):
        return str(text.get(locale) or text.get("en") or next(iter(text.values()), fallback) or fallback)
    return fallback


def _attach_forms(cur: Any, entries: list[TimelineEntry]) -> None:
    """The forms submitted for these interactions (latest per form), labelled from the revision submitted."""
    if not entries:
        return
    by_id = {e.interaction_id: e for e in entries}
    latest: dict[tuple[str, str], SubmittedForm] = {}
    for iid, design_id, revision, ts_ms, actor, values_json, doc_json in cur.execute(
            _FORMS_SQL, [list(by_id)]).fetchall():
        values = _forms_json.decode(values_json) if values_json else {}
        doc = _forms_json.decode(doc_json) if doc_json else {}
        fields = [f for f in doc.get("fields", []) if isinstance(f, dict)]
        shown: list[SubmittedField] = []
        for f in fields:
            key = f.get("key", "")
            if key not in values or values[key] in (None, "", []):
                continue
            label = f.get("label", {})
            shown.append(SubmittedField(label_en=_label(label, key, "en"), label_zh=_label(label, key),
                                        value=_shown(f, values[key])[:200]))
        latest[(iid, design_id)] = SubmittedForm(name=str(doc.get("name", design_id)), design_id=design_id,
                                                 revision=int(revision), ts_ms=int(ts_ms), by=str(actor),
                                                 fields=shown)
    for (iid, _), form in latest.items():
        by_id[iid].forms.append(form)


def timeline_args(key: str, before_ms: int, before_id: str, limit: int) -> list[object]:
    """The parameters of TIMELINE_SQL: rows strictly before (before_ms, before_id); before_ms 0: the newest."""
    return [key, before_ms, before_ms, before_ms, before_id, limit]


def _timeline(cur: Any, customer_id: str, before_ms: int, limit: int,
              before_id: str = "") -> tuple[list[TimelineEntry], bool]:
    limit = max(0, min(int(limit), 500))
    rows = cur.execute(TIMELINE_SQL, timeline_args(customer_id, before_ms, before_id, limit + 1)).fetchall()
    entries = [_entry(r) for r in rows[:limit]]
    _attach_forms(cur, entries)
    return entries, len(rows) > limit


def timeline(cur: Any, customer_id: str, before_ms: int, limit: int, before_id: str = "") -> Timeline:
    """One page of the customer's interactions on every channel, newest first (merges followed), strictly
    before (before_ms, before_id) in (created_ms, interaction_id) order."""
    final = _final_id(cur, customer_id) or customer_id
    entries, more = _timeline(cur, final, before_ms, limit, before_id)
    return Timeline(customer_id=final, entries=entries, has_more=more)


def customer_view(cur: Any, customer_id: str, timeline_limit: int) -> CustomerView | None:
    """Card and newest timeline page in one round trip (the screen-pop's one request)."""
    card = customer_card(cur, customer_id)
    if card is None:
        return None
    entries, more = _timeline(cur, card.customer_id, 0, timeline_limit)
    return CustomerView(card=card, timeline=entries, has_more=more)


def transcript(cur: Any, interaction_id: str) -> Transcript | None:
    """The interaction's entry, every message (internal notes too: agents only) by seq, its customer."""
    rows = cur.execute(_ENTRY_SQL, timeline_args(interaction_id, 0, "", 1)).fetchall()
    if not rows:
        return None
    entry = _entry(rows[0])
    _attach_forms(cur, [entry])
    cid_row = cur.execute("SELECT customer_id FROM interactions WHERE interaction_id = ?", [interaction_id]).fetchone()
    msgs = cur.execute(
        """SELECT seq, message_id, ts_ms, author_kind, author, author_name, body, private, client_msg_id,
                  attachments
           FROM messages WHERE interaction_id = ? ORDER BY seq""",
        [interaction_id],
    ).fetchall()
    messages = [
        ChatMessage(
            interaction_id=interaction_id, seq=seq, message_id=mid, ts_ms=ts, author_kind=kind, author=author,
            author_name=author_name, text=body, private=private, client_msg_id=cmid,
            attachments=_attachments.decode(att),
        )
        for seq, mid, ts, kind, author, author_name, body, private, cmid, att in msgs
    ]
    customer = customer_card(cur, cid_row[0]) if cid_row and cid_row[0] else None
    return Transcript(entry=entry, messages=messages, customer=customer)


def interactions_on_identities(cur: Any, customer_id: str, pairs: list[tuple[str, str]]) -> list[str]:
    """The customer's interactions that came on one of ``pairs`` (what a split moves)."""
    wanted = {(k, v) for k, v in pairs}
    rows = cur.execute(
        "SELECT interaction_id, identities FROM interactions WHERE customer_id = ? ORDER BY created_ms",
        [customer_id],
    ).fetchall()
    return [iid for iid, ids in rows if any((k, v) in wanted for k, v in _pairs.decode(ids))]


def customer_audit(cur: Any, customer_id: str) -> list[AuditEntry]:
    rows = cur.execute(
        """SELECT ts_ms, customer_id, action, actor, details FROM customer_audit
           WHERE customer_id = ? ORDER BY ts_ms, rowid""",
        [customer_id],
    ).fetchall()
    return [AuditEntry(ts_ms=ts, customer_id=cid, action=a, by=by, details=_details.decode(d))
            for ts, cid, a, by, d in rows]


# --- search --------------------------------------------------------------------------------


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_customers(cur: Any, q: SearchQuery) -> list[CustomerHit]:
    """Customers matching ``q``: tags, phone, e-mail, identity values, names, then past messages.

    The cheap exact kinds run first; a query that found customers by phone or e-mail stops
    there (scanning names and every message for "+8613800138000" costs ~1 s at 2M rows).
    """
    limit = max(1, min(q.limit, 200))
    found: dict[str, tuple[str, str, str]] = {}  # customer_id -> (matched, snippet, interaction_id)

    def add(rows: list[tuple[Any, ...]], matched: str) -> None:
        for row in rows:
            cid = row[0]
            if cid and cid not in found and len(found) < limit:
                found[cid] = (matched, row[1] if len(row) > 1 else "", row[2] if len(row) > 2 else "")

    live = "AND c.merged_into = ''"
    if q.tag:
        add(_by_tag(cur, q.tag, limit), "tag")
    else:
        if q.phone:
            add(cur.execute(f"""SELECT c.customer_id FROM identities i JOIN customers c USING (customer_id)
                               WHERE i.kind = 'phone' AND i.value = ? {live}""", [q.phone]).fetchall(), "phone")
        if q.digits and len(q.digits) >= 4:
            add(cur.execute(f"""SELECT c.customer_id FROM identities i JOIN customers c USING (customer_id)
                               WHERE i.kind = 'phone' AND i.value LIKE ? ESCAPE '\\' {live}
                               ORDER BY i.value LIMIT ?""",
                            ["%" + _like_escape(q.digits), limit]).fetchall(), "phone")
        if q.email:
            add(cur.execute(f"""SELECT c.customer_id FROM identities i JOIN customers c USING (customer_id)
                               WHERE i.kind = 'email' AND i.value LIKE ? ESCAPE '\\' {live}
                               ORDER BY i.value = ? DESC, i.value LIMIT ?""",
                            [_like_escape(q.email) + "%", q.email, limit]).fetchall(), "email")
        if q.text and not ((q.phone or q.digits or q.email) and found):
            add(cur.execute(f"""SELECT c.customer_id FROM identities i JOIN customers c USING (customer_id)
                               WHERE i.value = ? {live} LIMIT ?""", [q.text, limit]).fetchall(), "identity")
            pattern = "%" + _like_escape(q.text) + "%"
            add(cur.execute(f"""SELECT c.customer_id FROM customers c
                               WHERE c.name ILIKE ? ESCAPE '\\' {live}
                               ORDER BY NOT starts_with(lower(c.name), lower(?)), c.name, c.customer_id
                               LIMIT ?""", [pattern, q.text, limit]).fetchall(), "name")
            if " " not in q.text and '"' not in q.text:
                add(_by_tag(cur, q.text, limit), "tag")
            if q.fts and len(found) < limit:
                add(_by_messages(cur, q.text, limit), "message")
    cards = _cards(cur, list(found))
    return [CustomerHit(card=cards[cid], matched=m, snippet=snip, interaction_id=iid)
            for cid, (m, snip, iid) in found.items() if cid in cards]


def _cards(cur: Any, ids: list[str]) -> dict[str, CustomerCard]:
    """Many cards in two queries (one per card costs ~3 ms each: 150 ms for a page of hits)."""
    if not ids:
        return {}
    idents: dict[str, list[Identity]] = {}
    for cid, kind, value in cur.execute(
        """SELECT customer_id, kind, value FROM identities WHERE list_contains(?, customer_id)
           ORDER BY created_ms, kind, value""", [ids]
    ).fetchall():
        idents.setdefault(cid, []).append(Identity(kind=kind, value=value))
    out = {}
    for cid, name, tier, vip, tags, notes, attrs, created_ms, merged_into in cur.execute(
        _CARD_SQL.replace("customer_id = ?", "list_contains(?, customer_id)"), [ids]
    ).fetchall():
        out[cid] = CustomerCard(
            customer_id=cid, name=name, tier=tier, vip=vip, tags=_tags.decode(tags), notes=notes,
            attributes=_attrs.decode(attrs), identities=idents.get(cid, []), created_ms=created_ms,
            merged_into=merged_into,
        )
    return out


def _by_tag(cur: Any, tag: str, limit: int) -> list[tuple[Any, ...]]:
    # The ILIKE on the JSON text prunes before any JSON is parsed (most customers have no tag).
    return cur.execute(
        """SELECT customer_id FROM customers
           WHERE merged_into = '' AND tags ILIKE ? ESCAPE '\\'
             AND list_contains(list_transform(from_json(tags, '["VARCHAR"]'), t -> lower(t)), ?)
           ORDER BY name, customer_id LIMIT ?""",
        ['%"' + _like_escape(tag) + '"%', tag.lower(), limit],
    ).fetchall()


# --- full text over past messages -------------------------------------------------------------

_FTS_SCHEMA = "fts_main_messages"
_K, _B = 1.2, 0.75  # match_bm25's defaults: the precomputed weights must give its scores
_fts_lock = threading.Lock()  # one rebuild at a time in this process
_fts_loaded = False
_fts_load_lock = threading.Lock()


def _ensure_fts(cur: Any) -> None:
    global _fts_loaded
    if _fts_loaded:
        return
    from edge_server.store.fts import load_fts

    with _fts_load_lock:
        if not _fts_loaded:
            load_fts(cur)  # once per database instance: every cursor sees it
            _fts_loaded = True


class _Build(msgspec.Struct, frozen=True):
    messages: int
    hwm: int  # newest ts_ms indexed
    built_ms: int
    hw_rowid: int  # messages with a larger rowid are newer than the index


def _fts_build(cur: Any) -> _Build | None:
    """The current index's build, None when there is none (or it predates the postings tables:
    then the next rebuild replaces it)."""
    have = {r[0] for r in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND table_name IN ('sb_build', 'sb_postings')",
        [_FTS_SCHEMA]).fetchall()}
    if have != {"sb_build", "sb_postings"}:
        return None
    cols = {r[0] for r in cur.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = 'sb_build'",
        [_FTS_SCHEMA]).fetchall()}
    if "hw_rowid" not in cols:
        return None
    row = cur.execute(f"SELECT n, hwm, built_ms, hw_rowid FROM {_FTS_SCHEMA}.sb_build").fetchone()
    return _Build(int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else None


def _by_messages(cur: Any, text: str, limit: int) -> list[tuple[Any, ...]]:
    """Customers whose past non-private messages match: the FTS index, plus an ILIKE scan of what is
    newer than the index (it is static: rows added after its build are not in it)."""
    from edge_server.store.fts import cjk_bigrams

    _ensure_fts(cur)
    build = _fts_build(cur)
    rows: list[tuple[Any, ...]] = []
    if build is not None:
        rows = _bm25_top(cur, cjk_bigrams(text), limit * 4)
    # Rows are appended in commit order and the build read max(rowid) in the index's own snapshot,
    # so "rowid > hw_rowid" is exactly what the index lacks (and a range the scan prunes to).
    words = text.split() or [text]
    conds = " AND ".join("m.body ILIKE ? ESCAPE '\\'" for _ in words)
    recent = cur.execute(
        f"""SELECT i.customer_id, m.body, m.interaction_id FROM messages m
            JOIN interactions i ON i.interaction_id = m.interaction_id
            WHERE m.rowid > ? AND NOT m.private AND i.customer_id <> '' AND {conds}
            ORDER BY m.ts_ms DESC LIMIT ?""",
        [build.hw_rowid if build is not None else -1, *("%" + _like_escape(w) + "%" for w in words), limit * 4],
    ).fetchall()
    out = []
    for cid, body, iid in [*recent, *rows]:
        out.append((cid, body[:SNIPPET_CHARS], iid))
    return out


def _in(n: int) -> str:
    return "(" + ", ".join("?" * n) + ")"


def _bm25_top(cur: Any, query: str, n: int) -> list[tuple[str, str, str]]:
    """(customer_id, snippet, interaction_id) of the ``n`` best messages for ``query`` by BM25.

    The same scores as ``match_bm25`` (k=1.2, b=0.75, disjunctive), computed only over the documents
    that contain a query term: each (term, document) weight was computed at build time (sb_postings,
    sorted by term), so a query reads its terms' postings and sums. ``match_bm25`` instead evaluates
    its macro for every message (~1.5 s at 490k messages).
    """
    s = _FTS_SCHEMA
    termids = [r[0] for r in cur.execute(
        f"""SELECT termid FROM {s}.dict
            WHERE term IN (SELECT DISTINCT stem(unnest({s}.tokenize(?)), 'porter'))""", [query]).fetchall()]
    if not termids:
        return []
    if len(termids) == 1:  # postings are sorted by weight within a term: a top-N read
        top = cur.execute(f"""SELECT docid, w FROM {s}.sb_postings WHERE termid = ?
                              ORDER BY w DESC, docid LIMIT ?""", [termids[0], n * 2]).fetchall()
    else:
        top = cur.execute(f"""SELECT docid, sum(w) AS score FROM {s}.sb_postings WHERE termid IN {_in(len(termids))}
                              GROUP BY docid ORDER BY score DESC, docid LIMIT ?""", [*termids, n * 2]).fetchall()
    if not top:
        return []
    # Point look-ups by IN lists (an index scan on interactions' key), not joins: a hash join would
    # read every interaction id (2M at the bench's size) to find a few hundred.
    docs = {docid: (iid, snippet) for docid, iid, snippet in cur.execute(
        f"SELECT docid, interaction_id, snippet FROM {s}.sb_docs WHERE docid IN {_in(len(top))}",
        [d for d, _ in top]).fetchall()}
    iids = list({v[0] for v in docs.values()})
    owner = dict(cur.execute(
        f"SELECT interaction_id, customer_id FROM interactions WHERE interaction_id IN {_in(len(iids))}",
        iids).fetchall()) if iids else {}
    out: list[tuple[str, str, str]] = []
    for docid, _ in top:
        iid, snippet = docs.get(docid, ("", ""))
        cid = owner.get(iid, "")
        if cid:  # interactions without a customer (none yet) are not hits
            out.append((cid, snippet, iid))
            if len(out) == n:
                break
    return out


#: A rebuild waits at least this many times its last duration (490k messages took ~40 s on 2 cores:
#: rebuilding every 30 s would keep one core busy for good); the recent scan covers the gap.
REBUILD_INTERVAL_FACTOR = 20
_last_took_ms = 0


def fts_status(cur: Any) -> FtsStatus:
    """The current index's build, and whether a rebuild is running."""
    busy = _fts_lock.locked()
    _ensure_fts(cur)
    build = _fts_build(cur)
    if build is None:
        return FtsStatus(rebuilt=False, busy=busy)
    return FtsStatus(rebuilt=False, busy=busy, messages=build.messages, high_water_ts=build.hwm,
                     built_ms=build.built_ms, took_ms=_last_took_ms)


def start_fts_rebuild(cur: Any, min_age_ms: int, now_ms: int) -> FtsStatus:
    """Start ``rebuild_fts`` on a thread of its own (a build over millions of messages takes longer
    than a read may, and must not hold a reader thread); busy=True while it runs."""
    # Taken here, not in the thread: a status read right after this returns must see it busy.
    if not _fts_lock.acquire(blocking=False):
        return FtsStatus(rebuilt=False, busy=True)
    try:
        own = cur.cursor()  # a connection of its own for the builder thread
    except BaseException:
        _fts_lock.release()
        raise

    def build() -> None:
        try:
            _rebuild_locked(own, min_age_ms, now_ms)
        except Exception:  # logged here: nobody awaits this thread
            log.exception("full-text index rebuild failed")
        finally:
            own.close()
            _fts_lock.release()

    threading.Thread(target=build, name="sb-store-fts", daemon=True).start()
    return FtsStatus(rebuilt=False, busy=True)


def rebuild_fts(cur: Any, min_age_ms: int, now_ms: int) -> FtsStatus:
    """Rebuild the messages index if messages changed since its build and it is old enough.

    ``min_age_ms`` 0 rebuilds whenever messages changed. Runs at most once at a time (a second
    caller returns busy at once). The build and its high-water mark are one transaction, so
    searches see either the old index and mark or both new.
    """
    if not _fts_lock.acquire(blocking=False):
        return FtsStatus(rebuilt=False, busy=True)
    try:
        return _rebuild_locked(cur, min_age_ms, now_ms)
    finally:
        _fts_lock.release()


def _rebuild_locked(cur: Any, min_age_ms: int, now_ms: int) -> FtsStatus:
    global _last_took_ms
    _ensure_fts(cur)
    build = _fts_build(cur)
    count = int(cur.execute("SELECT count(*) FROM messages").fetchone()[0])
    interval = max(min_age_ms, REBUILD_INTERVAL_FACTOR * _last_took_ms) if min_age_ms else 0
    if build is not None and (build.messages == count or now_ms - build.built_ms < interval):
        return FtsStatus(rebuilt=False, messages=build.messages, high_water_ts=build.hwm, built_ms=build.built_ms)
    t0 = time.perf_counter()
    s = _FTS_SCHEMA
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute("PRAGMA create_fts_index('messages', 'message_id', 'body_indexed', overwrite = 1)")
        # match_bm25's per-(term, document) weight, precomputed: idf * tf(k+1) / (tf + k(1 - b + b len/avgdl)).
        cur.execute(
            f"""CREATE TABLE {s}.sb_postings AS
                WITH tf AS (SELECT termid, docid, count(*) AS tf FROM {s}.terms GROUP BY termid, docid),
                     st AS (SELECT num_docs, avgdl FROM {s}.stats)
                SELECT tf.termid, tf.docid,
                       log(((st.num_docs - d.df + 0.5) / (d.df + 0.5)) + 1)
                       * ((tf.tf * ({_K} + 1)) / (tf.tf + {_K} * ((1 - {_B}) + {_B} * (docs.len / st.avgdl)))) AS w
                FROM tf JOIN {s}.dict d ON d.termid = tf.termid JOIN {s}.docs docs ON docs.docid = tf.docid, st
                ORDER BY tf.termid, w DESC, tf.docid""")
        cur.execute(
            f"""CREATE TABLE {s}.sb_docs AS
                SELECT d.docid, m.interaction_id, left(m.body, {SNIPPET_CHARS}) AS snippet
                FROM {s}.docs d JOIN messages m ON m.message_id = d.name
                WHERE NOT m.private ORDER BY d.docid""")
        cur.execute(
            f"""CREATE TABLE {s}.sb_build AS
                SELECT count(*) AS n, coalesce(max(ts_ms), 0) AS hwm, CAST(? AS BIGINT) AS built_ms,
                       coalesce(max(rowid), -1) AS hw_rowid
                FROM messages""",
            [now_ms],
        )
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    took = int((time.perf_counter() - t0) * 1000)
    _last_took_ms = took
    build = _fts_build(cur)
    assert build is not None
    log.info("full-text index over %d messages rebuilt in %d ms", build.messages, took)
    return FtsStatus(rebuilt=True, messages=build.messages, high_water_ts=build.hwm, built_ms=build.built_ms,
                     took_ms=took)
