"""The edge's side of fixed egress: adapters' HTTP calls performed by the relay over the link.

``RelayEgress`` keeps the calls in flight; the ``RelayLink`` binds it to each session it
establishes (and unbinds it when the session ends), so a call made while the link is down waits
for it, and a call whose session ended before its answer is sent again, with the same id, on the
next one (the relay performs each id once and repeats its answer).

``EgressSession`` is the part of ``aiohttp.ClientSession`` the adapters use (``request``, ``get``,
``post``, ``close``), so an adapter sends through the relay without a change in its code. Failures
keep their meaning for the adapter's retry rules, exactly as for a direct call:

* certainly not sent (the link stayed down past the connect timeout, the relay has no egress, the
  relay could not connect, the origin is not on its allow-list) -> ``EgressNotSent``, an
  ``aiohttp.ClientConnectorError`` (adapters treat it as "safe to retry");
* maybe sent (no answer in time after the call left, the relay's request timed out or broke after
  sending) -> ``EgressOutcomeUnknown``, an ``aiohttp.ClientConnectionError`` (adapters without
  idempotent sends do not retry it).
"""
from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace, TracebackType
from typing import Any

import aiohttp
from aiohttp.client_reqrep import ConnectionKey
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from edge_server.relay import protocol as p

log = logging.getLogger("sb.relay.egress")

#: The relay applies the call's own timeout to the platform; this much more covers the link both ways.
LINK_MARGIN_S = 2.0
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_CONNECT_S = 5.0


class EgressNotSent(aiohttp.ClientConnectorError):
    """The platform certainly did not get the request (an adapter may retry it)."""

    def __init__(self, url: URL, reason: str) -> None:
        key = ConnectionKey(url.host or "", url.port, url.scheme == "https", True, None, None, None, url.host)
        super().__init__(key, OSError(reason))
        self.reason = reason

    def __str__(self) -> str:
        return f"not sent through the relay: {self.reason}"


class EgressOutcomeUnknown(aiohttp.ClientConnectionError):
    """The request may have reached the platform; its answer did not reach the edge."""


@dataclass(slots=True)
class _Pending:
    call: p.Call
    answer: asyncio.Future[p.Answer]
    sent: bool = False  # handed to a live connection at least once (the relay may have performed it)
    sent_to: str = ""  # the relay's egress_id it was sent to


