"""Send attempts whose outcome is unknown, kept on disk so a retry after a crash checks first.

A provider without an idempotent send (Aliyun SendSms) may have taken a message whose request timed
out. Before sending such a key again the adapter asks the provider (QuerySendDetails). The mark is a
file per key, written before the request and removed once the outcome is certain, so even a restart
between "request sent" and "answer read" leads to a query rather than a second SMS.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import msgspec


class InflightMark(msgspec.Struct, kw_only=True):
    key: str
    phone: str
    first_ts: int  # unix seconds of the first attempt: which days to query


class InflightMarks:
    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._dir.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self._dir / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".json")

    def get(self, key: str) -> InflightMark | None:
        try:
            return msgspec.json.decode(self._path(key).read_bytes(), type=InflightMark)
        except FileNotFoundError:
            return None

    def put(self, mark: InflightMark) -> None:
        """Durable when it returns (fsync of the file and the directory)."""
        path = self._path(mark.key)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(msgspec.json.encode(mark))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        self._sync_dir()

    def clear(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return
        self._sync_dir()

    def _sync_dir(self) -> None:
        fd = os.open(self._dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
