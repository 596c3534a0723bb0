"""Logging set-up shared by every process (Qt-free, so the edge can use it).

Subsystems log to named loggers (``sb.bus``, ``sb.store``, ``sb.routing``, ``sb.ui``...);
only a process's composition root calls :func:`configure`.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from pathlib import Path

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for support tooling."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure(
    *,
    level: str = "INFO",
    log_file: Path | None = None,
    json_format: bool = False,
    stream: bool = True,
) -> None:
    """Configure the root logger once for this process (idempotent: replaces our handlers)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_switchboard", False):
            root.removeHandler(h)
            h.close()
    fmt: logging.Formatter = JsonFormatter() if json_format else logging.Formatter(_TEXT_FORMAT)
    handlers: list[logging.Handler] = []
    if stream:
        handlers.append(logging.StreamHandler(sys.stderr))
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8"
            )
        )
    for h in handlers:
        h.setFormatter(fmt)
        h._switchboard = True  # type: ignore[attr-defined]
        root.addHandler(h)
    try:
        root.setLevel(level.upper())
    except ValueError as e:
        raise ValueError(f"log level {level!r} is not one of DEBUG, INFO, WARNING, ERROR") from e
