"""The HTTP request node: render the request, send it (or ask a transport), read a capped JSON answer.

URL placeholders are replaced by URL-encoded values and body placeholders by
JSON-escaped values, so a customer's answer can never change the shape of the
request. The answer body is capped at 1 MB; anything that is not a usable answer
(connection error, timeout, oversize body, a non-2xx status, a body that is not
JSON when the node maps values out of it) takes the node's ``error`` exit.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from edge_server.flows.expr import compile_expr, to_text
from edge_server.flows.io import HttpReply, HttpRequest, HttpTransport

log = logging.getLogger("sb.flows")

MAX_BODY_BYTES = 1024 * 1024
METHODS = ("GET", "POST", "PUT")


@dataclass
class HttpOutcome:
    """What the node did: the exit to take, the status (0: no answer) and the mapped values."""

    ok: bool
    status: int
    assigned: dict[str, Any] = field(default_factory=dict)  # variable -> value found at its path
    missing: list[str] = field(default_factory=list)  # paths absent from the body
    error: str = ""


# Only {dotted.name} is a placeholder here, and "{{"/"}}" stay as written (unlike expr.render_template):
# a JSON body is full of braces, and {"a": {"b": 1}} must survive rendering unchanged.
_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}")


def _render(template: str, scope: Mapping[str, Any], escape: Callable[[str], str]) -> str:
    def sub(m: re.Match[str]) -> str:
        # A bare name is an expression, so lookup (dotted names into nested dicts, unknown -> null)
        # is exactly the expression language's.
        return escape(to_text(compile_expr(m.group(1)).evaluate(scope)))

    return _PLACEHOLDER.sub(sub, template)


def render_url(template: str, scope: Mapping[str, Any]) -> str:
    """``{name}`` placeholders replaced by URL-encoded values (every reserved character escaped)."""
    return _render(template, scope, lambda t: quote(t, safe=""))


def render_body(template: str, scope: Mapping[str, Any]) -> str:
    """``{name}`` placeholders replaced by JSON-escaped values (write "{name}" inside quotes for strings)."""
    return _render(template, scope, lambda t: json.dumps(t, ensure_ascii=False)[1:-1])


def lookup(body: Any, path: str) -> tuple[bool, Any]:
    """Follow a dotted path (``data.tier``, ``items.0.id``) into decoded JSON; (found, value)."""
    cur = body
    for part in [p for p in path.strip().split(".") if p]:
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.lstrip("-").isdigit() and -len(cur) <= int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


async def send_with_aiohttp(session: Any, request: HttpRequest) -> HttpReply:
    """Send over an aiohttp session; network trouble becomes an HttpReply with ``error``, never an exception."""
    import aiohttp  # only live runs get here; the designer's simulator never imports aiohttp

    headers = {"Content-Type": "application/json"} if request.body else {}
    try:
        async with asyncio.timeout(request.timeout_s):
            async with session.request(request.method, request.url, data=request.body.encode() if request.body
                                       else None, headers=headers, allow_redirects=False) as resp:
                data = bytearray()
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > MAX_BODY_BYTES:  # stop reading: the rest is never buffered
                        return HttpReply(status=resp.status, error="response body larger than 1 MB")
                return HttpReply(status=resp.status, body=bytes(data))
    except TimeoutError:
        return HttpReply(error=f"timed out after {request.timeout_s:g} s")
    except (aiohttp.ClientError, OSError, ValueError) as e:
        # ValueError: aiohttp's answer to a malformed URL (InvalidURL subclasses it).
        return HttpReply(error=f"request failed: {type(e).__name__}: {e}")


async def send(client: Any, request: HttpRequest) -> HttpReply:
    """Dispatch to a transport (simulation mocks) or an aiohttp session (live)."""
    if client is None:
        return HttpReply(error="no HTTP client is configured on this edge")
    if hasattr(client, "send") and not hasattr(client, "request"):
        transport: HttpTransport = client
        reply = await transport.send(request)
        if len(reply.body) > MAX_BODY_BYTES:
            return HttpReply(status=reply.status, error="response body larger than 1 MB")
        return reply
    return await send_with_aiohttp(client, request)


def build_request(node_id: str, config: Mapping[str, Any], scope: Mapping[str, Any]) -> HttpRequest:
    """Render the node's request; raises ValueError when the config cannot make one."""
    method = str(config.get("method") or "GET").upper()
    if method not in METHODS:
        raise ValueError(f"unsupported method {method!r}")
    url = render_url(str(config.get("url") or ""), scope)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the URL must start with http:// or https:// (got {url[:80]!r})")
    body = render_body(str(config.get("body") or ""), scope) if config.get("body") else ""
    if body:
        try:
            json.loads(body)
        except ValueError as e:
            raise ValueError(f"the rendered body is not JSON: {e}") from e
    timeout_ms = int(config.get("timeout_ms") or 3000)
    return HttpRequest(node_id=node_id, method=method, url=url, body=body, timeout_s=max(timeout_ms, 1) / 1000)


def interpret(reply: HttpReply, assign: Sequence[Mapping[str, Any]]) -> HttpOutcome:
    """Turn the reply into the node's result: ok on 2xx (with a JSON body if values are mapped out of it)."""
    if reply.error:
        return HttpOutcome(ok=False, status=reply.status, error=reply.error)
    if not 200 <= reply.status < 300:
        return HttpOutcome(ok=False, status=reply.status, error=f"HTTP status {reply.status}")
    mappings = [(str(a.get("variable", "")), str(a.get("path", ""))) for a in assign if a.get("variable")]
    if not mappings:
        return HttpOutcome(ok=True, status=reply.status)
    try:
        body = json.loads(reply.body.decode("utf-8")) if reply.body.strip() else None
    except (UnicodeDecodeError, ValueError) as e:
        return HttpOutcome(ok=False, status=reply.status, error=f"the response is not JSON: {e}")
    out = HttpOutcome(ok=True, status=reply.status)
    for variable, path in mappings:
        found, value = lookup(body, path)
        if found:
            out.assigned[variable] = value
        else:
            out.missing.append(path)
    return out


async def run_http(node_id: str, config: Mapping[str, Any], scope: Mapping[str, Any], client: Any) -> HttpOutcome:
    """The whole node: build, send, interpret (a config that cannot make a request is an error outcome)."""
    try:
        request = build_request(node_id, config, scope)
    except ValueError as e:
        return HttpOutcome(ok=False, status=0, error=str(e))
    reply = await send(client, request)
    outcome = interpret(reply, list(config.get("assign") or []))
    # The URL is not logged: it may carry a sensitive variable's value.
    log.debug("http node %s %s -> status %s %s", node_id, request.method, outcome.status, outcome.error)
    return outcome
