"""Shared pieces of the interactions tests: a real edge (store, routing, customers, interactions, bus)
built in the test's own loop on random loopback ports, agents as real EdgeClients, a recording channel.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from edge_server.agents.directory import Directory
from edge_server.agents.site import parse_site, plan_import
from edge_server.bus.client import EdgeClient
from edge_server.bus.config import BusConfig
from edge_server.config import EdgeConfig, EdgeSection, StoreSection, WebchatSection
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.store import Store
from edge_server.work import projections as _work_projections  # noqa: F401 - every event kind needs a projection

PASSWORD = "switchboard1"

SITE = f"""
[site]
name = "Interactions test"

[[skills]]
id = "billing"
name_en = "Billing"

[[skills]]
id = "sales"
name_en = "Sales"

[[reason_codes]]
code = "resolved"
kind = "wrapup"
label_en = "Resolved"
label_zh = "已解决"

[[queues]]
id = "support"
name_en = "Support"
name_zh = "支持"
skills = {{ billing = 1 }}
routing = {{ channel = "chat", acw_mode = "manual", wrapup_codes = ["resolved"], offer_timeout_s = 30 }}

[[queues]]
id = "sales"
name_en = "Sales"
skills = {{ sales = 1 }}
routing = {{ channel = "chat", offer_timeout_s = 30 }}

[[users]]
username = "alice"
display_name = "Alice Wang 王丽"
password = "{PASSWORD}"
skills = {{ billing = 3 }}

[[users]]
username = "bob"
display_name = "Bob Smith"
password = "{PASSWORD}"
skills = {{ sales = 3 }}

[[users]]
username = "carol"
display_name = "Carol"
password = "{PASSWORD}"
skills = {{ }}

[[users]]
username = "sup"
display_name = "Chen Jing"
role = "supervisor"
password = "{PASSWORD}"
"""

T = TypeVar("T")


async def import_site(data_dir: Path, text: str = SITE) -> None:
    events, _ = await plan_import(Directory(), parse_site(text), int(time.time() * 1000), 8)
    store = await Store.open(data_dir / "store", fsync=False)
    try:
        await store.append(events)
    finally:
        await store.close()


def edge_config(data_dir: Path, *, fsync: bool = False, **interactions: Any) -> EdgeConfig:
    cfg = EdgeConfig(
        edge=EdgeSection(data_dir=str(data_dir), log_dir=str(data_dir / "log")),
        bus=BusConfig(router_endpoint="tcp://127.0.0.1:0", pub_endpoint="tcp://127.0.0.1:0", curve=False),
        store=StoreSection(fsync=fsync),
        webchat=WebchatSection(port=0),
    )
    for k, v in interactions.items():
        setattr(cfg.interactions, k, v)
    return cfg


@dataclass
class Sink:
    """A recording ChannelSink."""

    items: list[tuple[str, Any]] = field(default_factory=list)

    def deliver(self, interaction_id: str, item: Any) -> None:
        self.items.append((interaction_id, item))

    def of(self, cls: type[T], iid: str | None = None) -> list[T]:
        return [it for i, it in self.items if isinstance(it, cls) and (iid is None or i == iid)]


@dataclass
class Agent:
    name: str
    client: EdgeClient
    pushes: list[m.Message] = field(default_factory=list)

    def of(self, cls: type[T]) -> list[T]:
        return [p for p in self.pushes if isinstance(p, cls)]

    async def request(self, body: m.Message) -> Any:
        return await self.client.request(body)

    async def wait(self, cls: type[T], pred: Callable[[T], bool] = lambda _: True, timeout: float = 5.0) -> T:
        return await wait_for(lambda: next((p for p in self.of(cls) if pred(p)), None), timeout)


async def wait_for(pred: Callable[[], T | None], timeout: float = 5.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


@asynccontextmanager
async def agent(app: Any, name: str, *, ready: bool = True) -> AsyncIterator[Agent]:
    client = EdgeClient(app.bus.router_address, server_key=None, client_keys=None, client_id=f"test-{name}",
                        request_timeout_s=10.0)
    a = Agent(name, client)
    client.on_push = lambda body, seq: a.pushes.append(body)
    async with client:
        await client.login(name, PASSWORD)
        if ready:
            await client.request(m.SetState(state=m.AgentState.READY))
        yield a


async def accept(a: Agent, iid: str) -> m.OfferMade:
    offer = await a.wait(m.OfferMade, lambda o: o.task.interaction_id == iid)
    await a.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
    return offer


@asynccontextmanager
async def running_edge(data_dir: Path, **kw: Any) -> AsyncIterator[Any]:
    from edge_server.app import EdgeApp

    async with AsyncExitStack() as stack:
        app = await stack.enter_async_context(EdgeApp(edge_config(data_dir, **kw)))
        yield app


def visitor(n: str) -> list[ci.Identity]:
    return [ci.Identity(kind=ci.IdentityKind.WEB_VISITOR, value=f"visitor-{n}")]
