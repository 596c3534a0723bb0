"""Translate the site (users, skills, queues) into the routing engine's configuration."""
from __future__ import annotations

import msgspec

from edge_server.agents.directory import Directory
from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.messages import Role
from edge_server.routing.model import AgentConfig, QueueConfig, SiteRoutingConfig


def queue_config(queue: str, skills: dict[str, int], routing: dict[str, object]) -> QueueConfig:
    """A queue's routing settings as given in the site file (``[queues.routing]``), validated."""
    data = dict(routing)
    data["queue"] = queue
    data.setdefault("skills", dict(skills))
    try:
        return msgspec.convert(data, QueueConfig)
    except msgspec.ValidationError as e:
        raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"queue {queue!r} routing: {e}") from e


def build_config(d: Directory) -> SiteRoutingConfig:
    agents = tuple(
        AgentConfig(username=u.username, skills=dict(u.skills), languages=tuple(u.languages), team=u.team)
        for name, u in sorted(d.users.items())
        if not u.disabled and u.role in (Role.AGENT, Role.SUPERVISOR)
    )
    queues = tuple(
        queue_config(q.queue, q.skills, q.config) for _, q in sorted(d.queues.items())
    )
    return SiteRoutingConfig(agents=agents, queues=queues)
