"""Fixtures for the bus tests; the helpers live in bus_helpers.py next to this file."""
from collections.abc import Iterator

import pytest

from tests.edge_server.bus.bus_helpers import keyset  # noqa: F401  (fixture)
from tests.edge_server.bus.bus_helpers import register_test_messages, unregister_test_messages


@pytest.fixture(autouse=True, scope="module")
def _test_messages() -> Iterator[None]:
    # The bus tests speak test.* requests; nothing else in the suite may see them.
    register_test_messages()
    yield
    unregister_test_messages()
