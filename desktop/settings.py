"""The desktop's preferences: one typed schema over QSettings.

Each key is declared once with its type, default and a line of doc. A stored value
that does not parse is logged with its key and replaced by the default: a broken
preference must never keep an agent from logging in.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

log = logging.getLogger("sb.ui")

T = TypeVar("T", str, int, float, bool, bytes)

ORGANIZATION = "Switchboard"
APPLICATION = "desktop"
SETTINGS_FILE = "desktop.ini"


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    key: str
    type: type[T]
    default: T
    doc: str


LANGUAGE: Setting[str] = Setting(
    "ui/language", str, "", "UI language: 'en' or 'zh_CN'; empty follows the system locale."
)
LAST_EDGE: Setting[str] = Setting(
    "login/last_edge", str, "", "Edge address of the last successful login (tcp://host:port)."
)
LAST_USERNAME: Setting[str] = Setting(
    "login/last_username", str, "", "User name of the last successful login."
)
CLIENT_ID: Setting[str] = Setting(
    "client/id", str, "", "Stable id of this desktop install; the edge de-duplicates commands by it."
)
LOGIN_TIMEOUT_S: Setting[float] = Setting(
    "session/login_timeout_s", float, 10.0, "Seconds to wait for the edge to answer a login."
)
REQUEST_TIMEOUT_S: Setting[float] = Setting(
    "session/request_timeout_s", float, 10.0, "Seconds to wait for the edge to answer a command."
)
LOGOUT_TIMEOUT_S: Setting[float] = Setting(
    "session/logout_timeout_s", float, 3.0, "Seconds the shutdown waits for the logout reply."
)
HEARTBEAT_MS: Setting[int] = Setting(
    "session/heartbeat_ms", int, 1000, "Heartbeat interval until the edge announces its own."
)
WINDOW_GEOMETRY: Setting[bytes] = Setting(
    "window/geometry", bytes, b"", "Main window geometry (QWidget.saveGeometry)."
)
WINDOW_STATE: Setting[bytes] = Setting(
    "window/state", bytes, b"", "Main window dock layout (QMainWindow.saveState)."
)
LOG_LEVEL: Setting[str] = Setting(
    "log/level", str, "INFO", "Level of the log file: DEBUG, INFO, WARNING or ERROR."
)
LOG_JSON: Setting[bool] = Setting(
    "log/json", bool, False, "Write the log file as JSON lines (for support tooling)."
)

SCHEMA: tuple[Setting[Any], ...] = (
    LANGUAGE,
    LAST_EDGE,
    LAST_USERNAME,
    CLIENT_ID,
    LOGIN_TIMEOUT_S,
    REQUEST_TIMEOUT_S,
    LOGOUT_TIMEOUT_S,
    HEARTBEAT_MS,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    LOG_LEVEL,
    LOG_JSON,
)

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _to_bytes(raw: object) -> bytes:
    if isinstance(raw, QByteArray):
        return bytes(raw.data())
    if isinstance(raw, bytes):
        return raw
    raise ValueError(f"not a byte array: {type(raw).__name__}")


# The INI backend hands every scalar back as a string, so each type parses its own.
_CONVERTERS: dict[type, Callable[[object], Any]] = {
    str: str,
    int: lambda raw: int(str(raw).strip()),
    float: lambda raw: float(str(raw).strip()),
    bool: _to_bool,
    bytes: _to_bytes,
}


class Settings(QObject):
    """Typed access to the desktop's QSettings."""

    #: A setting was written; carries its key.
    changed = Signal(str)

    def __init__(self, qsettings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._qs = qsettings

    @classmethod
    def open(cls, profile_dir: Path | None, parent: QObject | None = None) -> Settings:
        """The settings file in ``profile_dir``, or the user's standard location."""
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            qs = QSettings(str(profile_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
        else:
            qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )
        return cls(qs, parent)

    @property
    def file_path(self) -> str:
        return self._qs.fileName()

    def get(self, setting: Setting[T]) -> T:
        raw = self._qs.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return cast(T, _CONVERTERS[setting.type](raw))
        except (ValueError, TypeError) as e:
            log.warning(
                "setting %s in %s has an invalid value %r (%s); using the default %r",
                setting.key, self.file_path, raw, e, setting.default,
            )
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        if not isinstance(value, setting.type):
            raise TypeError(
                f"setting {setting.key} takes {setting.type.__name__}, not {type(value).__name__}"
            )
        stored: object = QByteArray(value) if isinstance(value, bytes) else value
        if self._qs.value(setting.key) == stored:
            return
        self._qs.setValue(setting.key, stored)
        self.changed.emit(setting.key)

    def client_id(self) -> str:
        """This install's stable client id, created on first use."""
        cid = self.get(CLIENT_ID)
        if not cid:
            cid = uuid.uuid4().hex
            self.set(CLIENT_ID, cid)
            self.sync()
        return cid

    def sync(self) -> None:
        """Write pending changes to disk; errors are logged with the file name."""
        self._qs.sync()
        status = self._qs.status()
        if status != QSettings.Status.NoError:
            log.error("could not write settings file %s: %s", self.file_path, status.name)
