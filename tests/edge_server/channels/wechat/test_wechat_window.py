"""The reply allowance across two customer messages in the same second (CreateTime has 1-s resolution):
a new message reopens it, a retried push of the same message does not (found by the flow tests: a customer
answering a bot's menu at once got no agent replies)."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_server.channels.wechat.window import ReplyWindows, WindowRules
from tests.edge_server.channels.wechat.wechat_helpers import MemoryInbox


@pytest.mark.asyncio
async def test_same_second_new_message_reopens_and_a_retry_does_not(tmp_path: Path) -> None:
    inbox = MemoryInbox(tmp_path)
    w = ReplyWindows(WindowRules(platform="WeChat", message_window_s=48 * 3600, message_quota=5))
    await w.opened(inbox, "o1", 1_000_000, by_message=True, key="m1")
    await w.used(inbox, "o1", 5)
    assert w.state(inbox, "o1", 1_000_500) == (1_000_000 + 48 * 3600 * 1000, 0)
    await w.opened(inbox, "o1", 1_000_000, by_message=True, key="m1")  # the same push again
    assert w.state(inbox, "o1", 1_000_500)[1] == 0
    await w.opened(inbox, "o1", 999_000, by_message=True, key="m0")  # an older message delivered late
    assert w.state(inbox, "o1", 1_000_500)[1] == 0
    await w.opened(inbox, "o1", 1_000_000, by_message=True, key="m2")  # a new message in the same second
    assert w.state(inbox, "o1", 1_000_500)[1] == 5
    # Reloaded from the durable cursor (a restart): the same answer.
    again = MemoryInbox(tmp_path)
    assert w.state(again, "o1", 1_000_500)[1] == 5
