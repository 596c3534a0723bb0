"""The access_token, owned by one refresher per account (spec §1.7).

Fetching a new token invalidates the previous one (after a 5-minute overlap), so two refreshers
would keep knocking each other's token out: every API call goes through ``AccessToken``, which
renews ahead of expiry and, when an API says the token is stale, refreshes once no matter how
many calls noticed it at the same time.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("sb.channels.wechat")

#: Fetches a fresh token: (token, expires_in seconds).
Fetcher = Callable[[], Awaitable[tuple[str, float]]]


class AccessToken:
    def __init__(self, fetch: Fetcher, *, renew_margin_s: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self._margin = renew_margin_s
        self._clock = clock
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()  # the single in-flight refresh
        self.fetches = 0  # how many times the platform was asked (tests, health)

    async def get(self) -> str:
        """A token valid for at least the margin (or half its life when it is short-lived)."""
        if self._fresh():
            return self._token
        async with self._lock:
            if not self._fresh():  # someone else renewed it while we waited
                await self._renew()
            return self._token

    async def refresh(self, stale: str) -> str:
        """The API rejected ``stale``: fetch a new one unless another caller already did."""
        async with self._lock:
            if self._token == stale or not self._token:
                await self._renew()
            return self._token

    def _fresh(self) -> bool:
        return bool(self._token) and self._clock() < self._expires_at

    async def _renew(self) -> None:
        self.fetches += 1
        token, expires_in = await self._fetch()
        # Renew ahead of expiry; a short-lived token (tests, early invalidation) renews at half-life.
        lead = min(self._margin, expires_in / 2)
        self._token, self._expires_at = token, self._clock() + expires_in - lead
        log.info("access_token renewed (valid %.0f s)", expires_in)
