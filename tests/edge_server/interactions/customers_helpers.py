"""Shared pieces of the customer and canned tests: a real store, a directory, a recording bus,
a stand-in for H1's interactions service (open_interactions_of / relink), and event factories.

Read functions used by the tests are module-level here: the store process imports them by name.
"""
from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio

from edge_server.agents.directory import Directory
from edge_server.contract import events as ev
from edge_server.contract import interactions as ci
from edge_server.contract.messages import Message, Role
from edge_server.interactions.customers import CustomerService
from edge_server.store import Store
from edge_server.work import projections as _work_projections  # noqa: F401 - every event kind needs a projection

_clock = itertools.count(1_700_000_000_000, 1000)
SEGMENT_BYTES = 256 * 1024


def ts() -> int:
    return next(_clock)


@dataclass
class RecordingBus:
    pushes: list[tuple[str, Message]] = field(default_factory=list)

    def push(self, session_id: str, body: Message) -> int:
        self.pushes.append((session_id, body))
        return len(self.pushes)


class StandInInteractions:
    """H1's InteractionService as far as customers use it: journals the relink, keeps live infos."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.open: dict[str, ci.InteractionInfo] = {}
        self.relinked: list[tuple[str, str, str]] = []

    def open_interactions_of(self, customer_id: str) -> list[ci.InteractionInfo]:
        return [i for i in self.open.values() if i.customer_id == customer_id]

    async def relink(self, interaction_id: str, customer_id: str, by: str) -> None:
        await self._store.append([ev.InteractionCustomerLinked(ts_ms=ts(), interaction_id=interaction_id,
                                                               customer_id=customer_id, by=by)])
        self.relinked.append((interaction_id, customer_id, by))
        info = self.open.get(interaction_id)
        if info is not None:
            self.open[interaction_id] = ci.InteractionInfo(
                interaction_id=info.interaction_id, channel=info.channel, state=info.state,
                customer_id=customer_id, participants=info.participants)


@dataclass
class World:
    store: Store
    directory: Directory
    bus: RecordingBus
    interactions: StandInInteractions
    svc: CustomerService

    async def call(self, name: str, body: Any, user: str = "alice") -> Any:
        return await self.svc.routes[name](None, body, user)

    async def commit(self, *events: ev.Event) -> None:
        self.directory.apply_all(events)
        await self.store.append(list(events))

    async def login(self, username: str) -> str:
        sid = uuid.uuid4().hex
        await self.commit(ev.SessionOpened(ts_ms=ts(), session_id=sid, token_hash=sid, username=username,
                                           client_id="c"))
        return sid


USERS = (
    ("alice", "Alice Wang", Role.AGENT, "sales"),
    ("bob", "Bob Li", Role.AGENT, "support"),
    ("sue", "Sue Supervisor", Role.SUPERVISOR, "sales"),
)


async def make_world(data_dir: Path, **svc_kw: Any) -> World:
    store = await Store.open(data_dir, fsync=False, segment_bytes=SEGMENT_BYTES, linger_s=0.01)
    directory = Directory()
    svc = CustomerService(store, directory, now_ms=ts, **svc_kw)
    bus = RecordingBus()
    interactions = StandInInteractions(store)
    svc.attach(bus, interactions)
    world = World(store, directory, bus, interactions, svc)
    await world.commit(*(ev.UserUpserted(ts_ms=ts(), username=u, display_name=d, role=r, team=t)
                         for u, d, r, t in USERS))
    return world


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    w = await make_world(tmp_path / "data")
    try:
        yield w
    finally:
        await w.svc.close()
        await w.store.close()


def phone(value: str) -> ci.Identity:
    return ci.Identity(kind=ci.IdentityKind.PHONE, value=value)


def email(value: str) -> ci.Identity:
    return ci.Identity(kind=ci.IdentityKind.EMAIL, value=value)


def visitor(value: str) -> ci.Identity:
    return ci.Identity(kind=ci.IdentityKind.WEB_VISITOR, value=value)


def past_interaction(
    interaction_id: str,
    customer_id: str,
    *,
    created_ms: int,
    channel: str = "chat",
    agent: str = "alice",
    disposition: str = "resolved",
    notes: str = "",
    identities: list[tuple[str, str]] | None = None,
    messages: list[tuple[str, str, bool]] = (),  # type: ignore[assignment]  # (author_kind, text, private)
    rating: int = 0,
) -> list[ev.Event]:
    """The events of one finished interaction (created, connected, messages, wrap-up, closed)."""
    out: list[ev.Event] = [
        ev.InteractionCreated(ts_ms=created_ms, interaction_id=interaction_id, channel=channel, queue="sales",
                              customer_id=customer_id, identities=identities or []),
        ev.InteractionStateChanged(ts_ms=created_ms + 10, interaction_id=interaction_id, state="connected",
                                   agent=agent),
    ]
    for seq, (kind, text, private) in enumerate(messages, start=1):
        out.append(ev.MessageAdded(ts_ms=created_ms + 20 + seq, interaction_id=interaction_id, seq=seq,
                                   message_id=uuid.uuid4().hex, author_kind=kind,
                                   author=agent if kind == "agent" else customer_id, text=text, private=private))
    out.append(ev.WrapUpRecorded(ts_ms=created_ms + 500, interaction_id=interaction_id, agent=agent,
                                 disposition=disposition, notes=notes))
    if rating:
        out.append(ev.InteractionRated(ts_ms=created_ms + 600, interaction_id=interaction_id, score=rating))
    out.append(ev.InteractionStateChanged(ts_ms=created_ms + 700, interaction_id=interaction_id, state="closed"))
    return out
