"""Fixtures: one real edge per test module (the real InteractionService, store, routing and bus), a real
agent on the bus that accepts every chat, and a WebchatServer per test on a free loopback port.

The edge is shared by a module's tests because starting one costs seconds; every test talks through
its own visitors (fresh tokens) and the ``svc`` fixture ends every interaction after each test, so no
test sees another's chats or finds the agent's capacity used.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from edge_server.app import EdgeApp
from edge_server.channels.webchat import WebchatServer
from edge_server.interactions.service import InteractionService
from tests.edge_server.channels.webchat.webchat_helpers import (
    AGENT,
    LIMITS,
    Agent,
    agent,
    close_all,
    copy_site,
    edge_config,
    import_site_template,
    webchat_cfg,
)


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("webchat-site") / "data"
    asyncio.run(import_site_template(dst))
    return dst


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def edge(site_template: Path, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EdgeApp]:
    data = copy_site(site_template, tmp_path_factory.mktemp("webchat-edge") / "data")
    async with EdgeApp(edge_config(data)) as app:
        yield app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(edge: EdgeApp) -> AsyncIterator[Agent]:
    """agent1, Ready, accepting every chat offered."""
    assert edge.bus is not None
    async with agent(edge.bus.router_address, AGENT, auto_accept=True) as a:
        yield a


@pytest_asyncio.fixture(loop_scope="module")
async def svc(edge: EdgeApp, bot: Agent) -> AsyncIterator[InteractionService]:
    """The edge's real InteractionService; afterwards every interaction the test left open is ended."""
    assert edge.interactions is not None
    yield edge.interactions
    await close_all(edge.interactions, [bot])


@pytest_asyncio.fixture(loop_scope="module")
async def chat(tmp_path: Path, svc: InteractionService) -> AsyncIterator[WebchatServer]:
    async with WebchatServer(webchat_cfg(), svc, data_dir=tmp_path / "data", site_name="Test 测试",
                             limits=LIMITS) as srv:
        yield srv
