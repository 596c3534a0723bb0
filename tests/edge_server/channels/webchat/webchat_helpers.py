"""Shared pieces of the web chat tests: a real edge (store, routing, customers, interactions, bus), a
site with chat queues, agents as real EdgeClients on the bus, and a WebchatServer around the real
InteractionService.

Importing a site costs seconds (a DuckDB store process), so it is imported once per session into a
template directory that each edge copies.
"""
from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from edge_server.bus.client import EdgeClient
from edge_server.bus.config import BusConfig
from edge_server.config import EdgeConfig, EdgeSection, InteractionsSection, StoreSection, WebchatSection
from edge_server.contract import interactions as ci
from edge_server.contract import messages as m
from edge_server.interactions import customer_reads
from edge_server.interactions.service import InteractionService

PASSWORD = "switchboard1"
SECRET = "site-identity-secret"
AGENT = "agent1"
AGENT_NAME = "Alice 爱丽丝"

# "web": where the chats go (manual wrap-up, like the demo's billing queue). "nobody": a chat queue no
# user is eligible for (the offline form). Missed offers never make an agent Not Ready (max_missed 0).
SITE = f"""
[site]
name = "Web chat test"

[[skills]]
id = "chat"
name_en = "Chat"

[[skills]]
id = "nobody"
name_en = "Nobody has it"

[[reason_codes]]
code = "resolved"
kind = "wrapup"
label_en = "Resolved"

[[queues]]
id = "web"
name_en = "Web chat"
skills = {{ chat = 1 }}
routing = {{ channel = "chat", acw_mode = "manual", wrapup_codes = ["resolved"], offer_timeout_s = 30, max_missed = 0 }}

[[queues]]
id = "nobody"
name_en = "Unstaffed"
skills = {{ nobody = 1 }}
routing = {{ channel = "chat", offer_timeout_s = 30 }}

[[users]]
username = "{AGENT}"
display_name = "{AGENT_NAME}"
password = "{PASSWORD}"
skills = {{ chat = 3 }}

[[users]]
username = "agent2"
display_name = "Bob 鲍勃"
password = "{PASSWORD}"
skills = {{ chat = 3 }}
"""

#: Small limits so the upload tests stay small.
LIMITS = InteractionsSection(max_attachment_bytes=64 * 1024, attachment_types=["image/png", "text/plain"])

T = TypeVar("T")


def webchat_cfg(**kw: Any) -> WebchatSection:
    base: dict[str, Any] = dict(port=0, queue="web", identity_secret=SECRET, heartbeat_s=5.0,
                                max_frame_bytes=16 * 1024)
    base.update(kw)
    return WebchatSection(**base)


def edge_config(data_dir: Path, *, webchat: WebchatSection | None = None, fsync: bool = False) -> EdgeConfig:
    """Loopback, random ports, no CURVE; ``webchat`` None: the app serves no web chat (tests build their own)."""
    return EdgeConfig(
        edge=EdgeSection(data_dir=str(data_dir), log_dir=str(data_dir / "log"), site_name="Test 测试"),
        bus=BusConfig(router_endpoint="tcp://127.0.0.1:0", pub_endpoint="tcp://127.0.0.1:0", curve=False),
        store=StoreSection(fsync=fsync),
        interactions=InteractionsSection(max_attachment_bytes=LIMITS.max_attachment_bytes,
                                         attachment_types=list(LIMITS.attachment_types)),
        webchat=webchat or WebchatSection(enabled=False, port=0),
    )


async def import_site_template(dst: Path, text: str = SITE) -> None:
    from tests.edge_server.interactions.interactions_helpers import import_site

    await import_site(dst, text)


def copy_site(template: Path, data_dir: Path) -> Path:
    shutil.copytree(template, data_dir)
    return data_dir


