"""Durable event journal + DuckDB state: the only part of the edge that touches duckdb.

The edge process journals (``journal``/``segments``/``journal_writer``: the
fsync'd append-only log, the truth) and hands every journaled batch to the
store process (``db_client`` in the edge, ``db_process`` in the child, ``ipc``
between them), the only process that opens DuckDB: it applies the events
(``projector``/``registry``/``projections``), migrates (``migrations``/``schema``)
and runs reads (``repos``, ``read_functions``). ``fts`` is full-text search.

    async with await Store.open(data_dir) as store:
        seq = await store.append([event])                  # durable when this returns
        users = await store.read(repos.load_users)          # sees every earlier append
        ann = await store.read(repos.get_user, "ann")       # module-level fn + msgpack args

A new event kind: add it to ``edge_server.contract.events.EVENT_TYPES``, register
its projection (``register_projection``, in a module imported before
``Store.open`` or named in its ``projection_modules``; the store refuses to open
without one) and, if it needs new tables, append a Migration to
``migrations.MIGRATIONS``.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from edge_server.store.errors import StoreError, StoreTooNewError
from edge_server.store.registry import register_projection

if TYPE_CHECKING:
    from edge_server.store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration
    from edge_server.store.remote_errors import StoreProcessError
    from edge_server.store.store import DEFAULT_PROJECTION_MODULES, Recovery, Store, StoreStats

# The rest is imported on first use (PEP 562): the store process imports this package
# too, and must not pay for the edge's side of it (asyncio, the journal writer, the
# client: ~60 ms of its start, which the edge's cold start waits for).
_LAZY: dict[str, str] = {
    "DEFAULT_PROJECTION_MODULES": "edge_server.store.store",
    "Recovery": "edge_server.store.store",
    "Store": "edge_server.store.store",
    "StoreStats": "edge_server.store.store",
    "MIGRATIONS": "edge_server.store.migrations",
    "SCHEMA_VERSION": "edge_server.store.migrations",
    "Migration": "edge_server.store.migrations",
    "StoreProcessError": "edge_server.store.remote_errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_PROJECTION_MODULES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "Recovery",
    "Store",
    "StoreError",
    "StoreProcessError",
    "StoreStats",
    "StoreTooNewError",
    "register_projection",
]
