"""Fixtures: a real WebchatServer on a free loopback port around the in-memory interactions stand-in."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from edge_server.channels.webchat import WebchatServer
from edge_server.config import InteractionsSection, WebchatSection
from tests.edge_server.channels.webchat.fake_interactions import FakeInteractions

SECRET = "site-identity-secret"


def webchat_cfg(**kw: object) -> WebchatSection:
    base: dict[str, object] = dict(port=0, queue="sales", identity_secret=SECRET, heartbeat_s=5.0,
                                   max_frame_bytes=16 * 1024)
    base.update(kw)
    return WebchatSection(**base)  # type: ignore[arg-type]


LIMITS = InteractionsSection(max_attachment_bytes=64 * 1024, attachment_types=["image/png", "text/plain"])


@pytest_asyncio.fixture
async def fake(tmp_path: Path) -> FakeInteractions:
    return FakeInteractions(tmp_path / "files", max_bytes=LIMITS.max_attachment_bytes,
                            types=tuple(LIMITS.attachment_types))


@pytest_asyncio.fixture
async def chat(tmp_path: Path, fake: FakeInteractions) -> AsyncIterator[WebchatServer]:
    async with WebchatServer(webchat_cfg(), fake, data_dir=tmp_path / "data", site_name="Test 测试",
                             limits=LIMITS) as srv:
        yield srv