class RelayEgress:
    """Calls in flight; ``bind``/``unbind`` by the link, ``call`` by ``EgressSession``."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}
        self._send: Callable[[p.Call], bool] | None = None
        self.supported = False  # the relay of the current session performs calls
        self._instance = ""
        self.resent = 0  # retransmissions after a reconnect (tests, logs)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def bind(self, send: Callable[[p.Call], bool], *, supported: bool, instance: str = "") -> None:
        """A session is up: send what waits (again, for calls whose session ended unanswered)."""
        self._send, self.supported, self._instance = send, supported, instance
        for pending in list(self._pending.values()):
            if pending.sent and pending.sent_to != instance:
                # The relay that may have performed it has restarted and forgotten it: resending
                # could make the platform see it twice, so the adapter hears "unknown".
                self._settle(p.Answer(v=p.VERSION, id=pending.call.id, outcome=p.UNKNOWN,
                                      error="the relay restarted while the call was in flight"))
            elif not supported:
                self._settle(p.Answer(v=p.VERSION, id=pending.call.id, outcome=p.NOT_SENT,
                                      error="the relay performs no calls for edges (relay.egress_allow is empty)"))
            else:
                self._transmit(pending)

    def unbind(self) -> None:
        self._send, self.supported = None, False

    def _transmit(self, pending: _Pending) -> None:
        assert self._send is not None
        if self._send(pending.call):
            self.resent += pending.sent
            pending.sent, pending.sent_to = True, self._instance

    def on_answer(self, answer: p.Answer) -> None:
        self._settle(answer)

    def _settle(self, answer: p.Answer) -> None:
        pending = self._pending.pop(answer.id, None)
        if pending is not None and not pending.answer.done():
            pending.answer.set_result(answer)

    async def call(self, call: p.Call, *, connect_timeout_s: float = DEFAULT_CONNECT_S) -> p.Answer:
        """The relay's answer, or a NOT_SENT / UNKNOWN answer made here when the link failed the call."""
        loop = asyncio.get_running_loop()
        pending = _Pending(call, loop.create_future())
        self._pending[call.id] = pending
        now = loop.time()
        connect_deadline = now + min(connect_timeout_s, call.timeout_s)
        deadline = now + call.timeout_s + LINK_MARGIN_S
        try:
            if self._send is not None:
                if not self.supported:
                    return p.Answer(v=p.VERSION, id=call.id, outcome=p.NOT_SENT,
                                    error="the relay performs no calls for edges (relay.egress_allow is empty)")
                self._transmit(pending)
            while True:
                limit = deadline if pending.sent else connect_deadline
                remaining = limit - loop.time()
                if remaining <= 0:
                    if pending.sent:
                        return p.Answer(v=p.VERSION, id=call.id, outcome=p.UNKNOWN,
                                        error=f"no answer through the relay within {call.timeout_s:.0f} s")
                    return p.Answer(v=p.VERSION, id=call.id, outcome=p.NOT_SENT,
                                    error="the relay link is down")
                try:
                    return await asyncio.wait_for(asyncio.shield(pending.answer), remaining)
                except TimeoutError:
                    continue  # `sent` may have changed meanwhile (a session came up)
        finally:
            self._pending.pop(call.id, None)


class EgressResponse:
    """What adapters read of an ``aiohttp.ClientResponse``."""

    def __init__(self, method: str, url: URL, answer: p.Answer) -> None:
        self.method = method
        self.url = url
        self.status = answer.status
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict(answer.headers))
        self._body = answer.body
        ctype = self.headers.get("Content-Type", "application/octet-stream")
        self.content_type = ctype.split(";", 1)[0].strip().lower()
        self.charset = next((part.split("=", 1)[1].strip().strip('"') for part in ctype.split(";")[1:]
                             if part.strip().lower().startswith("charset=")), None)
        self.ok = self.status < 400
        self.reason = ""
        self.request_info = SimpleNamespace(url=url, method=method, real_url=url, headers=CIMultiDict())

    async def read(self) -> bytes:
        return self._body

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        return self._body.decode(encoding or self.charset or "utf-8", errors)

    async def json(self, *, loads: Callable[[str], Any] = jsonlib.loads, **_: Any) -> Any:
        return loads(await self.text())

    def raise_for_status(self) -> None:
        if not self.ok:
            raise aiohttp.ClientResponseError(self.request_info, (), status=self.status,  # type: ignore[arg-type]
                                              message=self.reason, headers=self.headers)

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass

    async def __aenter__(self) -> EgressResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass


class _RequestContext:
    """``async with session.request(...) as resp`` and ``resp = await session.request(...)``, as aiohttp."""

    def __init__(self, coro: Any) -> None:
        self._coro = coro
        self._resp: EgressResponse | None = None

    def __await__(self):  # noqa: ANN204 - generator protocol
        return self._coro.__await__()

    async def __aenter__(self) -> EgressResponse:
        self._resp = await self._coro
        return self._resp

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        pass


