"""What the app layer implements to receive the bus's requests and session events."""
from __future__ import annotations

from typing import Protocol

from edge_server.bus.connection import Connection
from edge_server.contract.messages import Message, RequestSpec


class RequestHandler(Protocol):
    async def handle_request(self, conn: Connection, spec: RequestSpec, body: Message) -> Message:
        """Answer one request with a body of type ``spec.reply``.

        Raise SwitchboardError for a typed error; any other exception becomes an
        INTERNAL reply and is logged with its traceback. The bus has already
        checked that ``spec.role`` requests come from a connection with a session;
        whether the session's role allows ``spec.role`` is for the handler to check.
        """
        ...

    async def session_silent(self, session_id: str) -> None:
        """Called once when the connection of a session went silent (no frame for silence_ms)."""
        ...


class DetachAware(Protocol):
    """Optional extra of a RequestHandler, looked up with getattr."""

    async def session_detached(self, session_id: str) -> None:
        """Another desktop (other key or client id) took this session over by resume or login.

        Not called when the same desktop merely reconnects.
        """
        ...
