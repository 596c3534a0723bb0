"""Errors the store raises, and their translation from OS errors (DuckDB's: duckdb_errors.py).

StoreError means the environment is at fault (disk full, permission, a file in
use, a damaged journal): its message tells the operator what to do. Bugs in
projections or callers' SQL are not translated: they are logged with their
traceback in the store process and reach the caller as the same exception type
(see remote_errors.py).
"""
from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """The store cannot work in this environment; the message says what to do."""


class StoreTooNewError(StoreError):
    """The data was written by a newer Switchboard than this one."""


def from_os_error(e: OSError, action: str, path: Path | str) -> StoreError:
    """A StoreError for an OSError raised while doing ``action`` on ``path``."""
    code = e.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        advice = "the disk is full: free space on that file system, then restart the edge server"
    elif code in (errno.EACCES, errno.EPERM):
        advice = "permission denied: make it writable by the user running Switchboard"
    elif code == errno.EROFS:
        advice = "the file system is read-only: remount it read-write or choose another data_dir"
    elif code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        advice = "a path component has the wrong type: check the configured data_dir"
    elif code == errno.EIO:
        advice = "the disk reported an I/O error: check the disk (dmesg) before restarting"
    else:
        advice = "check the disk and the configured data_dir"
    return StoreError(f"cannot {action} {path}: {e.strerror or e}; {advice}")
