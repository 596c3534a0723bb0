"""The relay performs the edge's platform API calls from its own (registered) address: fixed egress.

Trust model. The edge hands the relay whole HTTP requests over the CURVE link: the relay sees what
the platform sees, i.e. the access token in each call's query and, when the token itself is fetched
through it (WeChat's /cgi-bin/token carries appid and secret in its query), the app secret. It keeps
none of it: no query strings or bodies are logged and nothing of a call is written to disk. That is
acceptable because the relay is the site's own cloud host (the same trust as the TLS terminator that
already sees every push), reachable on the link only by edges whose CURVE key is on its allow-list.
So that neither a stolen edge key nor a mistake turns it into an open proxy, the relay calls only the
origins in ``relay.egress_allow`` (scheme://host[:port]); anything else is answered "not sent".
Redirects are not followed (one could leave the allow-list).

Exactly once per ``Call.id``: a retransmission after a reconnect meets the call in flight or its
remembered answer, so a link failure never makes the platform see a request twice.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from types import TracebackType

import aiohttp
from yarl import URL

from edge_server.relay import protocol as p

log = logging.getLogger("sb.relay.egress")

#: Answers remembered for retransmissions (a reconnect resends what was unanswered, within seconds).
ANSWER_CACHE = 4096
#: Upper bound on any one call, whatever the edge asks.
MAX_TIMEOUT_S = 60.0
#: Headers that describe the relay's own hop, not the answer the adapter reads.
_HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length",
                          "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade"})


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` as the allow-list spells it (default ports left out)."""
    u = URL(url)
    if not u.is_absolute() or u.scheme not in ("http", "https") or not u.host:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return str(u.origin())


class EgressPerformer:
    """``async with EgressPerformer(allow, source_address=...)``; ``await perform(call)`` -> Answer."""

    def __init__(self, allow: Sequence[str], *, source_address: str = "") -> None:
        try:
            self._allow = frozenset(origin_of(a) for a in allow)
        except ValueError as e:
            raise ValueError(f"relay.egress_allow: {e}") from e
        self._source = source_address
        self._http: aiohttp.ClientSession | None = None
        self._calls: OrderedDict[str, asyncio.Future[p.Answer]] = OrderedDict()
        self.performed = 0  # requests actually made (tests: a retransmission must not add one)
        # Which memory of calls answers a retransmission: a restarted relay has forgotten them.
        self.instance = uuid.uuid4().hex

    @property
    def allowed(self) -> frozenset[str]:
        return self._allow

    async def __aenter__(self) -> EgressPerformer:
        # local_addr: on a host with several addresses, leave from the one registered with the platforms.
        connector = aiohttp.TCPConnector(local_addr=(self._source, 0) if self._source else None)
        self._http = aiohttp.ClientSession(connector=connector, auto_decompress=True)
        log.info("relay egress for %s%s", ", ".join(sorted(self._allow)),
                 f" from {self._source}" if self._source else "")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        for fut in self._calls.values():
            if not fut.done():
                fut.cancel()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def perform(self, call: p.Call) -> p.Answer:
        earlier = self._calls.get(call.id)
        if earlier is None:
            fut: asyncio.Future[p.Answer] = asyncio.get_running_loop().create_task(self._perform(call))
            self._calls[call.id] = fut
            while len(self._calls) > ANSWER_CACHE:
                oldest_id, oldest = next(iter(self._calls.items()))
                if not oldest.done():  # never forget a call in flight: its retransmission would repeat it
                    break
                del self._calls[oldest_id]
            earlier = fut
        else:
            log.debug("egress call %s retransmitted; answering once", call.id)
        # shield: a link that drops while we wait must not cancel the request itself.
        return await asyncio.shield(earlier)

    async def _perform(self, call: p.Call) -> p.Answer:
        def answer(outcome: str, error: str = "", status: int = 0, headers: list[tuple[str, str]] | None = None,
                   body: bytes = b"") -> p.Answer:
            return p.Answer(v=p.VERSION, id=call.id, outcome=outcome, status=status, headers=headers or [],
                            body=body, error=error)

        try:
            origin = origin_of(call.url)
        except ValueError as e:
            return answer(p.NOT_SENT, str(e))
        if origin not in self._allow:
            log.warning("egress call to %s refused: not in relay.egress_allow", origin)
            return answer(p.NOT_SENT, f"the relay does not call {origin} (not in relay.egress_allow)")
        assert self._http is not None
        timeout = aiohttp.ClientTimeout(total=min(max(0.1, call.timeout_s), MAX_TIMEOUT_S),
                                        connect=min(5.0, call.timeout_s))
        path = URL(call.url).path  # no query in logs: it carries tokens
        try:
            self.performed += 1
            async with self._http.request(call.method, call.url, headers=call.headers, data=call.body or None,
                                          timeout=timeout, allow_redirects=False) as resp:
                body = await resp.read()
                headers = [(str(k), str(v)) for k, v in resp.headers.items() if k.lower() not in _HOP_HEADERS]
                log.debug("egress %s %s%s -> %d", call.method, origin, path, resp.status)
                return answer(p.ANSWERED, status=resp.status, headers=headers, body=body)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as e:
            # No connection was made: the platform certainly has nothing.
            return answer(p.NOT_SENT, f"{origin}: cannot connect from the relay ({e})")
        except (TimeoutError, aiohttp.ClientError) as e:
            return answer(p.UNKNOWN, f"{origin}{path}: {type(e).__name__} after sending from the relay")
