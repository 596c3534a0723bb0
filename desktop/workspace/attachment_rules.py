"""What the agent may attach: the edge's own limits, checked before a byte is uploaded."""
from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from edge_server.config import InteractionsSection

# The edge's defaults, read from its config schema so the two can never disagree silently.
_EDGE = InteractionsSection()
MAX_ATTACHMENT_BYTES: int = _EDGE.max_attachment_bytes
ALLOWED_TYPES: frozenset[str] = frozenset(_EDGE.attachment_types)
MAX_MESSAGE_CHARS: int = _EDGE.max_message_chars
#: Extensions mapped by hand: mimetypes depends on the OS's tables, these must not.
_BY_SUFFIX = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".pdf": "application/pdf", ".txt": "text/plain", ".log": "text/plain",
}


@dataclass(frozen=True, slots=True)
class AttachmentCheck:
    path: Path
    content_type: str
    size: int
    problem: str = ""  # "": fine to upload

    @property
    def ok(self) -> bool:
        return not self.problem


def content_type_of(path: Path) -> str:
    return _BY_SUFFIX.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def check_attachment(path: Path) -> AttachmentCheck:
    """Size and type as the edge will judge them; ``problem`` says what is wrong, translated."""
    content_type = content_type_of(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        return AttachmentCheck(path, content_type, 0, QCoreApplication.translate(
            "Chat", "{name} cannot be read: {error}").format(name=path.name, error=e.strerror or str(e)))
    if not path.is_file():
        return AttachmentCheck(path, content_type, size, QCoreApplication.translate(
            "Chat", "{name} is not a file.").format(name=path.name))
    if content_type not in ALLOWED_TYPES:
        return AttachmentCheck(path, content_type, size, QCoreApplication.translate(
            "Chat", "{name}: only PNG, JPEG, GIF, PDF and text files can be sent.").format(name=path.name))
    if size > MAX_ATTACHMENT_BYTES:
        return AttachmentCheck(path, content_type, size, QCoreApplication.translate(
            "Chat", "{name} is larger than {limit} MB.").format(
                name=path.name, limit=MAX_ATTACHMENT_BYTES // (1024 * 1024)))
    if size == 0:
        return AttachmentCheck(path, content_type, size, QCoreApplication.translate(
            "Chat", "{name} is empty.").format(name=path.name))
    return AttachmentCheck(path, content_type, size)
