"""Per-channel capacity and cross-channel blocking: may this agent take one more task on a channel?

Load counts every task that holds a slot: offered (reserved), active and in
wrap-up. ``blocks[b]`` lists the channels on which nothing new may be offered
while the agent holds any ``b`` task (e.g. voice blocks new chats).
"""
from __future__ import annotations

from collections.abc import Mapping

Blocks = dict[str, frozenset[str]]


def compile_blocks(blocks: Mapping[str, tuple[str, ...]]) -> Blocks:
    return {channel: frozenset(blocked) for channel, blocked in blocks.items() if blocked}


def effective_capacity(own: Mapping[str, int], default: Mapping[str, int]) -> dict[str, int]:
    """The agent's own capacity map, or the site default when it has none."""
    return dict(own) if own else dict(default)


def can_take(load: Mapping[str, int], capacity: Mapping[str, int], blocks: Blocks, channel: str) -> bool:
    if load.get(channel, 0) >= capacity.get(channel, 0):
        return False
    for held, n in load.items():
        if n > 0 and held in blocks and channel in blocks[held]:
            return False
    return True


def occupancy(load: Mapping[str, int], capacity: Mapping[str, int]) -> float:
    """Share of the agent's total capacity in use (0.0 .. 1.0)."""
    total = sum(capacity.values())
    if total <= 0:
        return 1.0
    return sum(load.values()) / total
