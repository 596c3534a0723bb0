"""The designer's edge session: the desktop's EdgeSession plus requests that raise typed errors.

EdgeSession.call turns every refusal into a ``command_failed`` signal and None, which
suits the agent desktop; the designer must tell a CONFLICT (someone else saved the
draft) from other failures, so it needs the error itself.
"""
from __future__ import annotations

from desktop.session import EdgeSession
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Message


class DesignerSession(EdgeSession):
    """An EdgeSession whose :meth:`request` raises SwitchboardError instead of signalling."""

    async def request(self, body: Message, *, timeout: float | None = None) -> Message:
        """Send a registered request; its reply, or SwitchboardError (refused, timed out, not logged in)."""
        # The base class keeps the client private; subclassing is the seam it offers.
        client = self._client
        if client is None or not self.is_logged_in:
            raise SwitchboardError(ErrorCode.NOT_LOGGED_IN, "not logged in")
        return await client.request(body, timeout=timeout)
