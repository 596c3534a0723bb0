"""A minimal edge process for the kill -9 test: a BusServer with the test handler.

Usage: python -m tests.edge_server.bus.bus_edge_proc EDGE_SECRET ALLOW_DIR TOKENS_JSON ENDPOINT
Prints "READY <router address>" once bound; session tokens survive restarts in TOKENS_JSON
(the real edge keeps them in its store).
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from edge_server.bus.connection import Connection
from edge_server.bus.keys import load_keypair
from edge_server.bus.server import BusServer
from edge_server.contract.messages import Login, Message, RequestSpec
from tests.edge_server.bus.bus_helpers import BusTestHandler, fast_config, register_test_messages


class PersistentHandler(BusTestHandler):
    def __init__(self, tokens_file: Path) -> None:
        tokens = json.loads(tokens_file.read_text()) if tokens_file.exists() else {}
        super().__init__(tokens=tokens)
        self.tokens_file = tokens_file

    async def handle_request(self, conn: Connection, spec: RequestSpec, body: Message) -> Message:
        reply = await super().handle_request(conn, spec, body)
        if isinstance(body, Login):
            self.tokens_file.write_text(json.dumps(self.tokens))
        return reply


async def main(secret: Path, allow: Path, tokens: Path, endpoint: str) -> None:
    handler = PersistentHandler(tokens)
    server = BusServer(fast_config(router_endpoint=endpoint), load_keypair(secret), allow, handler)
    handler.bus = server
    async with server:
        print("READY", server.router_address, flush=True)
        await asyncio.Event().wait()  # until killed: this process exists to be killed


if __name__ == "__main__":
    register_test_messages()
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]))
