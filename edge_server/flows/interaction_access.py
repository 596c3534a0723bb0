"""Who may see or write the flow traces and forms of an interaction.

The same rule as the agents' interaction requests (interactions/agent_routes.py):
supervisors always; on a live interaction its participants, and for reading an
agent with an offer ringing or an invitation pending (the screen-pop before
accepting); on a closed one anyone who ever took part (late wrap-up forms,
looking back at what the bot did).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.interactions import reads
from edge_server.interactions.live import Live
from edge_server.store import StoreError

if TYPE_CHECKING:
    from edge_server.interactions.service import InteractionService


def _forbidden(iid: str) -> SwitchboardError:
    return SwitchboardError(ErrorCode.FORBIDDEN, "you are not a participant of this interaction", interaction_id=iid)


async def check_access(svc: InteractionService, iid: str, user: str, *, write: bool) -> Live | None:
    """The live interaction (None: it is closed but exists) if ``user`` may read (or write) it.

    FORBIDDEN or NOT_FOUND otherwise.
    """
    live = svc.live(iid)
    try:
        if svc.is_supervisor(user):
            if live is None and await svc.store.read(reads.interaction_row, iid) is None:
                raise SwitchboardError(ErrorCode.NOT_FOUND, f"no interaction {iid!r}", interaction_id=iid)
            return live
        if live is not None:
            if live.participant(user) is not None:
                return live
            if not write and (user in live.offered_to or user in live.invites):
                return live
            raise _forbidden(iid)
        ever = await svc.store.read(reads.participants_ever, iid)
    except StoreError as e:
        raise SwitchboardError(ErrorCode.UNAVAILABLE, f"the interaction cannot be read: {e}") from e
    if user not in ever:
        # Same answer for "no such interaction" and "not yours": an agent learns nothing by guessing ids.
        raise _forbidden(iid)
    return None
