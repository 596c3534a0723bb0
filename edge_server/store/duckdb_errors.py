"""Translation of DuckDB errors into StoreError (used in the store process only).

Kept apart from errors.py so that the edge process, which never touches
DuckDB, does not import it (~0.15-0.3 s and ~35 MB at start).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from edge_server.store.errors import StoreError

#: DuckDB exceptions caused by the machine rather than by our SQL.
DUCKDB_ENVIRONMENT_ERRORS: tuple[type[duckdb.Error], ...] = (
    duckdb.IOException,
    duckdb.OutOfMemoryException,
    duckdb.PermissionException,
    # Raised once DuckDB has invalidated the database after a failed write (e.g. disk full).
    duckdb.FatalException,
)


def from_duckdb_error(e: duckdb.Error, action: str, path: Path | str) -> StoreError:
    """A StoreError for a DuckDB error caused by the environment."""
    text = str(e)
    if isinstance(e, duckdb.OutOfMemoryException):
        advice = "DuckDB ran out of memory: give the edge server more memory"
    elif "lock" in text.lower():
        advice = "another process holds the database: stop it or choose another data_dir"
    elif "space" in text.lower():
        advice = "the disk is full: free space, then restart the edge server"
    else:
        advice = "check the disk, its free space and the permissions of data_dir"
    return StoreError(f"cannot {action} {path}: {text}; {advice}")
