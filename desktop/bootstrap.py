"""What the agent desktop and the designer do alike before and after their own windows exist.

Before: the display check, the client config, the QApplication, settings, logging
(Qt messages and uncaught slot exceptions included), the UI language with a CJK
font, and the stylesheet. After: the qasync loop runs the role's controller, then
everything is torn down in reverse and logging is flushed. Qt is imported only
inside, so `main.py desktop --help` and the display check stay fast.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import types
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import __version__
from desktop.client_config import ClientConfig, ClientConfigError, load_client_config
from desktop.display import display_problem

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from desktop.i18n import Translations
    from desktop.settings import Settings

log = logging.getLogger("sb.ui")


def preflight(role: str, *, offscreen: bool, config_path: Path | None) -> ClientConfig | int:
    """The client config, or an exit code after saying what is wrong (no display, a bad config)."""
    problem = display_problem(offscreen=offscreen)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication: the platform is chosen once
    if config_path is None:
        return ClientConfig()
    try:
        return load_client_config(config_path)
    except ClientConfigError as e:
        print(f"switchboard {role}: {e}", file=sys.stderr)
        return 2


@dataclass
class Boot:
    """The application-wide pieces both roles share, in construction order."""

    app: QApplication
    settings: Settings
    translations: Translations
    log_dir: Path
    handlers: list[Any]
    previous_hook: Callable[..., Any]
    owned: list[QObject] = field(default_factory=list)  # deleted in reverse at teardown


def boot(role: str, app_name: str, *, profile_dir: Path | None, language: str | None,
         config: ClientConfig) -> Boot:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from desktop import settings as S
    from desktop.i18n import Translations, ensure_cjk_font, resolve_language
    from desktop.icons import app_icon
    from desktop.logs import configure_logging, route_qt_messages
    from desktop.paths import fonts_dir, i18n_dir, styles_dir
    from desktop.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(S.ORGANIZATION)
    app.setApplicationName(app_name)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    # The login dialog may be the only window; closing it must go through the controller.
    app.setQuitOnLastWindowClosed(False)

    # The designer shares the desktop's settings file (edge address, user, language) on purpose.
    settings = Settings.open(profile_dir)
    if profile_dir is not None:
        log_dir = profile_dir / "logs"
    else:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        log_dir = Path(base) / "logs"
    handlers = configure_logging(log_dir, level=settings.get(S.LOG_LEVEL), json_lines=settings.get(S.LOG_JSON))
    route_qt_messages()
    previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    log.info("Switchboard %s %s starting (settings %s, logs %s)", role, __version__, settings.file_path, log_dir)
    if config.source is not None:
        log.info("client config %s: edge %s, CURVE %s", config.source, config.edge or "-",
                 "on" if config.server_key else "off")

    translations = Translations(app, i18n_dir())
    chosen = resolve_language(language or settings.get(S.LANGUAGE))
    translations.install(chosen)
    ensure_cjk_font(fonts_dir(), required=chosen != "en")
    app.setStyleSheet(_read_stylesheet(styles_dir() / "desktop.qss"))
    return Boot(app, settings, translations, log_dir, handlers, previous_hook)


def run_until_done(b: Boot, role: str, main: Coroutine[Any, Any, int], bug_exit: int,
                   before_teardown: Callable[[], None] | None = None) -> int:
    """Run the role's controller on a qasync loop; tear everything down in reverse; the exit code."""
    import qasync

    from desktop import tasks
    from desktop.logs import restore_qt_messages, shutdown_logging

    try:
        exit_code = asyncio.run(main, loop_factory=lambda: qasync.QEventLoop(b.app))
    except Exception:
        log.exception("the %s stopped on an unexpected error", role)
        exit_code = bug_exit
    finally:
        log.info("tearing down (%d background tasks left)", tasks.pending())
        for obj in reversed(b.owned):
            obj.deleteLater()
        b.translations.uninstall()
        if before_teardown is not None:
            before_teardown()
        b.settings.sync()
        sys.excepthook = b.previous_hook
        restore_qt_messages()
        log.info("exit code %d", exit_code)
        shutdown_logging(b.handlers)
    return exit_code


def _read_stylesheet(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        # Unstyled is ugly but usable; a packaging bug to report, not a reason to stop.
        log.error("cannot read the stylesheet %s: %s", path, e)
        return ""


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None) -> None:
    """Exceptions escaping Qt slots are bugs: log them with the traceback (the crash report)."""
    log.critical("uncaught exception in a slot", exc_info=(exc_type, exc, tb))
