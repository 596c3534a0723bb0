"""Fixtures for the store tests: a real store (and store process) on real files under tmp_path."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from edge_server.store import Store, journal

# The edge registers the routing engine's projection by importing this module
# before Store.open (app.py, cli/admin.py); every contract event kind needs one,
# so the store refuses to open without it. The store process imports it too,
# because it registered a projection here.
from edge_server.work import projections as _work_projections  # noqa: F401

#: Journal segment size in these tests. Segments are pre-allocated, and the
#: production 16 MiB in each of ~60 temp dirs (pytest keeps three runs) would
#: fill /tmp for nothing; rotation has its own tests with even smaller segments.
TEST_SEGMENT_BYTES = 256 * 1024


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "DEFAULT_SEGMENT_BYTES", TEST_SEGMENT_BYTES)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest_asyncio.fixture
async def store(data_dir: Path) -> AsyncIterator[Store]:
    s = await Store.open(data_dir)
    try:
        yield s
    finally:
        await s.close()
