"""One ``sync_msg`` item → ``InboundMessage`` (spec §2.3)."""
from __future__ import annotations

import logging
from typing import Any

from edge_server.channels.base import InboundMessage
from edge_server.channels.wecom.webhook import CHANNEL
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.wecom")

#: The contract has no WeCom kind yet (asked of the lead: ``IdentityKind.WECOM_EXTERNAL_USERID``);
#: until then the external_userid travels as an app user id, which no other channel uses.
EXTERNAL_USER_KIND = IdentityKind.WECOM_EXTERNAL_USERID

ORIGIN_CUSTOMER, ORIGIN_SYSTEM, ORIGIN_SERVICER = 3, 4, 5
MEDIA_TYPES = ("image", "voice", "video", "file")


def to_message(account: str, item: dict[str, Any]) -> InboundMessage | None:
    """None for what the edge does not take (receptionists' own messages from the WeCom client)."""
    origin = int(item.get("origin", 0) or 0)
    msgtype = str(item.get("msgtype", ""))
    body = item.get(msgtype) if isinstance(item.get(msgtype), dict) else {}
    user = str(item.get("external_userid", "") or (body or {}).get("external_userid", ""))
    ts_ms = int(item.get("send_time", 0) or 0) * 1000
    meta: dict[str, str] = {"msgid": str(item.get("msgid", "")), "msgtype": msgtype, "origin": str(origin)}
    if origin == ORIGIN_SERVICER:
        log.info("kf %s: message %s sent from the WeCom client skipped", account, meta["msgid"])
        return None
    if not user or not meta["msgid"]:
        log.warning("kf %s: sync_msg item without msgid/external_userid skipped", account)
        return None
    who = [Identity(kind=EXTERNAL_USER_KIND, value=user)]
    if msgtype == "event" or origin == ORIGIN_SYSTEM:
        ev = body or {}
        meta |= {k: str(v) for k, v in ev.items() if isinstance(v, str | int) and k != "external_userid"}
        return InboundMessage(channel=CHANNEL, account=account, external_id=meta["msgid"], identities=who,
                              kind="event", event=str(ev.get("event_type", "")), ts_ms=ts_ms, meta=meta)
    text = ""
    match msgtype:
        case "text":
            text = str(body.get("content", ""))
            if body.get("menu_id"):
                meta["menu_id"] = str(body["menu_id"])
        case "location":
            name = str(body.get("name", "") or body.get("address", ""))
            where = f"{body.get('latitude', '')},{body.get('longitude', '')}"
            text = f"{name} ({where})" if name else where
        case "link":
            text = "\n".join(str(body.get(k, "")) for k in ("title", "desc", "url") if body.get(k))
        case _ if msgtype in MEDIA_TYPES:
            meta["media_id"] = str(body.get("media_id", ""))
        case _:
            text = f"[{msgtype}]"  # business_card, miniprogram, msgmenu...: shown, not lost
    return InboundMessage(channel=CHANNEL, account=account, external_id=meta["msgid"], identities=who, text=text,
                          ts_ms=ts_ms, meta=meta)
