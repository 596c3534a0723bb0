"""Fixtures for the softphone: a SipEngine per test (one Endpoint per process, closed after) and peers."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before anything imports Qt (softphone.qt tests): no display needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# tests/ has no __init__.py (importlib mode): share helpers as a uniquely named plain module.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from softphone_helpers import Peer  # noqa: E402

from softphone.engine import EngineConfig, SipEngine  # noqa: E402


@pytest.fixture
def make_engine() -> Iterator[Callable[..., SipEngine]]:
    """Build the test's SipEngine (pjsua2 allows one Endpoint per process: one at a time)."""
    made: list[SipEngine] = []

    def make(**kw: object) -> SipEngine:
        eng = SipEngine(EngineConfig(**kw))  # type: ignore[arg-type]
        made.append(eng)
        return eng

    yield make
    for eng in made:
        eng.close()


@pytest.fixture
def engine(make_engine: Callable[..., SipEngine]) -> SipEngine:
    return make_engine()


@pytest.fixture
def peer() -> Iterator[Peer]:
    p = Peer()
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def answering_peer() -> Iterator[Peer]:
    p = Peer(auto_answer=True, user="answerer")
    try:
        yield p
    finally:
        p.close()
