"""Forward-only schema migrations, each applied in one transaction.

Add a version by appending ``Migration(n + 1, [...])`` to MIGRATIONS; never edit
one that has shipped. ``meta.schema_version`` records the last one applied.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edge_server.store import schema
from edge_server.store.errors import StoreTooNewError

if TYPE_CHECKING:  # migrations run in the store process only (see db_process.py)
    import duckdb

log = logging.getLogger("sb.store")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    statements: Sequence[str]


MIGRATIONS: tuple[Migration, ...] = (Migration(1, schema.V1), Migration(2, schema.V2), Migration(3, schema.V3), Migration(4, schema.V4))
SCHEMA_VERSION: int = MIGRATIONS[-1].version


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The database's schema version; 0 for a database without tables."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = 'meta'"
    ).fetchone()
    if not has_meta or has_meta[0] == 0:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> int:
    """Bring the database up to the last of ``migrations``; returns that version.

    Refuses (StoreTooNewError) a database newer than the code, before writing anything.
    """
    # Imported here: the edge process imports this module (MIGRATIONS, SCHEMA_VERSION)
    # but only the store process migrates, and only it may load DuckDB.
    import duckdb

    from edge_server.store.duckdb_errors import DUCKDB_ENVIRONMENT_ERRORS, from_duckdb_error

    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must be 1, 2, 3...: got {versions}")
    known = versions[-1]
    try:
        current = schema_version(con)
    except DUCKDB_ENVIRONMENT_ERRORS as e:
        raise from_duckdb_error(e, "read the schema version of", db_path) from e
    if current > known:
        raise StoreTooNewError(
            f"{db_path}: database written by schema version {current}; this Switchboard "
            f"understands up to {known}: upgrade Switchboard"
        )
    for m in migrations[current:]:
        log.info("migrating %s to schema version %d", db_path, m.version)
        con.execute("BEGIN")
        try:
            for sql in m.statements:
                con.execute(sql)
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(m.version)]
            )
            con.execute("COMMIT")
        except BaseException as e:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error as rollback_error:  # already gone after a fatal error
                log.debug("rollback of migration %d: %s", m.version, rollback_error)
            if isinstance(e, DUCKDB_ENVIRONMENT_ERRORS):
                raise from_duckdb_error(e, f"migrate to schema version {m.version}", db_path) from e
            e.add_note(f"while applying schema migration {m.version} to {db_path}")
            raise
    return known
