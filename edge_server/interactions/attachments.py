"""Attachment files: limits, chunked uploads, content-addressed storage under <data>/attachments.

A file is assembled in ``attachments/tmp``, fsynced, then renamed to
``attachments/<sha256>``; only then is ``AttachmentStored`` journaled, so an
acknowledged attachment always has its bytes on disk. The same content uploaded
twice is stored once. File I/O runs in a worker thread to keep the edge loop free.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from edge_server.contract.errors import ErrorCode, SwitchboardError
from edge_server.contract.interactions import Attachment

log = logging.getLogger("sb.interactions")

MAX_CHUNK_BYTES = 192 * 1024
MAX_NAME_CHARS = 255


@dataclass
class Upload:
    """One agent upload in progress (chunks arrive in order)."""

    upload_id: str
    interaction_id: str
    owner: str
    name: str
    content_type: str
    path: Path
    received: int = 0
    sha: hashlib._Hash = field(default_factory=hashlib.sha256)  # type: ignore[name-defined]


class AttachmentFiles:
    def __init__(self, root: Path, *, max_bytes: int, types: list[str]) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.max_bytes = max_bytes
        self.types = frozenset(types)
        self._uploads: dict[str, Upload] = {}

    def ensure(self) -> None:
        self.tmp.mkdir(parents=True, exist_ok=True)
        for stale in self.tmp.iterdir():  # uploads cut short by a restart
            stale.unlink(missing_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256

    def check(self, name: str, content_type: str, size: int) -> None:
        if not name or len(name) > MAX_NAME_CHARS or "/" in name or "\\" in name or "\0" in name:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"bad attachment name {name[:40]!r}")
        if content_type not in self.types:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"attachments of type {content_type!r} are not accepted",
                                   allowed=sorted(self.types))
        if size > self.max_bytes:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"attachment of {size} bytes exceeds the limit of {self.max_bytes} bytes",
                                   limit=self.max_bytes, size=size)

    async def store_whole(self, name: str, content_type: str, data: bytes) -> Attachment:
        """Check and store a complete file (channels); returns the Attachment to journal."""
        self.check(name, content_type, len(data))
        if not data:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "empty attachment")
        sha = await asyncio.to_thread(self._write_whole, data)
        return Attachment(attachment_id=uuid.uuid4().hex, name=name, content_type=content_type, size=len(data),
                          sha256=sha)

    def _write_whole(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        tmp = self.tmp / uuid.uuid4().hex
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            self._publish(tmp, sha)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"cannot store the attachment: {e.strerror}") from e
        return sha

    def _publish(self, tmp: Path, sha: str) -> None:
        final = self.path_of(sha)
        if final.exists():  # same content stored before: keep one copy
            tmp.unlink()
            return
        os.replace(tmp, final)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)  # the rename itself must survive a power cut
        finally:
            os.close(fd)

    async def chunk(
        self, *, upload_id: str, interaction_id: str, owner: str, name: str, content_type: str,
        offset: int, data: bytes, final: bool,
    ) -> tuple[int, Attachment | None]:
        """Take one chunk; returns (bytes received, the Attachment once the final chunk is in)."""
        if len(data) > MAX_CHUNK_BYTES:
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, f"chunks are at most {MAX_CHUNK_BYTES} bytes")
        up = self._uploads.get(upload_id)
        if up is None:
            if offset != 0:
                raise SwitchboardError(ErrorCode.NOT_FOUND, "unknown upload: start again from offset 0",
                                       upload_id=upload_id)
            self.check(name, content_type, len(data))
            up = Upload(upload_id=upload_id, interaction_id=interaction_id, owner=owner, name=name,
                        content_type=content_type, path=self.tmp / f"up-{uuid.uuid4().hex}")
            self._uploads[upload_id] = up
        elif up.owner != owner or up.interaction_id != interaction_id:
            raise SwitchboardError(ErrorCode.FORBIDDEN, "this upload belongs to someone else")
        if offset != up.received:
            # A retried chunk that was already taken: answer with where we are, take nothing.
            if offset + len(data) == up.received:
                return up.received, None
            raise SwitchboardError(ErrorCode.CONFLICT, f"expected offset {up.received}, got {offset}",
                                   received=up.received)
        if up.received + len(data) > self.max_bytes:
            self.abort(upload_id)
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT,
                                   f"attachment exceeds the limit of {self.max_bytes} bytes", limit=self.max_bytes)
        try:
            await asyncio.to_thread(self._append, up.path, data, final)
        except OSError as e:
            self.abort(upload_id)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"cannot store the attachment: {e.strerror}") from e
        up.sha.update(data)
        up.received += len(data)
        if not final:
            return up.received, None
        del self._uploads[upload_id]
        if up.received == 0:
            up.path.unlink(missing_ok=True)
            raise SwitchboardError(ErrorCode.INVALID_ARGUMENT, "empty attachment")
        sha = up.sha.hexdigest()
        try:
            await asyncio.to_thread(self._publish, up.path, sha)
        except OSError as e:
            up.path.unlink(missing_ok=True)
            raise SwitchboardError(ErrorCode.UNAVAILABLE, f"cannot store the attachment: {e.strerror}") from e
        return up.received, Attachment(attachment_id=uuid.uuid4().hex, name=up.name,
                                       content_type=up.content_type, size=up.received, sha256=sha)

    @staticmethod
    def _append(path: Path, data: bytes, final: bool) -> None:
        with open(path, "ab") as f:
            f.write(data)
            if final:
                f.flush()
                os.fsync(f.fileno())

    def abort(self, upload_id: str) -> None:
        up = self._uploads.pop(upload_id, None)
        if up is not None:
            up.path.unlink(missing_ok=True)

    async def read(self, sha256: str, offset: int, length: int) -> bytes:
        length = max(0, min(length, MAX_CHUNK_BYTES))
        try:
            return await asyncio.to_thread(_read_range, self.path_of(sha256), offset, length)
        except OSError as e:
            raise SwitchboardError(ErrorCode.NOT_FOUND, f"attachment file missing: {e.strerror}") from e


def _read_range(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(length)
