"""Logging for the desktop process, configured once by the composition root.

All project loggers hang below ``sb`` (``sb.ui``, ``sb.bus``, ``sb.qt``...), so one
configuration of ``sb`` covers them; the root logger is left alone for libraries.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

LOG_FILE = "desktop.log"
_MAX_BYTES = 2 * 1024 * 1024
_BACKUPS = 5

_qt_log = logging.getLogger("sb.qt")
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for support tooling."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(
    log_dir: Path | None, *, level: str = "INFO", json_lines: bool = False
) -> list[logging.Handler]:
    """Send ``sb.*`` to a rotating file in ``log_dir`` and warnings to stderr.

    Returns the handlers so :func:`shutdown_logging` can remove exactly these.
    """
    sb = logging.getLogger("sb")
    sb.setLevel(logging.DEBUG)
    sb.propagate = False  # our records go to our handlers, not to whatever root has
    handlers: list[logging.Handler] = []

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers.append(console)

    file_error: OSError | None = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            fh = logging.handlers.RotatingFileHandler(
                log_dir / LOG_FILE, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
            )
        except OSError as e:
            file_error = e
        else:
            fh.setLevel(logging.getLevelNamesMapping().get(level.upper(), logging.INFO))
            fh.setFormatter(JsonFormatter() if json_lines else logging.Formatter(_TEXT_FORMAT))
            handlers.append(fh)

    for h in handlers:
        sb.addHandler(h)
    if file_error is not None:
        # The app still runs without a log file; say where it wanted to write.
        logging.getLogger("sb.ui").warning("cannot write the log in %s: %s", log_dir, file_error)
    return handlers


def shutdown_logging(handlers: list[logging.Handler]) -> None:
    sb = logging.getLogger("sb")
    for h in handlers:
        sb.removeHandler(h)
        h.close()


#: Qt warnings that say nothing about our code, demoted to DEBUG so they do not reach
#: stderr (the frozen-build smoke test fails on unexpected output). Keep in step with
#: qt_log_ignore in pyproject.toml.
_QT_NOISE = (
    # The offscreen platform (tests, --offscreen) has no window manager to talk to.
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "QFont::fromString",
)


def _qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(mode, logging.WARNING)
    if level == logging.WARNING and message.startswith(_QT_NOISE):
        level = logging.DEBUG
    _qt_log.log(level, "%s", message)


def route_qt_messages() -> None:
    """Send Qt's own warnings into ``sb.qt`` so they land in the log file, not on a bare stderr."""
    qInstallMessageHandler(_qt_message_handler)


def restore_qt_messages() -> None:
    qInstallMessageHandler(None)
