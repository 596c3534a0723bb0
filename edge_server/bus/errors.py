"""Exceptions the bus raises for its environment (not wire errors: those are SwitchboardError)."""
from __future__ import annotations


class BusError(Exception):
    """The bus cannot do its job because of something outside the code: a port, a file, a key."""


class KeyFileError(BusError):
    """A CURVE key file is missing, unreadable or malformed."""
