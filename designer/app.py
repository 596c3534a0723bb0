"""Composition root of the designer: builds every service in order, shuts down in reverse.

Order: display check → client config → QApplication → settings → logging →
translations and fonts → stylesheet → session → main window → controller on the
qasync loop. Nothing here runs at import time.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING

from designer.options import DesignerOptions
from desktop import __version__
from desktop.client_config import ClientConfig, ClientConfigError, load_client_config
from desktop.display import display_problem

__all__ = ["DesignerOptions", "run"]

log = logging.getLogger("sb.designer")


def run(opts: DesignerOptions) -> int:
    """Run the designer until the supervisor quits; returns the process exit code."""
    problem = display_problem(offscreen=opts.offscreen)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if opts.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication: the platform is chosen once
    config = ClientConfig()
    if opts.config_path is not None:
        try:
            config = load_client_config(opts.config_path)
        except ClientConfigError as e:
            print(f"switchboard designer: {e}", file=sys.stderr)
            return 2

    # Qt only now, so `main.py designer --help` stays fast.
    import qasync
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from designer.controller import EXIT_BUG, DesignerController
    from designer.main_window import DesignerWindow
    from desktop.session import EdgeSession
    from desktop import settings as S
    from desktop import tasks
    from desktop.i18n import Translations, ensure_cjk_font, resolve_language
    from desktop.icons import app_icon
    from desktop.logs import configure_logging, restore_qt_messages, route_qt_messages, shutdown_logging
    from desktop.paths import fonts_dir, i18n_dir, styles_dir
    from desktop.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(S.ORGANIZATION)
    app.setApplicationName("Switchboard Designer")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the controller decides when to quit

    # The designer shares the desktop's settings file (edge address, user, language) on purpose:
    # a supervisor's PC knows one edge.
    settings = Settings.open(opts.profile_dir)
    if opts.profile_dir is not None:
        log_dir: Path = opts.profile_dir / "logs"
    else:
        log_dir = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / "logs"
    handlers = configure_logging(log_dir, level=settings.get(S.LOG_LEVEL), json_lines=settings.get(S.LOG_JSON))
    route_qt_messages()
    previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    log.info("Switchboard designer %s starting (settings %s, logs %s)", __version__, settings.file_path, log_dir)

    translations = Translations(app, i18n_dir())
    language = resolve_language(opts.language or settings.get(S.LANGUAGE))
    translations.install(language)
    ensure_cjk_font(fonts_dir(), required=language != "en")
    try:
        app.setStyleSheet((styles_dir() / "desktop.qss").read_text(encoding="utf-8"))
    except OSError as e:
        log.error("cannot read the stylesheet: %s", e)

    # Its own client id: a desktop on the same PC keeps its session while the designer logs in.
    session = EdgeSession(client_id=settings.client_id() + "-designer",
                              login_timeout_s=settings.get(S.LOGIN_TIMEOUT_S),
                              request_timeout_s=settings.get(S.REQUEST_TIMEOUT_S),
                              heartbeat_ms=settings.get(S.HEARTBEAT_MS))
    log.info("session built")
    window = DesignerWindow()
    controller = DesignerController(session=session, settings=settings, translations=translations,
                                    window=window, config=config, opts=opts)
    log.info("main window and controller built")
    try:
        exit_code = asyncio.run(controller.run(), loop_factory=lambda: qasync.QEventLoop(app))
    except Exception:
        log.exception("the designer stopped on an unexpected error")
        exit_code = EXIT_BUG
    finally:
        log.info("tearing down (%d background tasks left)", tasks.pending())
        controller.deleteLater()
        window.deleteLater()
        session.deleteLater()
        translations.uninstall()
        _release_clipboard(app)
        settings.sync()
        sys.excepthook = previous_hook
        restore_qt_messages()
        log.info("exit code %d", exit_code)
        shutdown_logging(handlers)
    return exit_code


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None) -> None:
    """Exceptions escaping Qt slots are bugs: log them with the traceback."""
    log.critical("uncaught exception in a slot", exc_info=(exc_type, exc, tb))


if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def _release_clipboard(app: QApplication) -> None:
    """Copied nodes/fields are our mime data; destroyed after the application at exit, they crash the
    process. Keep a plain-text copy for other programs and let Qt drop ours while it still can."""
    clipboard = app.clipboard()
    mime = clipboard.mimeData()
    if mime is not None and any(f.startswith("application/x-switchboard") for f in mime.formats()):
        text = mime.text()
        clipboard.clear()
        if text:
            clipboard.setText(text)
