"""One HTTP call to a provider, with transport failures sorted by what they mean for a retry."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

log = logging.getLogger("sb.channels.sms")


class TransportOutcome(Exception):
    """The request failed below HTTP. ``maybe_taken``: the provider may have acted on it."""

    def __init__(self, reason: str, *, maybe_taken: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maybe_taken = maybe_taken


async def request(session: aiohttp.ClientSession, method: str, url: str, *, timeout_s: float,
                  **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    """Returns (status, headers, body); raises TransportOutcome.

    A refused connection certainly sent nothing; a timeout or a connection dropped after the request
    went out may have been acted on (the provider's answer was lost, not necessarily the SMS).
    """
    try:
        async with session.request(method, url, timeout=aiohttp.ClientTimeout(total=timeout_s),
                                   **kwargs) as resp:
            body = await resp.read()
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, body
    except aiohttp.ClientConnectorError as e:
        raise TransportOutcome(f"cannot connect: {e}", maybe_taken=False) from e
    except (TimeoutError, asyncio.TimeoutError) as e:
        raise TransportOutcome(f"no answer within {timeout_s:g} s", maybe_taken=True) from e
    except aiohttp.ClientError as e:
        raise TransportOutcome(f"connection failed: {e}", maybe_taken=True) from e
