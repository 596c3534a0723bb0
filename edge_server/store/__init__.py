"""Durable event journal + DuckDB state: the only part of the edge that touches duckdb.

Modules: ``store`` (the Store), ``journal``/``segments``/``journal_writer`` (the
fsync'd append-only log), ``projector``/``registry``/``projections`` (journal ->
DuckDB), ``migrations``/``schema``, ``repos`` (typed reads), ``fts``.

    async with await Store.open(data_dir) as store:
        seq = await store.append([event])          # durable when this returns
        users = await store.read(repos.load_users)  # sees every earlier append

A new event kind: add it to ``edge_server.contract.events.EVENT_TYPES``, register
its projection (``register_projection``; the store refuses to open without one)
and, if it needs new tables, append a Migration to ``migrations.MIGRATIONS``.
"""
from edge_server.store.errors import StoreError, StoreTooNewError
from edge_server.store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration
from edge_server.store.registry import register_projection
from edge_server.store.store import Recovery, Store, StoreStats

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "Recovery",
    "Store",
    "StoreError",
    "StoreStats",
    "StoreTooNewError",
    "register_projection",
]
