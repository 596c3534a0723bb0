"""Fixtures for the bus tests; the helpers live in bus_helpers.py next to this file."""
from tests.edge_server.bus.bus_helpers import keyset  # noqa: F401  (fixture)
