"""The designer's life from start to quit: login (dialog or unattended, supervisors only), shutdown."""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject

from designer.design_client import DesignClient
from designer.main_window import DesignerWindow
from designer.options import DesignerOptions
from desktop.session import EdgeSession
from desktop import settings as S
from desktop import tasks
from desktop.client_config import ClientConfig
from desktop.i18n import Translations, ensure_cjk_font, resolve_language
from desktop.paths import fonts_dir
from desktop.login_dialog import LoginDialog
from desktop.run_loop import (  # noqa: F401 - the exit codes are re-exported for the app
    EXIT_BUG,
    EXIT_LOGIN_FAILED,
    EXIT_OK,
    EXIT_SESSION_ENDED,
    EXIT_USAGE,
    RunLoop,
)
from desktop.settings import Settings
from desktop.texts import describe_error
from edge_server.contract.errors import ErrorCode
from edge_server.contract.messages import Role

log = logging.getLogger("sb.designer")

EXIT_FORBIDDEN = 5  # unattended login as an agent


class DesignerController(RunLoop, QObject):
    """Login dialog, session and window; :meth:`run` is the app's life."""

    def __init__(self, *, session: EdgeSession, settings: Settings, translations: Translations,
                 window: DesignerWindow, config: ClientConfig, opts: DesignerOptions,
                 parent: QObject | None = None) -> None:
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
        window.quit_requested.connect(lambda: self.request_quit(EXIT_OK))
        window.logout_requested.connect(lambda: tasks.spawn(self._logout_then_login(), name="logout"))
        window.language_chosen.connect(self._on_language_chosen)
        session.kicked.connect(self._on_session_ended)
        session.session_lost.connect(self._on_session_ended)

    @property
    def login_dialog(self) -> LoginDialog | None:
        return self._dialog

    def _current_language(self) -> str:
        return self._translations.language

    def _open_login_dialog(self) -> None:
        self.show_login_dialog()

    # --- login --------------------------------------------------------------------------------------

    def _refusal(self) -> str:
        return self.tr("The designer is for supervisors and administrators. Log in with a supervisor account.")

    async def login(self, edge: str, username: str, password: str) -> str:
        """Log in and check the role: "" when the designer may be used, else why not (translated)."""
        ok = await self._session.login(edge, username, password, server_key=self._config.server_key,
                                       client_keys=self._config.client_keys, language=self._translations.language)
        if not ok:
            err = self._session.last_login_error
            return describe_error(err, edge=edge) if err else self.tr("The login failed.")
        role = self._session.role
        if role is None or not role.allows(Role.SUPERVISOR):
            log.warning("%s (role %s) may not use the designer", username, role)
            await self._session.logout(self._settings.get(S.LOGOUT_TIMEOUT_S))
            return self._refusal()
        self._window.attach(DesignClient(self._session), user=username, role=str(role), edge=edge)
        await self._window.start()
        return ""

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
        problem = await self.login(edge, username, password)
        if problem:
            log.error("unattended login failed: %s", problem)
            return EXIT_FORBIDDEN if problem == self._refusal() else EXIT_LOGIN_FAILED
        return EXIT_OK

    def show_login_dialog(self, message: str = "") -> LoginDialog | None:
        if self._quitting:
            return None
        if self._dialog is None:
            dialog = LoginDialog(self._settings, edge=self._config.edge or None,
                                 username=self._opts.username or self._config.username or None, parent=self._window)
            dialog.login_requested.connect(
                lambda e, u, p: tasks.spawn(self._login_from_dialog(e, u, p), name="login"))
            dialog.rejected.connect(self._on_dialog_rejected)
            self._dialog = dialog
        if message:
            self._dialog.show_error(message)
        self._dialog.open()
        return self._dialog

    async def _login_from_dialog(self, edge: str, username: str, password: str) -> None:
        problem = await self.login(edge, username, password)
        dialog = self._dialog
        if dialog is None:
            return
        if not problem:
            dialog.login_succeeded()
            return
        err = self._session.last_login_error
        retry = float(err.details.get("retry_after_s", 0) or 0) if err and err.code == ErrorCode.THROTTLED else 0.0
        dialog.show_error(problem, retry_after_s=retry)

    def _on_dialog_rejected(self) -> None:
        if not self._session.is_logged_in:
            self.request_quit(EXIT_OK)

    def _on_session_ended(self, message: str) -> None:
        self._window.detach()
        if self._unattended:
            self.request_quit(EXIT_SESSION_ENDED)
            return
        self.show_login_dialog(message)

    def _on_language_chosen(self, language: str) -> None:
        self._settings.set(S.LANGUAGE, language)
        self._settings.sync()
        resolved = resolve_language(language)
        self._translations.install(resolved)  # widgets re-translate on LanguageChange
        ensure_cjk_font(fonts_dir(), required=resolved != "en")
        self._window.set_language_checked(resolved)

    async def _logout_then_login(self) -> None:
        await self._session.logout(self._settings.get(S.LOGOUT_TIMEOUT_S))
        self._window.detach()
        if self._unattended:
            self.request_quit(EXIT_OK)
        else:
            self.show_login_dialog()

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
        self._window.hide()
        self._settings.sync()
        log.info("shut down")
