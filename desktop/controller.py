"""The desktop's life from start to quit: login (dialog or unattended), relogin, shutdown."""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop import settings as S
from desktop import tasks
from desktop.client_config import ClientConfig
from desktop.i18n import Translations, ensure_cjk_font, resolve_language
from desktop.login_dialog import LoginDialog
from desktop.run_loop import (  # noqa: F401 - the exit codes are re-exported for the app
    EXIT_BUG,
    EXIT_LOGIN_FAILED,
    EXIT_OK,
    EXIT_SESSION_ENDED,
    EXIT_USAGE,
    RunLoop,
)
from desktop.main_window import MainWindow
from desktop.options import DesktopOptions
from desktop.paths import fonts_dir
from desktop.settings import Settings
from desktop.texts import describe_error
from edge_server.contract.errors import ErrorCode
from edge_server.contract.messages import AgentState

if TYPE_CHECKING:
    from desktop.session import EdgeSession

log = logging.getLogger("sb.ui")



class DesktopController(RunLoop, QObject):
    """Runs the interplay of login dialog, session and main window; :meth:`run` is the app's life."""

    def __init__(
        self,
        *,
        session: EdgeSession,
        settings: Settings,
        translations: Translations,
        window: MainWindow,
        config: ClientConfig,
        opts: DesktopOptions,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self._translations = translations
        self._window = window
        self._config = config
        self._opts = opts
        self._dialog: LoginDialog | None = None
        self._init_run_loop()
        self._quitting = False
        self._unattended = bool(opts.password_env)

        window.quit_requested.connect(self._on_quit_requested)
        window.logout_requested.connect(self._on_logout_requested)
        window.language_chosen.connect(self._on_language_chosen)
        session.kicked.connect(self._on_kicked)
        session.session_lost.connect(self._on_session_lost)

    def _current_language(self) -> str:
        return self._settings.get(S.LANGUAGE)

    def _open_login_dialog(self) -> None:
        self._show_login_dialog()

    # --- login ---------------------------------------------------------------------------

    async def _login_unattended(self) -> int:
        assert self._opts.password_env is not None
        password = os.environ.get(self._opts.password_env)
        edge = self._config.edge or self._settings.get(S.LAST_EDGE)
        username = self._opts.username or self._config.username or self._settings.get(S.LAST_USERNAME)
        if password is None:
            log.error("environment variable %s (the password) is not set", self._opts.password_env)
            return EXIT_USAGE
        if not edge or not username:
            log.error("unattended login needs an edge address (config: edge) and a user name")
            return EXIT_USAGE
        ok = await self._session.login(
            edge,
            username,
            password,
            server_key=self._config.server_key,
            client_keys=self._config.client_keys,
            language=self._translations.language,
        )
        if not ok:
            err = self._session.last_login_error
            log.error("unattended login failed: %s", describe_error(err, edge=edge) if err else "?")
            return EXIT_LOGIN_FAILED
        self._settings.set(S.LAST_EDGE, edge)
        self._settings.set(S.LAST_USERNAME, username)
        await self._after_login()
        return EXIT_OK

    def _show_login_dialog(self, message: str = "") -> None:
        if self._quitting:
            return
        if self._dialog is None:
            dialog = LoginDialog(
                self._settings,
                edge=self._config.edge or None,
                username=self._opts.username or self._config.username or None,
                parent=self._window,
            )
            dialog.login_requested.connect(self._on_login_requested)
            dialog.rejected.connect(self._on_dialog_rejected)
            self._dialog = dialog
        if message:
            self._dialog.show_error(message)
        self._dialog.open()

    def _on_login_requested(self, edge: str, username: str, password: str) -> None:
        tasks.spawn(self._login_from_dialog(edge, username, password), name="login")

    async def _login_from_dialog(self, edge: str, username: str, password: str) -> None:
        ok = await self._session.login(
            edge,
            username,
            password,
            server_key=self._config.server_key,
            client_keys=self._config.client_keys,
            language=self._translations.language,
        )
        dialog = self._dialog
        if dialog is None:
            return  # quitting meanwhile
        if ok:
            dialog.login_succeeded()
            await self._after_login()
            return
        err = self._session.last_login_error
        if err is None:  # the session always records why; keep the dialog usable regardless
            dialog.show_error(self.tr("The login failed."))
            return
        retry = 0.0
        if err.code == ErrorCode.THROTTLED:
            retry = float(err.details.get("retry_after_s", 0) or 0)
        dialog.show_error(describe_error(err, edge=edge), retry_after_s=retry)

    async def _after_login(self) -> None:
        if self._opts.auto_ready:
            await self._session.set_state(AgentState.READY)

    def _on_dialog_rejected(self) -> None:
        if not self._session.is_logged_in:
            self.request_quit(EXIT_OK)

    # --- session ended from the edge side --------------------------------------------------

    def _on_kicked(self, reason: str) -> None:
        if self._unattended:
            self.request_quit(EXIT_SESSION_ENDED)
            return
        self._show_login_dialog(
            self.tr("You were logged out by the edge server: {reason}").format(reason=reason)
        )

    def _on_session_lost(self, message: str) -> None:
        if self._unattended:
            self.request_quit(EXIT_SESSION_ENDED)
            return
        self._show_login_dialog(message)

    # --- menu -----------------------------------------------------------------------------------

    def _on_logout_requested(self) -> None:
        tasks.spawn(self._logout_then_login(), name="logout")

    async def _logout_then_login(self) -> None:
        await self._session.logout(self._settings.get(S.LOGOUT_TIMEOUT_S))
        if self._unattended:
            self.request_quit(EXIT_OK)
        else:
            self._show_login_dialog()

    def _on_language_chosen(self, language: str) -> None:
        self._settings.set(S.LANGUAGE, language)
        self._settings.sync()
        resolved = resolve_language(language)
        self._translations.install(resolved)
        ensure_cjk_font(fonts_dir(), required=resolved != "en")
        self._window.set_language_checked(language)

    def _on_quit_requested(self) -> None:
        self.request_quit(EXIT_OK)

    # --- shutdown ------------------------------------------------------------------------------

    async def _shutdown(self) -> None:
        """Reverse of start: dialog, session (logout bounded), background tasks, window."""
        self._quitting = True
        log.info("shutting down")
        if self._dialog is not None:
            self._dialog.rejected.disconnect(self._on_dialog_rejected)
            self._dialog.close()
            self._dialog = None
        if self._session.is_logged_in:
            await self._session.logout(self._settings.get(S.LOGOUT_TIMEOUT_S))
        else:
            await self._session.close()
        await tasks.cancel_all()
        self._window.quit_requested.disconnect(self._on_quit_requested)
        self._window.save_layout()
        self._window.hide_tray()
        self._window.close()
        self._settings.sync()
        log.info("shut down")

