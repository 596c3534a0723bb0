"""Hub pieces without an edge: forward-only delivery, the cursor file, the registry's config errors,
and the outbox's retry policy against a recording book."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from edge_server.channels.base import ChannelLimits, OutboundMessage, SendError, SendResult
from edge_server.channels.hub import CursorFile, forward
from edge_server.channels.outbox import AccountOutbox, OutboxItem
from edge_server.channels.registry import ChannelConfigError, build_accounts, load_factory
from edge_server.config import ChannelsSection
from tests.edge_server.channels.hub.loopback import Factory, Loopback


def test_forward_only() -> None:
    assert forward("queued", "sent") and forward("sent", "delivered") and forward("delivered", "read")
    assert forward("queued", "read") and forward("sent", "failed") and forward("", "sent")
    assert not forward("delivered", "sent") and not forward("read", "delivered") and not forward("sent", "sent")
    assert not forward("failed", "sent") and not forward("delivered", "failed")


@pytest.mark.asyncio
async def test_cursor_file_is_durable_and_atomic(tmp_path: Path) -> None:
    path = tmp_path / "cursors.json"
    c = CursorFile(path)
    assert c.get("wecom:kf1") == ""
    await c.set("wecom:kf1", "CURSOR-1")
    await c.set("imap:box", "42:7")
    await c.set("imap:box", "")
    assert CursorFile(path).get("wecom:kf1") == "CURSOR-1" and CursorFile(path).get("imap:box") == ""
    assert not path.with_suffix(".tmp").exists()
    path.write_text("{broken")
    with pytest.raises(ChannelConfigError, match="unreadable"):
        CursorFile(path)


def test_registry_errors_name_the_table(tmp_path: Path) -> None:
    with pytest.raises(ChannelConfigError, match="no nosuch adapter"):
        load_factory("nosuch")

    def strict(table: dict[str, Any], data_dir: Path) -> Loopback:
        raise ValueError(f"Object contains unknown field `{next(iter(table))}`")

    cfg = ChannelsSection(wechat=[{"account": "a", "queue": "support"}, {"app_idd": "x"}])
    with pytest.raises(ChannelConfigError, match=r"\[\[channels.wechat\]\] #1: .*unknown field `account`"):
        build_accounts(cfg, tmp_path, {"wechat": strict})
    f = Factory()
    accs = build_accounts(ChannelsSection(wechat=[{"account": "a", "queue": "support"}, {"account": "b"}]),
                          tmp_path, {"wechat": f})
    assert [(a.key, a.queue) for a in accs] == [(("wechat", "a"), "support"), (("wechat", "b"), "")]
    with pytest.raises(ChannelConfigError, match="configured twice"):
        build_accounts(ChannelsSection(wechat=[{"account": "a"}, {"account": "a"}]), tmp_path, {"wechat": f})


class Book:
    def __init__(self) -> None:
        self.log: list[tuple[str, int, str, int]] = []
        self.done = asyncio.Event()

    async def record_sent(self, item: OutboxItem, result: SendResult) -> None:
        self.log.append(("sent", item.seq, result.provider_id, item.attempts))
        self.done.set()

    async def record_retry(self, item: OutboxItem, reason: str) -> None:
        self.log.append(("retry", item.seq, reason, item.attempts))

    async def record_failed(self, item: OutboxItem, reason: str) -> None:
        self.log.append(("failed", item.seq, reason, item.attempts))
        self.done.set()


def item(iid: str, seq: int) -> OutboxItem:
    return OutboxItem(seq=seq, out=OutboundMessage(channel="wechat", account="a", interaction_id=iid, seq=seq,
                                                   idempotency_key=f"{iid}:{seq}", to=[], text=f"t{seq}"))


@pytest.mark.asyncio
async def test_outbox_gives_up_after_max_attempts_and_honours_permanent() -> None:
    adapter = Loopback(account="a", limits_=ChannelLimits(),
                       script=[SendError("busy", not_sent=True)] * 3 + [SendError("blocked", not_sent=True,
                                                                                    permanent=True)])
    book = Book()
    box = AccountOutbox(adapter, book, max_attempts=3, max_backoff_s=0.02, base_backoff_s=0.01)
    assert box.put(item("i1", 2)) and box.put(item("i1", 1)) and not box.put(item("i1", 1))
    task = asyncio.create_task(box.run())
    try:
        async with asyncio.timeout(5):
            while len([e for e in book.log if e[0] != "retry"]) < 2:
                book.done.clear()
                await book.done.wait()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    # seq 1 first (order per interaction), three tries, then given up; seq 2 refused for good at once.
    assert book.log == [("retry", 1, "busy", 1), ("retry", 1, "busy", 2),
                        ("failed", 1, "busy (gave up after 3 attempts)", 3), ("failed", 2, "blocked", 1)]
    assert [c.seq for c in adapter.calls] == [1, 1, 1, 2] and box.pending() == 0
