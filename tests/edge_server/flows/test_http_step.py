"""The HTTP request node against a real aiohttp server on 127.0.0.1: ok, 404, timeout, bad JSON, huge body,
escaping of URL and body values, and the node inside a running flow."""
from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from edge_server.contract.designs import FlowOutcome, Variable
from edge_server.flows.http_step import MAX_BODY_BYTES, build_request, lookup, render_body, render_url, run_http
from edge_server.flows.io import HttpReply, HttpRequest
from tests.edge_server.flows.test_runtime_support import FakeServices, flow, node, path, run

pytestmark = pytest.mark.asyncio


@dataclass
class Server:
    base: str
    seen: list[dict[str, Any]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server(base="")

    async def record(request: web.Request) -> None:
        srv.seen.append({"method": request.method, "path": request.path, "query": dict(request.query),
                         "body": await request.text(), "type": request.headers.get("Content-Type", "")})

    async def ok(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response({"data": {"tier": "gold", "score": 42, "vip": True},
                                  "items": [{"id": "A1"}, {"id": "B2"}], "echo": dict(request.query)})

    async def echo(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response({"got": json.loads(await request.text())})

    async def missing(request: web.Request) -> web.Response:
        await record(request)
        return web.json_response({"error": "no such order"}, status=404)

    async def slow(request: web.Request) -> web.Response:
        await record(request)
        # Held until the test ends (or 5 s): the client must give up first, on its own timeout.
        try:
            await asyncio.wait_for(srv.release.wait(), 5)
        except TimeoutError:
            pass
        return web.json_response({})

    async def bad_json(request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", content_type="text/html")

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=b"[" + b"1," * (MAX_BODY_BYTES // 2) + b"1]", content_type="application/json")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application()
    app.add_routes([web.get("/ok", ok), web.post("/echo", echo), web.put("/echo", echo), web.get("/missing", missing),
                    web.get("/slow", slow), web.get("/bad", bad_json), web.get("/huge", huge),
                    web.get("/empty", empty)])
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    srv.base = f"http://127.0.0.1:{port}"
    yield srv
    srv.release.set()
    await runner.cleanup()


@pytest_asyncio.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


async def test_ok_maps_json_paths_into_values(server: Server, session: aiohttp.ClientSession) -> None:
    config = {"url": server.base + "/ok?phone={contact.from}", "timeout_ms": 2000,
              "assign": [{"variable": "tier", "path": "data.tier"}, {"variable": "first", "path": "items.0.id"},
                         {"variable": "last", "path": "items.-1.id"}, {"variable": "gone", "path": "data.nope"}]}
    out = await run_http("h1", config, {"contact.from": "+86 138"}, session)
    assert out.ok and out.status == 200 and out.error == ""
    assert out.assigned == {"tier": "gold", "first": "A1", "last": "B2"}
    assert out.missing == ["data.nope"]
    assert server.seen[0]["query"] == {"phone": "+86 138"}


async def test_values_are_url_encoded_and_cannot_add_parameters(server: Server,
                                                                session: aiohttp.ClientSession) -> None:
    nasty = "a b&admin=1/é?#"
    out = await run_http("h1", {"url": server.base + "/ok?q={v}&n={n}"}, {"v": nasty, "n": 3}, session)
    assert out.ok
    assert server.seen[0]["query"] == {"q": nasty, "n": "3"}


async def test_body_values_are_json_escaped(server: Server, session: aiohttp.ClientSession) -> None:
    nasty = 'he said "hi"\n\\ {"x": 1} 你好'
    config = {"method": "POST", "url": server.base + "/echo",
              "body": '{"text": "{v}", "count": {n}, "nested": {"ok": true}}',
              "assign": [{"variable": "back", "path": "got.text"}, {"variable": "count", "path": "got.count"}]}
    out = await run_http("h1", config, {"v": nasty, "n": 5}, session)
    assert out.ok and out.assigned == {"back": nasty, "count": 5}
    assert server.seen[0]["type"] == "application/json" and server.seen[0]["method"] == "POST"
    assert json.loads(server.seen[0]["body"]) == {"text": nasty, "count": 5, "nested": {"ok": True}}


async def test_404_is_an_error_with_its_status(server: Server, session: aiohttp.ClientSession) -> None:
    out = await run_http("h1", {"url": server.base + "/missing"}, {}, session)
    assert not out.ok and out.status == 404 and out.error == "HTTP status 404"


async def test_timeout_is_an_error_and_does_not_wait_for_the_server(server: Server,
                                                                    session: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    out = await run_http("h1", {"url": server.base + "/slow", "timeout_ms": 200}, {}, session)
    elapsed = loop.time() - t0
    assert not out.ok and out.status == 0 and "timed out after 0.2 s" in out.error
    assert elapsed < 2
    assert server.seen  # it did reach the server


async def test_bad_json_is_an_error_only_when_values_are_mapped(server: Server,
                                                                session: aiohttp.ClientSession) -> None:
    mapped = await run_http("h1", {"url": server.base + "/bad", "assign": [{"variable": "x", "path": "a"}]}, {},
                            session)
    assert not mapped.ok and mapped.status == 200 and "not JSON" in mapped.error
    unmapped = await run_http("h1", {"url": server.base + "/bad"}, {}, session)
    assert unmapped.ok


async def test_huge_body_is_refused(server: Server, session: aiohttp.ClientSession) -> None:
    out = await run_http("h1", {"url": server.base + "/huge", "assign": [{"variable": "x", "path": "0"}]}, {},
                         session)
    assert not out.ok and out.error == "response body larger than 1 MB"


async def test_empty_2xx_body_is_ok_with_every_path_missing(server: Server,
                                                            session: aiohttp.ClientSession) -> None:
    out = await run_http("h1", {"url": server.base + "/empty", "assign": [{"variable": "x", "path": "a"}]}, {},
                         session)
    assert out.ok and out.status == 204 and out.missing == ["a"]


async def test_connection_refused_is_an_error(session: aiohttp.ClientSession) -> None:
    with socket.socket() as s:  # a port nobody listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        out = await run_http("h1", {"url": f"http://127.0.0.1:{port}/x", "timeout_ms": 2000}, {}, session)
    assert not out.ok and out.status == 0 and out.error.startswith("request failed")


@pytest.mark.parametrize(("config", "message"), [
    ({"url": "ftp://example.com/{x}"}, "must start with http"),
    ({"url": "{x}"}, "must start with http"),
    ({"url": "http://h/", "method": "DELETE"}, "unsupported method"),
    ({"url": "http://h/", "method": "POST", "body": '{"a": {x}}'}, "not JSON"),
])
async def test_bad_configs_are_errors_without_sending(config: dict[str, Any], message: str) -> None:
    out = await run_http("h1", config, {"x": "text"}, None)
    assert not out.ok and message in out.error
    with pytest.raises(ValueError, match=message):
        build_request("h1", config, {"x": "text"})


async def test_no_client_is_an_error() -> None:
    out = await run_http("h1", {"url": "http://127.0.0.1:9/"}, {}, None)
    assert not out.ok and "no HTTP client" in out.error


async def test_a_transport_answers_instead_of_the_network() -> None:
    class Transport:
        def __init__(self) -> None:
            self.requests: list[HttpRequest] = []

        async def send(self, request: HttpRequest) -> HttpReply:
            self.requests.append(request)
            return HttpReply(status=201, body=b'{"id": 9}')

    tr = Transport()
    out = await run_http("h7", {"url": "https://crm/x?a={a}", "method": "PUT", "body": '{"a": "{a}"}',
                                "timeout_ms": 1500, "assign": [{"variable": "id", "path": "id"}]}, {"a": "1 2"}, tr)
    assert out.ok and out.assigned == {"id": 9}
    assert tr.requests == [HttpRequest(node_id="h7", method="PUT", url="https://crm/x?a=1%202", body='{"a": "1 2"}',
                                       timeout_s=1.5)]


async def test_render_helpers_and_lookup() -> None:
    scope = {"customer.attributes": {"plan": "pro plus"}, "n": 2.0, "flag": True, "none": None}
    assert render_url("http://x/{customer.attributes.plan}/{n}/{flag}/{none}", scope) == \
        "http://x/pro%20plus/2/true/"
    assert render_body("{{n}}", scope) == "{2}"  # no "{{" escape here: JSON needs its braces as written
    assert render_body('{"a": "{n}", "b": {"c": "{ flag }"}}', scope) == '{"a": "2", "b": {"c": "true"}}'
    body = {"a": [{"b": None}], "c": {"d.e": 1}}
    assert lookup(body, "a.0.b") == (True, None)
    assert lookup(body, "a.1.b") == (False, None)
    assert lookup(body, "c") == (True, {"d.e": 1})
    assert lookup(body, "a.x") == (False, None)


async def test_http_node_in_a_flow_sets_variables_and_status(server: Server,
                                                             session: aiohttp.ClientSession) -> None:
    doc = flow(node("h", "http", {"ok": "yes", "error": "no"}, url=server.base + "/ok?id={contact.from}",
                    assign=[{"variable": "tier", "path": "data.tier"}, {"variable": "score", "path": "data.score"},
                            {"variable": "vip", "path": "data.vip"}]),
               node("yes", "end"), node("no", "end"),
               variables=[Variable(name="tier"), Variable(name="score", type="number"),
                          Variable(name="vip", type="boolean")])
    result, sink, _ = await run(doc, services=FakeServices(http=session))
    assert path(sink) == ["start", "h", "yes"]
    assert result.variables == {"tier": "gold", "score": "42", "vip": "true"}
    assert sink.steps[1].vars_changed == {"tier": "gold", "score": "42", "vip": "true"}
    assert sink.steps[1].output == "HTTP 200"

    doc.nodes[1].config["url"] = server.base + "/missing"
    doc.nodes[2].config["text"] = {"en": "status {http.status}"}
    doc.nodes[3].config["text"] = {"en": "status {http.status}"}
    result, sink, io = await run(doc, services=FakeServices(http=session))
    assert path(sink) == ["start", "h", "no"] and io.texts == ["status 404"]
    assert result.outcome == FlowOutcome.ENDED and "HTTP status 404" in sink.steps[1].output
