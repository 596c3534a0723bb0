"""The desktop's calls for screen-pop forms: the queue's live form for an interaction, and submitting it.

Follows desktop/interactions_hub.py: a refused or timed-out call returns None after
the session emitted ``command_failed`` with a human message (the caller shows it).
"""
from __future__ import annotations

import logging
from typing import Any, TypeVar

from desktop.session import EdgeSession
from edge_server.contract.designs import FormSubmission, GetScreenForm, ScreenForm, SubmitForm
from edge_server.contract.errors import SwitchboardError
from edge_server.contract.messages import Message

log = logging.getLogger("sb.ui")

R = TypeVar("R", bound=Message)


class FormRefused(Exception):
    """The edge did not store the submission: ``errors`` maps field keys to localised messages."""

    def __init__(self, message: str, errors: dict[str, list[dict[str, str]]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class ScreenFormClient:
    def __init__(self, session: EdgeSession) -> None:
        self._session = session

    @property
    def session(self) -> EdgeSession:
        return self._session

    async def get(self, interaction_id: str) -> ScreenForm | None:
        """The form bound to the interaction's queue (``form`` None: none), prefilled; None if refused."""
        return await self._ask("get_screen_form", GetScreenForm(interaction_id=interaction_id), ScreenForm)

    async def submit(
        self, interaction_id: str, design_id: str, revision: int, values: dict[str, Any],
    ) -> FormSubmission | None:
        """Submit a new set of values (every submit is a new submission); FormRefused carries the edge's
        reason and its per-field errors (the edge re-checks with the same rules)."""
        body = SubmitForm(interaction_id=interaction_id, design_id=design_id, revision=revision, values=values)
        try:
            reply = await self._session.request(body)
        except SwitchboardError as e:
            errors = e.details.get("errors") if isinstance(e.details, dict) else None
            raise FormRefused(e.message, errors if isinstance(errors, dict) else {}) from e
        if not isinstance(reply, FormSubmission):
            log.error("submit_form answered %s", type(reply).__name__)
            return None
        return reply

    async def _ask(self, command: str, body: Message, reply_type: type[R]) -> R | None:
        reply = await self._session.call(command, body)
        if isinstance(reply, reply_type):
            return reply
        if reply is not None:
            log.error("%s answered %s, expected %s", command, type(reply).__name__, reply_type.__name__)
        return None
