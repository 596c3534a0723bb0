"""A decrypted WeChat push (field dict) → ``InboundMessage`` / ``DeliveryUpdate`` (spec §1.3, §1.4)."""
from __future__ import annotations

import logging

from edge_server.channels.base import Delivery, DeliveryUpdate, InboundMessage
from edge_server.channels.wechat.template import template_provider_id
from edge_server.contract.interactions import Identity, IdentityKind

log = logging.getLogger("sb.channels.wechat")

CHANNEL = "wechat"

#: MsgType → fields kept in ``meta`` (media ids are fetched by the adapter's ``enrich``).
_META_FIELDS: dict[str, tuple[str, ...]] = {
    "text": (),
    "image": ("PicUrl", "MediaId"),
    "voice": ("MediaId", "Format", "Recognition"),
    "video": ("MediaId", "ThumbMediaId"),
    "shortvideo": ("MediaId", "ThumbMediaId"),
    "location": ("Location_X", "Location_Y", "Scale", "Label"),
    "link": ("Title", "Description", "Url"),
    "miniprogrampage": ("AppId", "Title", "PagePath", "ThumbUrl", "ThumbMediaId"),
}
_EVENT_FIELDS = ("EventKey", "Ticket", "Latitude", "Longitude", "Precision", "KfAccount", "MsgID", "Status")


def dedup_key(fields: dict[str, str]) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (they have no MsgId) [S4][S5]."""
    msg_id = fields.get("MsgId", "")
    if msg_id:
        return msg_id
    return f"{fields.get('FromUserName', '')}:{fields.get('CreateTime', '')}"


def _text(msg_type: str, f: dict[str, str]) -> str:
    match msg_type:
        case "text":
            return f.get("Content", "")
        case "voice":
            return f.get("Recognition", "")  # the platform's transcript, when speech recognition is on
        case "location":
            label = f.get("Label", "")
            where = f"{f.get('Location_X', '')},{f.get('Location_Y', '')}"
            return f"{label} ({where})" if label else where
        case "link":
            return "\n".join(x for x in (f.get("Title", ""), f.get("Description", ""), f.get("Url", "")) if x)
        case "miniprogrampage":
            return f.get("Title", "")
        case _:
            return ""


def _template_failure(status: str) -> str:
    """TEMPLATESENDJOBFINISH Status [S12c]: "failed:user block" | "failed: system failed"."""
    detail = status.partition(":")[2].strip().lower()
    if detail == "user block":
        why = "the customer has blocked the account's notifications"
    elif detail == "system failed":
        why = "WeChat's system failed to deliver it"
    else:
        why = status or "no reason given"
    return f"The template message was not delivered: {why} ({status})"


def to_items(account: str, f: dict[str, str]) -> list[InboundMessage | DeliveryUpdate]:
    """What one push means; [] for what we do not handle (logged: the push is still acknowledged)."""
    msg_type = f.get("MsgType", "").lower()
    openid = f.get("FromUserName", "")
    try:
        ts_ms = int(f.get("CreateTime", "0")) * 1000
    except ValueError:
        ts_ms = 0
    if not openid:
        log.warning("push without FromUserName ignored (MsgType %r)", msg_type)
        return []
    who = [Identity(kind=IdentityKind.WECHAT_OPENID, value=openid)]
    if msg_type == "event":
        event = f.get("Event", "").lower()  # arrives as CLICK, SCAN, subscribe...: compare lower-case
        if event == "templatesendjobfinish":
            status = f.get("Status", "")
            ok = status == "success"
            # The provider id the adapter recorded for the template send (template:<msgid>).
            return [DeliveryUpdate(channel=CHANNEL, account=account,
                                   provider_id=template_provider_id(f.get("MsgID", "")),
                                   state=Delivery.DELIVERED if ok else Delivery.FAILED,
                                   error="" if ok else _template_failure(status))]
        meta = {k: f[k] for k in _EVENT_FIELDS if f.get(k)}
        meta["Event"] = f.get("Event", "")
        return [InboundMessage(channel=CHANNEL, account=account, external_id=dedup_key(f), identities=who,
                               kind="event", event=event, ts_ms=ts_ms, meta=meta)]
    if msg_type not in _META_FIELDS:
        log.warning("unsupported WeChat MsgType %r from %s acknowledged and dropped", msg_type, openid)
        return []
    meta = {k: f[k] for k in _META_FIELDS[msg_type] if f.get(k)}
    meta["MsgType"] = msg_type
    if f.get("MsgId"):
        meta["MsgId"] = f["MsgId"]
    return [InboundMessage(channel=CHANNEL, account=account, external_id=dedup_key(f), identities=who,
                           text=_text(msg_type, f), ts_ms=ts_ms, meta=meta)]
