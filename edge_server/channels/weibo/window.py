"""The reply window the platform grants after a customer's message (48 h / 72 h, configurable) [S21e][S21f].

Fed by this process's own webhook handler. When pushes arrive through the relay the window is unknown
here; the hub's limits (ChannelLimits.reply_window_s from the customer's last message) still close the
composer, and the platform's refusal is mapped to the same reason.
"""
from __future__ import annotations

import time


class ReplyWindow:
    def __init__(self, window_s: int, replies_per_window: int = 0) -> None:
        self.window_s = window_s
        self.replies_per_window = replies_per_window
        self._opened: dict[str, float] = {}  # uid → time (s) the customer last opened the window
        self._replies: dict[str, int] = {}
        self._closed: set[str] = set()  # unfollowed: no replies at all

    def opened(self, uid: str, ts_s: float) -> None:
        if ts_s >= self._opened.get(uid, 0.0):
            self._opened[uid] = ts_s
            self._replies[uid] = 0
        self._closed.discard(uid)

    def unfollowed(self, uid: str) -> None:
        self._closed.add(uid)

    def refusal(self, uid: str, now: float | None = None) -> str:
        """The reason a reply to ``uid`` cannot be sent now, or "" (also "" when we know nothing)."""
        if uid in self._closed:
            return "Weibo no longer accepts replies: the customer unfollowed the account"
        opened = self._opened.get(uid)
        if opened is None:
            return ""
        t = time.time() if now is None else now
        if t - opened > self.window_s:
            return (f"Weibo no longer accepts replies: the customer last wrote more than "
                    f"{self.window_s // 3600} h ago")
        if self.replies_per_window and self._replies.get(uid, 0) >= self.replies_per_window:
            return (f"Weibo allows {self.replies_per_window} replies per customer message: wait until the "
                    "customer writes again")
        return ""

    def replied(self, uid: str) -> None:
        self._replies[uid] = self._replies.get(uid, 0) + 1
