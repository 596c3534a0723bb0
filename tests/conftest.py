"""Suite-wide isolation: every edge a test starts (in process or as a subprocess) picks free ports."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _webchat_on_a_free_port() -> Iterator[None]:
    # The web chat's default port (8480) is for people; two edges in tests must never collide on it.
    old = os.environ.get("SWITCHBOARD__WEBCHAT__PORT")
    os.environ["SWITCHBOARD__WEBCHAT__PORT"] = "0"
    yield
    if old is None:
        os.environ.pop("SWITCHBOARD__WEBCHAT__PORT", None)
    else:
        os.environ["SWITCHBOARD__WEBCHAT__PORT"] = old
