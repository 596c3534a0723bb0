"""Weibo's push endpoint as a pure WebhookHandler: URL check (GET) and message pushes (POST) [S21a][S21c]."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from edge_server.channels.base import DeliveryUpdate, InboundMessage, WebhookRequest, WebhookResponse
from edge_server.channels.weibo import sign
from edge_server.channels.weibo.parse import parse_push
from edge_server.channels.weibo.window import ReplyWindow

log = logging.getLogger("sb.channels.weibo")

_OPENING_EVENTS = {"follow", "subscribe", "scan", "click", "scan_follow"}


class WeiboHook:
    channel = "weibo"

    def __init__(self, account: str, app_secret: str, window: ReplyWindow | None = None) -> None:
        self.account = account
        self.path = f"/hooks/weibo/{account}"
        self._secret = app_secret
        self._window = window

    def handle(self, req: WebhookRequest) -> tuple[WebhookResponse, Sequence[InboundMessage | DeliveryUpdate]]:
        if not sign.verify(self._secret, req.query):
            log.warning("weibo %s: bad signature from %s", self.account, req.remote)
            return WebhookResponse(status=403, body=b"forbidden"), []
        if req.method.upper() == "GET":
            return WebhookResponse(body=req.query.get("echostr", "").encode()), []
        if req.method.upper() != "POST":
            return WebhookResponse(status=405, body=b"method not allowed"), []
        try:
            msg = parse_push(self.account, req.body)
        except (ValueError, UnicodeDecodeError) as e:
            log.warning("weibo %s: unreadable push: %s", self.account, e)
            return WebhookResponse(status=400, body=b"bad request"), []
        # An empty 200 answer tells Weibo not to retry; replies go through the reply API [S21c].
        if msg is None:
            return WebhookResponse(), []
        if self._window is not None:
            uid = msg.identities[0].value
            ts = (msg.ts_ms / 1000) if msg.ts_ms else 0.0
            if msg.kind == "message" or msg.event in _OPENING_EVENTS:
                self._window.opened(uid, ts)
            elif msg.event == "unfollow":
                self._window.unfollowed(uid)
        return WebhookResponse(), [msg]