class EgressSession:
    """An ``aiohttp.ClientSession`` look-alike whose requests the relay performs."""

    def __init__(self, egress: RelayEgress, *, headers: Mapping[str, str] | None = None) -> None:
        self._egress = egress
        self._headers = dict(headers or {})
        self.closed = False
        self.calls = 0

    def request(self, method: str, url: str | URL, *, params: Mapping[str, str] | None = None,
                data: Any = None, json: Any = None, headers: Mapping[str, str] | None = None,
                timeout: aiohttp.ClientTimeout | None = None, **_: Any) -> _RequestContext:
        return _RequestContext(self._request(method, url, params=params, data=data, json=json, headers=headers,
                                             timeout=timeout))

    def get(self, url: str | URL, **kw: Any) -> _RequestContext:
        return self.request("GET", url, **kw)

    def post(self, url: str | URL, **kw: Any) -> _RequestContext:
        return self.request("POST", url, **kw)

    async def close(self) -> None:
        self.closed = True

    async def __aenter__(self) -> EgressSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _request(self, method: str, url: str | URL, *, params: Mapping[str, str] | None, data: Any,
                       json: Any, headers: Mapping[str, str] | None,
                       timeout: aiohttp.ClientTimeout | None) -> EgressResponse:
        if self.closed:
            raise RuntimeError("EgressSession is closed")
        target = URL(url)
        if params:
            target = target.extend_query(params)
        hdrs = CIMultiDict(self._headers)
        hdrs.update(headers or {})
        body = await _body(data, json, hdrs)
        total = (timeout.total if timeout is not None and timeout.total else None) or DEFAULT_TIMEOUT_S
        connect = (timeout.connect if timeout is not None and timeout.connect else None) or DEFAULT_CONNECT_S
        call = p.Call(v=p.VERSION, id=uuid.uuid4().hex, method=method.upper(), url=str(target),
                      headers=[(str(k), str(v)) for k, v in hdrs.items()], body=body, timeout_s=total)
        self.calls += 1
        answer = await self._egress.call(call, connect_timeout_s=connect)
        if answer.outcome == p.NOT_SENT:
            raise EgressNotSent(target, answer.error or "not sent")
        if answer.outcome != p.ANSWERED:
            raise EgressOutcomeUnknown(f"{target.path}: {answer.error or 'no answer'} (it may have been sent)")
        return EgressResponse(method.upper(), target, answer)


async def _body(data: Any, json: Any, headers: CIMultiDict[str]) -> bytes:
    """The request body as aiohttp would send it (JSON, form, multipart, bytes), and its Content-Type."""
    if json is not None:
        headers.setdefault("Content-Type", "application/json")
        return jsonlib.dumps(json).encode()
    if data is None:
        return b""
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if isinstance(data, str):
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return data.encode()
    form = data if isinstance(data, aiohttp.FormData) else aiohttp.FormData(data)
    payload = form()
    headers.setdefault("Content-Type", payload.content_type if not payload.headers.get("Content-Type")
                       else payload.headers["Content-Type"])
    return await payload.as_bytes()


async def attach(adapter: object, session: EgressSession) -> bool:
    """Make a started adapter send through ``session``; False if it has no HTTP session to replace.

    An adapter may offer ``use_http_session(session)`` (the intended hook). Until the adapters do,
    the aiohttp session they keep in ``_session`` is replaced wherever the adapter (or an object it
    holds directly, such as the WeChat/WeCom ``ApiClient``) refers to it, and closed. Adapters that
    create their session lazily (SMS, Weibo: ``_session`` is None until the first send) get ours.
    """
    hook = getattr(adapter, "use_http_session", None)
    if callable(hook):
        hook(session)
        return True
    if not hasattr(adapter, "_session"):
        return False
    original = getattr(adapter, "_session")
    if original is None:
        setattr(adapter, "_session", session)
        return True
    if not isinstance(original, aiohttp.ClientSession):
        return False
    swapped = 0
    for holder in [adapter, *vars(adapter).values()]:
        attrs = getattr(holder, "__dict__", None)
        if not isinstance(attrs, dict):
            continue
        for name, value in list(attrs.items()):
            if value is original:
                setattr(holder, name, session)
                swapped += 1
    await original.close()
    log.info("%s/%s sends through the relay (%d references)", getattr(adapter, "channel", "?"),
             getattr(adapter, "account", "?"), swapped)
    return swapped > 0
