"""Schema creation, idempotent reopen, refusal of newer schemas, migration mechanics."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from edge_server.store import SCHEMA_VERSION, Migration, Store, StoreTooNewError
from edge_server.store.migrations import MIGRATIONS, migrate, schema_version
from tests.edge_server.store.store_helpers import db_rows, failed_login, user

TABLES = {
    "meta", "users", "skills", "agent_skills", "queues", "reason_codes", "sessions",
    "agent_state", "login_failures", "customers", "identities", "interactions", "messages",
    "events", "customer_audit", "read_marks", "participants", "attachments", "canned_responses",
    "designs", "design_revisions", "design_aliases", "design_bindings", "flow_executions", "flow_steps",
    "form_submissions", "work_orders",
}


@pytest.mark.asyncio
async def test_empty_directory_gets_the_whole_schema(data_dir: Path) -> None:
    async with await Store.open(data_dir) as store:
        assert store.last_seq == 0 and store.applied_seq == 0
    tables = {r[0] for r in db_rows(data_dir, "SELECT table_name FROM information_schema.tables")}
    assert tables == TABLES
    meta = {k: v for k, v in db_rows(data_dir, "SELECT key, value FROM meta")}
    assert meta == {"schema_version": str(SCHEMA_VERSION), "applied_seq": "0"}
    assert (data_dir / "journal").is_dir()


@pytest.mark.asyncio
async def test_reopen_is_idempotent(data_dir: Path) -> None:
    async with await Store.open(data_dir) as store:
        await store.append([user("ann"), failed_login("ann")])
    for _ in range(2):
        async with await Store.open(data_dir) as store:
            assert store.recovery.replayed == 0
    assert db_rows(data_dir, "SELECT count(*) FROM users") == [(1,)]
    assert db_rows(data_dir, "SELECT count(*) FROM events") == [(2,)]
    assert db_rows(data_dir, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


@pytest.mark.asyncio
async def test_newer_schema_is_refused_without_writing(data_dir: Path) -> None:
    async with await Store.open(data_dir):
        pass
    con = duckdb.connect(str(data_dir / "switchboard.duckdb"))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreTooNewError) as info:
        await Store.open(data_dir)
    message = str(info.value)
    assert "schema version 99" in message
    assert f"understands up to {SCHEMA_VERSION}" in message
    assert "upgrade Switchboard" in message
    assert db_rows(data_dir, "SELECT value FROM meta WHERE key = 'schema_version'") == [("99",)]


def test_migrations_apply_in_order_once_each(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    con = duckdb.connect(str(db))
    try:
        assert schema_version(con) == 0
        n = SCHEMA_VERSION + 1
        two = (*MIGRATIONS, Migration(n, ["CREATE TABLE extra (x INTEGER)", "INSERT INTO extra VALUES (7)"]))
        assert migrate(con, db, two) == n
        assert migrate(con, db, two) == n  # nothing left to do: no second INSERT
        assert con.execute("SELECT x FROM extra").fetchall() == [(7,)]
        assert schema_version(con) == n
        # Code that only knows the shipped versions must refuse this database.
        with pytest.raises(StoreTooNewError):
            migrate(con, db, MIGRATIONS)
    finally:
        con.close()


def test_failed_migration_leaves_no_trace(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    con = duckdb.connect(str(db))
    try:
        migrate(con, db)
        n = SCHEMA_VERSION + 1
        bad = (*MIGRATIONS, Migration(n, ["CREATE TABLE half (x INTEGER)", "SELECT * FROM nowhere"]))
        with pytest.raises(duckdb.CatalogException) as info:
            migrate(con, db, bad)
        assert any(f"migration {n}" in note for note in info.value.__notes__)
        assert schema_version(con) == SCHEMA_VERSION
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "half" not in tables
    finally:
        con.close()


def test_migration_versions_must_be_contiguous(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    try:
        with pytest.raises(RuntimeError, match="1, 2, 3"):
            migrate(con, tmp_path, (Migration(1, []), Migration(3, [])))
    finally:
        con.close()
