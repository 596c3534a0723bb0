"""Weibo push JSON → InboundMessage [S21c]."""
from __future__ import annotations

import email.utils
import hashlib
import json
import logging
from typing import Any

from edge_server.channels.base import InboundMessage
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.weibo")


def created_at_ms(s: str) -> int:
    """'Mon Jul 16 18:09:20 +0800 2012' → unix ms (0 if malformed)."""
    parts = s.split()
    if len(parts) != 6:
        return 0
    # Reorder into RFC 2822 ("Mon, 16 Jul 2012 18:09:20 +0800") and let the stdlib parse it.
    dt = email.utils.parsedate_tz(f"{parts[0]}, {parts[2]} {parts[1]} {parts[5]} {parts[3]} {parts[4]}")
    return int(email.utils.mktime_tz(dt) * 1000) if dt else 0


def parse_push(account: str, body: bytes) -> InboundMessage | None:
    """None for types we do not know (acknowledged and ignored, as the platform asks)."""
    doc: Any = json.loads(body)
    if not isinstance(doc, dict):
        raise ValueError("push body is not a JSON object")
    kind = str(doc.get("type", ""))
    sender = str(doc.get("sender_id", ""))
    created = str(doc.get("created_at", ""))
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    if not sender or not created:
        raise ValueError("push without sender_id or created_at")
    text = str(doc.get("text", ""))
    meta = {"receiver_id": str(doc.get("receiver_id", "")), "type": kind, "created_at": created}
    msg_kind, event = "message", ""
    if kind == "text":
        pass
    elif kind == "position":
        lat, lon = data.get("latitude"), data.get("longitude")
        meta |= {"latitude": str(lat), "longitude": str(lon)}
        text = text or f"📍 {lat}, {lon}"
    elif kind in ("image", "voice"):
        # Media are referenced by file ids (vfid for the sender's copy, tovfid for ours) (unverified).
        meta |= {k: str(data[k]) for k in ("vfid", "tovfid") if k in data}
    elif kind == "event":
        msg_kind, event = "event", str(data.get("subtype", "")).lower()
        meta |= {k: str(data[k]) for k in ("key", "ticket") if k in data}
    else:
        log.info("weibo %s: ignoring push of unknown type %r", account, kind)
        return None
    # No message id: the platform's de-dup key is sender + created_at [S21c]; the content hash keeps two
    # different messages in the same second apart while a retried push (identical bytes) still matches.
    digest = hashlib.sha256(json.dumps([kind, text, data], sort_keys=True, ensure_ascii=False).encode())
    return InboundMessage(
        channel="weibo", account=account, external_id=f"{sender}:{created}:{digest.hexdigest()[:12]}",
        identities=[Identity(kind=IdentityKind.WEIBO_UID, value=sender)], text=text, kind=msg_kind,
        event=event, ts_ms=created_at_ms(created), meta=meta)
