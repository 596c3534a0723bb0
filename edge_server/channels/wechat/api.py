"""HTTP client of the WeChat-family APIs (OA and WeCom share the shape): access_token handling,
errcode translation, and whether a failed call certainly did not reach the platform.

Every call passes ``access_token`` in the query; on 40001 / 40014 / 42001 the token is refreshed
once (single in-flight refresh, see ``token.py``) and the call repeated once, as wechatpy does.
"""
from __future__ import annotations

import asyncio
import json as jsonlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from edge_server.channels.wechat.token import AccessToken

log = logging.getLogger("sb.channels.wechat")

#: The API says the token is stale / invalid / expired: refetch once and retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})


class ApiError(Exception):
    """The platform answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str, path: str) -> None:
        super().__init__(f"{path}: errcode {errcode} ({errmsg})")
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path


class TransportError(Exception):
    """No usable answer. ``not_sent``: the platform certainly did not process the request."""

    def __init__(self, message: str, *, not_sent: bool, status: int = 0) -> None:
        super().__init__(message)
        self.not_sent = not_sent
        self.status = status


class ApiClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, *, token_path: str,
                 token_query: Mapping[str, str], renew_margin_s: float = 600.0, timeout_s: float = 10.0) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._token_path = token_path
        self._token_query = dict(token_query)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(5.0, timeout_s))
        self.token = AccessToken(self._fetch_token, renew_margin_s=renew_margin_s)

    async def _fetch_token(self) -> tuple[str, float]:
        body = await self._request("GET", self._token_path, params=self._token_query)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise TransportError(f"{self._token_path}: answer without access_token", not_sent=True)
        return token, float(body.get("expires_in", 7200))

    async def call(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                   json: Any = None, form: Callable[[], aiohttp.FormData] | None = None) -> dict[str, Any]:
        """A JSON API call with the token; raises ApiError / TransportError. ``form`` builds a
        multipart body (a FormData can be sent once, and the call may be repeated after a refresh)."""
        token = await self.token.get()
        for attempt in (1, 2):
            try:
                return await self._request(method, path, params={**(params or {}), "access_token": token},
                                           json=json, data=form() if form else None)
            except ApiError as e:
                if e.errcode not in TOKEN_ERRORS or attempt == 2:
                    raise
                log.info("%s: token rejected (%d), refreshing once", path, e.errcode)
            token = await self.token.refresh(token)
        raise AssertionError("unreachable")

    async def upload(self, path: str, params: Mapping[str, str], *, field: str, filename: str,
                     data: bytes, content_type: str) -> dict[str, Any]:
        def form() -> aiohttp.FormData:
            f = aiohttp.FormData()
            f.add_field(field, data, filename=filename, content_type=content_type)
            return f
        return await self.call("POST", path, params=params, form=form)

    async def download(self, path: str, params: Mapping[str, str]) -> tuple[bytes, str, str]:
        """A binary GET (media): (data, content type, file name); a JSON answer is an error."""
        for attempt in (1, 2):
            token = await self.token.get()
            data, ctype, disp = await self._raw("GET", path, params={**params, "access_token": token})
            if not ctype.startswith(("application/json", "text/plain")):
                return data, ctype, _filename(disp)
            err = _decode(data, path)
            code = int(err.get("errcode", 0) or 0)
            if code in TOKEN_ERRORS and attempt == 1:
                await self.token.refresh(token)
                continue
            raise ApiError(code, str(err.get("errmsg", "")), path)
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, *, params: Mapping[str, str], json: Any = None,
                       data: aiohttp.FormData | None = None) -> dict[str, Any]:
        raw, _, _ = await self._raw(method, path, params=params, json=json, data=data)
        body = _decode(raw, path)
        code = int(body.get("errcode", 0) or 0)
        if code != 0:
            raise ApiError(code, str(body.get("errmsg", "")), path)
        return body

    async def _raw(self, method: str, path: str, *, params: Mapping[str, str], json: Any = None,
                   data: aiohttp.FormData | None = None) -> tuple[bytes, str, str]:
        url = self._base + path
        try:
            async with self._session.request(method, url, params=params, json=json, data=data,
                                             timeout=self._timeout) as resp:
                body = await resp.read()
                if resp.status == 503 or 400 <= resp.status < 500:
                    # Refused at the door (overloaded / bad request): nothing was processed.
                    raise TransportError(f"{path}: HTTP {resp.status}", not_sent=True, status=resp.status)
                if resp.status != 200:
                    # A 500/502/504 may come after the backend acted: the outcome is unknown.
                    raise TransportError(f"{path}: HTTP {resp.status}", not_sent=False, status=resp.status)
                return body, resp.content_type, resp.headers.get("Content-Disposition", "")
        except aiohttp.ClientConnectorError as e:  # refused, unreachable, DNS, TLS handshake
            raise TransportError(f"{path}: cannot connect ({e})", not_sent=True) from e
        except aiohttp.ConnectionTimeoutError as e:
            raise TransportError(f"{path}: connect timed out", not_sent=True) from e
        except (TimeoutError, asyncio.TimeoutError) as e:
            raise TransportError(f"{path}: no answer in time", not_sent=False) from e
        except aiohttp.ClientError as e:  # disconnected after sending: unknown outcome
            raise TransportError(f"{path}: {type(e).__name__}: {e}", not_sent=False) from e


def _decode(raw: bytes, path: str) -> dict[str, Any]:
    try:
        body = jsonlib.loads(raw)
    except ValueError as e:
        raise TransportError(f"{path}: answer is not JSON", not_sent=False) from e
    if not isinstance(body, dict):
        raise TransportError(f"{path}: answer is not a JSON object", not_sent=False)
    return body


def _filename(disposition: str) -> str:
    # Content-Disposition: attachment; filename="MEDIA_ID.jpg"
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip().strip('"')
    return ""
