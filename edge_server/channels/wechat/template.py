"""Template-message fallback: an agent's text reply outside the customer-service window (spec §1.11).

When WeChat answers 45015 (the 48-hour window is closed) — or our own record of the window says so —
and the account has ``template_fallback``, the reply goes out through ``/cgi-bin/message/template/send``
with the text in one keyword field, cut to that field's limit. WeChat answers with a ``msgid``; the
result comes later as a ``TEMPLATESENDJOBFINISH`` push with the same ``MsgID`` (inbound.py turns it
into a DeliveryUpdate). Both sides use ``template_provider_id`` so the receipt finds the message, and
the stored provider id itself marks the message as delivered by template.
"""
from __future__ import annotations

from typing import Any

from edge_server.channels.base import SendError
from edge_server.channels.wechat.api import ApiClient, ApiError, TransportError
from edge_server.channels.wechat.settings import TemplateFallback

TEMPLATE_PATH = "/cgi-bin/message/template/send"
PROVIDER_PREFIX = "template:"
#: client_msg_id: WeChat sends one message per openid + client_msg_id within 10 minutes [S12b].
_CLIENT_MSG_ID_MAX = 64
ELLIPSIS = "…"

#: errcode → (reason for the agent, permanent). An errcode means WeChat did not take the message.
_TEMPLATE_REFUSALS: dict[int, tuple[str, bool]] = {
    40037: ("The reply window is closed and the fallback template is not known to WeChat (40037): check "
            "template_fallback.template_id in [[channels.wechat]]", True),
    40003: ("WeChat does not know this customer (invalid openid, 40003)", True),
    43004: ("The customer no longer follows the account: neither a reply nor a template message can reach "
            "them (43004)", True),
    48002: ("The customer has refused messages from this account (48002)", True),
    48001: ("This account may not send template messages (48001): templates need a certified service "
            "account", True),
    47001: ("WeChat refused the template message's data (47001): check template_fallback.field", True),
}


def template_provider_id(msgid: object) -> str:
    """The provider id of a template message: the same for the send's answer and the finish event."""
    return f"{PROVIDER_PREFIX}{msgid}"


def cut(text: str, limit: int) -> str:
    """The text within the template field's limit; a cut text ends with "…" so the customer sees it is cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))] + ELLIPSIS


def payload(tf: TemplateFallback, openid: str, text: str, idempotency_key: str) -> dict[str, Any]:
    body: dict[str, Any] = {"touser": openid, "template_id": tf.template_id,
                            "client_msg_id": idempotency_key[:_CLIENT_MSG_ID_MAX],
                            "data": {tf.field: {"value": cut(text, tf.max_chars)}}}
    if tf.url:
        body["url"] = tf.url
    return body


def template_error(e: ApiError | TransportError) -> SendError:
    """A failed template send in the agent's words, prefixed so it is clear the fallback was tried."""
    why = "The reply window was closed, so the reply went as a template message, which failed: "
    if isinstance(e, TransportError):
        if e.not_sent:
            return SendError(f"{why}WeChat could not be reached: {e}", not_sent=True)
        return SendError(f"{why}WeChat did not answer; the message may or may not have arrived: {e}",
                         not_sent=False)
    if e.errcode in _TEMPLATE_REFUSALS:
        reason, permanent = _TEMPLATE_REFUSALS[e.errcode]
        return SendError(reason, not_sent=True, permanent=permanent)
    if e.errcode == -1:
        return SendError(f"{why}WeChat is busy (-1)", not_sent=True, retry_after_s=5.0)
    if e.errcode in (45009, 45011):
        return SendError(f"{why}WeChat API quota reached ({e.errcode})", not_sent=True, retry_after_s=60.0)
    return SendError(f"{why}{e.errmsg} ({e.errcode})", not_sent=True, permanent=True)


async def send_template(api: ApiClient, tf: TemplateFallback, openid: str, text: str,
                        idempotency_key: str) -> str:
    """Send one template message; the provider id (``template:<msgid>``). Raises SendError."""
    try:
        body = await api.call("POST", TEMPLATE_PATH, json=payload(tf, openid, text, idempotency_key))
    except (ApiError, TransportError) as e:
        raise template_error(e) from e
    msgid = body.get("msgid")
    if msgid in (None, ""):
        # Accepted without an id: the receipt cannot be matched, but the message is sent.
        return ""
    return template_provider_id(msgid)
