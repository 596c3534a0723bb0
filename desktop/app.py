"""Composition root of the agent desktop: builds every service in order, shuts down in reverse.

Order: display check → client config → QApplication → settings → logging →
translations and fonts → stylesheet → session → interactions hub → main window →
controller on the qasync loop. Nothing here runs at import time.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import types
from pathlib import Path

from desktop import __version__
from desktop.client_config import ClientConfig, ClientConfigError, load_client_config
from desktop.display import display_problem
from desktop.options import DesktopOptions

__all__ = ["DesktopOptions", "run"]

log = logging.getLogger("sb.ui")


def run(opts: DesktopOptions) -> int:
    """Run the desktop until the agent quits; returns the process exit code."""
    problem = display_problem(offscreen=opts.offscreen)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if opts.offscreen:
        # Must be set before the QApplication exists; the platform plugin is chosen once.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    config = ClientConfig()
    if opts.config_path is not None:
        try:
            config = load_client_config(opts.config_path)
        except ClientConfigError as e:
            print(f"switchboard desktop: {e}", file=sys.stderr)
            return 2

    # Qt is imported only now, so `main.py desktop --help` and the display check stay fast.
    import qasync
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from desktop import settings as S
    from desktop import tasks
    from desktop.controller import EXIT_BUG, DesktopController
    from desktop.i18n import Translations, ensure_cjk_font, resolve_language
    from desktop.icons import app_icon
    from desktop.interactions_hub import InteractionsHub
    from desktop.logs import configure_logging, restore_qt_messages, route_qt_messages, shutdown_logging
    from desktop.main_window import MainWindow
    from desktop.paths import fonts_dir, i18n_dir, styles_dir
    from desktop.session import EdgeSession
    from desktop.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(S.ORGANIZATION)
    app.setApplicationName("Switchboard")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    # The login dialog may be the only window; closing it must go through the controller.
    app.setQuitOnLastWindowClosed(False)

    settings = Settings.open(opts.profile_dir)
    if opts.profile_dir is not None:
        log_dir: Path = opts.profile_dir / "logs"
    else:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        log_dir = Path(base) / "logs"
    handlers = configure_logging(
        log_dir, level=settings.get(S.LOG_LEVEL), json_lines=settings.get(S.LOG_JSON)
    )
    route_qt_messages()
    previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    log.info("Switchboard desktop %s starting (settings %s, logs %s)", __version__, settings.file_path, log_dir)
    if config.source is not None:
        log.info("client config %s: edge %s, CURVE %s", config.source, config.edge or "-",
                 "on" if config.server_key else "off")

    translations = Translations(app, i18n_dir())
    language = resolve_language(opts.language or settings.get(S.LANGUAGE))
    translations.install(language)
    ensure_cjk_font(fonts_dir(), required=language != "en")
    app.setStyleSheet(_read_stylesheet(styles_dir() / "desktop.qss"))

    session = EdgeSession(
        client_id=settings.client_id(),
        login_timeout_s=settings.get(S.LOGIN_TIMEOUT_S),
        request_timeout_s=settings.get(S.REQUEST_TIMEOUT_S),
        heartbeat_ms=settings.get(S.HEARTBEAT_MS),
    )
    log.info("session built (client id %s)", settings.client_id())
    # The one hub over the session: chats, customers, canned responses for every view.
    hub = InteractionsHub(session)
    log.info("interactions hub built")
    window = MainWindow(session, settings, now_ms=session.clock.now_ms, hub=hub)
    controller = DesktopController(
        session=session, settings=settings, translations=translations,
        window=window, config=config, opts=opts,
    )
    log.info("main window and controller built")

    try:
        exit_code = asyncio.run(controller.run(), loop_factory=lambda: qasync.QEventLoop(app))
    except Exception:
        log.exception("the desktop stopped on an unexpected error")
        exit_code = EXIT_BUG
    finally:
        # Reverse of construction.
        log.info("tearing down (%d background tasks left)", tasks.pending())
        controller.deleteLater()
        window.deleteLater()
        hub.deleteLater()
        session.deleteLater()
        translations.uninstall()
        settings.sync()
        sys.excepthook = previous_hook
        restore_qt_messages()
        log.info("exit code %d", exit_code)
        shutdown_logging(handlers)
    return exit_code


def _read_stylesheet(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        # Unstyled is ugly but usable; a packaging bug to report, not a reason to stop.
        log.error("cannot read the stylesheet %s: %s", path, e)
        return ""


def _log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None
) -> None:
    """Exceptions escaping Qt slots are bugs: log them with the traceback (the crash report)."""
    log.critical("uncaught exception in a slot", exc_info=(exc_type, exc, tb))