async def wait_for(pred: Callable[[], T | None], timeout: float = 5.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


@dataclass
class Agent:
    """An agent desktop reduced to its wire: a real EdgeClient, every push recorded.

    With ``auto_accept`` it accepts every offer at once (most tests are about the visitor's side).
    """

    name: str
    client: EdgeClient
    auto_accept: bool = False
    pushes: list[m.Message] = field(default_factory=list)
    refused: list[BaseException] = field(default_factory=list)  # accepts the edge refused
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def on_push(self, body: m.Message, seq: int) -> None:
        self.pushes.append(body)
        if self.auto_accept and isinstance(body, m.OfferMade):
            t = asyncio.get_running_loop().create_task(
                self.client.request(m.AcceptOffer(offer_id=body.offer_id, task_id=body.task.task_id)))
            self._tasks.add(t)
            t.add_done_callback(self._accepted)

    def _accepted(self, t: asyncio.Task[Any]) -> None:
        self._tasks.discard(t)
        # An offer can be gone before the accept lands (the customer left): routing's answer, not a failure.
        if not t.cancelled() and t.exception() is not None:
            self.refused.append(t.exception())  # type: ignore[arg-type]

    def of(self, cls: type[T]) -> list[T]:
        return [p for p in self.pushes if isinstance(p, cls)]

    async def request(self, body: m.Message) -> Any:
        return await self.client.request(body)

    async def wait(self, cls: type[T], pred: Callable[[T], bool] = lambda _: True, timeout: float = 10.0) -> T:
        return await wait_for(lambda: next((p for p in self.of(cls) if pred(p)), None), timeout, cls.__name__)

    async def accept(self, iid: str) -> m.OfferMade:
        offer = await self.wait(m.OfferMade, lambda o: o.task.interaction_id == iid)
        await self.request(m.AcceptOffer(offer_id=offer.offer_id, task_id=offer.task.task_id))
        return offer

    async def connected(self, iid: str) -> None:
        await self.wait(ci.InteractionInfo, lambda i: i.interaction_id == iid
                        and i.state == ci.InteractionState.CONNECTED)

    async def say(self, iid: str, text: str, *, private: bool = False, client_msg_id: str = "") -> ci.ChatMessage:
        import uuid

        return await self.request(ci.SendChatMessage(interaction_id=iid, client_msg_id=client_msg_id
                                                     or uuid.uuid4().hex, text=text, private=private))

    async def end(self, iid: str, *, code: str = "resolved", notes: str = "") -> None:
        """End the chat and submit the wrap-up (the "web" queue has manual after-chat work)."""
        await self.request(ci.EndInteraction(interaction_id=iid))
        wrap = await self.wait(m.WrapUpStarted, lambda w: w.task_id.split(".")[0] == iid)
        await self.request(m.SubmitWrapUp(task_id=wrap.task_id, code=code, notes=notes))

    async def settle(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


@asynccontextmanager
async def agent(router: str, name: str, *, ready: bool = True, auto_accept: bool = False,
                server_key: bytes | None = None, client_keys: tuple[bytes, bytes] | None = None,
                password: str = PASSWORD) -> AsyncIterator[Agent]:
    client = EdgeClient(router, server_key=server_key, client_keys=client_keys, client_id=f"test-{name}",
                        request_timeout_s=20.0)
    a = Agent(name, client, auto_accept=auto_accept)
    client.on_push = a.on_push
    async with client:
        await client.login(name, password)
        if ready:
            await client.request(m.SetState(state=m.AgentState.READY))
        try:
            yield a
        finally:
            await a.settle()


async def close_all(svc: InteractionService, agents: list[Agent], timeout: float = 10.0) -> None:
    """End every open interaction (so the next test starts with free agents): agents end and wrap up
    what they own; what is still waiting is left by its customer."""
    for live in svc.live_all():
        owner = live.owner()
        who = next((a for a in agents if a.name == owner), None)
        if who is not None and live.info.state == ci.InteractionState.CONNECTED:
            await who.end(live.iid)
        elif who is not None and live.info.state == ci.InteractionState.WRAPUP:
            wrap = await who.wait(m.WrapUpStarted, lambda w, i=live.iid: w.task_id.split(".")[0] == i)
            await who.request(m.SubmitWrapUp(task_id=wrap.task_id, code="resolved"))
        elif live.info.state != ci.InteractionState.CLOSED:
            await svc.customer_left(live.iid)
    await wait_for(lambda: not svc.live_all() or None, timeout, "every interaction closed")


def info_of(svc: InteractionService, iid: str) -> ci.InteractionInfo:
    """The open interaction's info (the test fails if it is not open)."""
    info = svc.info(iid)
    assert info is not None, f"interaction {iid} is not open"
    return info


async def customer_of(svc: InteractionService, kind: str, value: str) -> str:
    owners = await svc.store.read(customer_reads.identity_owners, [(kind, value)])
    assert owners, f"no customer has {kind}:{value}"
    return owners[0].customer_id
