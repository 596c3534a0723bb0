"""The customer-service reply allowance per customer (spec §1.8; WeCom kf §2.4 has the same shape).

A customer's message opens a window (48 h, 5 replies by default); a menu click, follow or QR scan
opens a short one (1 min, 3 replies) unless a message window is still open. Kept in the inbox's
durable cursors (``window:<user>``) so a restart does not forget what was already used. The
platform stays the authority (45015 / 45047): this only lets the agent see why before trying.
"""
from __future__ import annotations

import msgspec

from edge_server.channels.base import ChannelInbox


class ReplyWindow(msgspec.Struct, kw_only=True):
    opened_ms: int  # the CreateTime of the message or event that opened it
    until_ms: int
    left: int  # -1: unlimited
    by_message: bool = True
    opened_by: str = ""  # the platform id of the message that opened it (two messages can share a second)


class WindowRules(msgspec.Struct, kw_only=True):
    platform: str  # "WeChat" | "WeCom": for the agent's reasons
    message_window_s: int
    message_quota: int  # 0: unlimited
    event_window_s: int = 0  # 0: events open no window
    event_quota: int = 0
    window_code: str = "45015"  # the platform's errcode for a closed window, shown to the agent ("": none)
    quota_code: str = "45047"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


class ReplyWindows:
    def __init__(self, rules: WindowRules) -> None:
        self.rules = rules

    @staticmethod
    def _key(user: str) -> str:
        return f"window:{user}"

    def get(self, inbox: ChannelInbox, user: str) -> ReplyWindow | None:
        raw = inbox.cursor(self._key(user))
        if not raw:
            return None
        try:
            return msgspec.json.decode(raw, type=ReplyWindow)
        except msgspec.DecodeError:
            return None  # unreadable: let the platform decide

    async def opened(self, inbox: ChannelInbox, user: str, ts_ms: int, *, by_message: bool, key: str = "") -> None:
        """The customer wrote (or clicked) at ``ts_ms``; idempotent for the same push (``key``: its platform id).

        CreateTime has one-second resolution: a second message in the same second (the customer answers a
        menu with "2" right away) is new when its ``key`` differs, and reopens the allowance."""
        r = self.rules
        cur = self.get(inbox, user)
        if cur is not None and (ts_ms < cur.opened_ms or (ts_ms == cur.opened_ms
                                                           and (not key or key == cur.opened_by))):
            return  # a retried push or an older message delivered late: nothing new
        if by_message:
            new = ReplyWindow(opened_ms=ts_ms, until_ms=ts_ms + r.message_window_s * 1000,
                              left=r.message_quota or -1, opened_by=key)
        else:
            if not r.event_window_s:
                return
            new = ReplyWindow(opened_ms=ts_ms, until_ms=ts_ms + r.event_window_s * 1000,
                              left=r.event_quota or -1, by_message=False, opened_by=key)
            if cur is not None and cur.until_ms > new.until_ms and cur.left != 0:
                return  # a click inside an open message window does not shorten it
        await inbox.set_cursor(self._key(user), msgspec.json.encode(new).decode())

    def refusal(self, inbox: ChannelInbox, user: str, now_ms: int, parts: int) -> tuple[str, int] | None:
        """(reason for the agent, errcode) when ``parts`` more messages cannot be sent; None: try."""
        w = self.get(inbox, user)
        if w is None:
            return None
        p = self.rules.platform
        wc = f" ({self.rules.window_code})" if self.rules.window_code else ""
        qc = f" ({self.rules.quota_code})" if self.rules.quota_code else ""
        wn = int(self.rules.window_code or 0)
        qn = int(self.rules.quota_code or 0)
        if now_ms > w.until_ms:
            if w.by_message:
                return (f"{p} no longer accepts replies: the customer last wrote more than "
                        f"{_duration(self.rules.message_window_s)} ago{wc}", wn)
            return (f"{p} no longer accepts replies: the customer has not written, and their last menu click, "
                    f"follow or scan was more than {_duration(self.rules.event_window_s)} ago{wc}", wn)
        if w.left == 0:
            return (f"{p} accepts no more replies until the customer writes again: the limit of replies "
                    f"per customer message is used up{qc}", qn)
        if 0 < w.left < parts:
            return (f"{p} accepts only {w.left} more message(s) until the customer writes again; this reply "
                    f"needs {parts} (text and each attachment count as one){qc}", qn)
        return None

    async def used(self, inbox: ChannelInbox, user: str, n: int = 1) -> None:
        w = self.get(inbox, user)
        if w is None or w.left < 0:
            return
        w.left = max(0, w.left - n)
        await inbox.set_cursor(self._key(user), msgspec.json.encode(w).decode())

    async def exhausted(self, inbox: ChannelInbox, user: str, *, closed: bool) -> None:
        """The platform said the window is closed (or the quota used up): the next reply fails at once."""
        w = self.get(inbox, user)
        if w is None:
            return
        if closed:
            w.until_ms = min(w.until_ms, w.opened_ms)
        w.left = 0
        await inbox.set_cursor(self._key(user), msgspec.json.encode(w).decode())

    def state(self, inbox: ChannelInbox, user: str, now_ms: int) -> tuple[int, int]:
        """(reply_until_ms, replies_left) for the composer: (0, -1) when unknown."""
        w = self.get(inbox, user)
        if w is None:
            return 0, -1
        return w.until_ms, (0 if now_ms > w.until_ms else w.left)
