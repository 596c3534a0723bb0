"""The login dialog: edge address, user, password, and what went wrong in plain words."""
from __future__ import annotations

import math
import re

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as S
from desktop.icons import app_icon
from desktop.settings import Settings

_TCP = re.compile(r"^tcp://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>\d{1,5})$")


def edge_address_problem(address: str) -> str | None:
    """Why ``address`` is not a usable edge endpoint (translated), or None when it is."""
    text = address.strip()
    if not text:
        return QCoreApplication.translate("LoginDialog", "Enter the edge server address.")
    if text.startswith("ipc://") and len(text) > len("ipc://"):
        return None  # same-machine edge (development, kiosks)
    m = _TCP.match(text)
    if m is None or not 1 <= int(m.group("port")) <= 65535:
        return QCoreApplication.translate(
            "LoginDialog", "The address must look like tcp://host:port, e.g. tcp://edge.local:7700."
        )
    return None


class LoginDialog(QDialog):
    """Asks for credentials; the caller does the login and reports back.

    ``login_requested`` carries what to log in with; the caller answers with
    :meth:`login_succeeded` (remembers user and address, closes) or :meth:`show_error`.
    """

    #: (edge address, user name, password)
    login_requested = Signal(str, str, str)

    def __init__(
        self,
        settings: Settings,
        *,
        edge: str | None = None,
        username: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowIcon(app_icon())
        self._settings = settings
        self._busy = False
        self._throttle_left_s = 0
        self._throttle = QTimer(self)
        self._throttle.setInterval(1000)
        self._throttle.timeout.connect(self._on_throttle_tick)

        self._title = QLabel(self)
        self._title.setObjectName("login_title")
        self.edge_edit = QLineEdit(self)
        self.edge_edit.setObjectName("edge_edit")
        self.edge_edit.setPlaceholderText("tcp://edge.local:7700")
        self.user_edit = QLineEdit(self)
        self.user_edit.setObjectName("user_edit")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._edge_hint = QLabel(self)
        self._edge_hint.setObjectName("edge_hint")
        self._edge_hint.setWordWrap(True)
        self._edge_hint.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("login_error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self._form = QFormLayout()
        self._edge_caption = QLabel(self)
        self._user_caption = QLabel(self)
        self._password_caption = QLabel(self)
        self._edge_caption.setBuddy(self.edge_edit)
        self._user_caption.setBuddy(self.user_edit)
        self._password_caption.setBuddy(self.password_edit)
        self._form.addRow(self._edge_caption, self.edge_edit)
        self._form.addRow("", self._edge_hint)
        self._form.addRow(self._user_caption, self.user_edit)
        self._form.addRow(self._password_caption, self.password_edit)

        self._buttons = QDialogButtonBox(self)
        self.login_button = QPushButton(self)
        self.login_button.setObjectName("login_button")
        self.login_button.setDefault(True)
        self._buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self._quit_button = self._buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self._buttons.accepted.connect(self._on_login_clicked)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self._title)
        layout.addLayout(self._form)
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(420)

        self.edge_edit.setText(edge if edge else settings.get(S.LAST_EDGE))
        self.user_edit.setText(username if username else settings.get(S.LAST_USERNAME))
        for edit in (self.edge_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._on_input_changed)
        self._retranslate()
        self._on_input_changed()
        self._focus_first_empty()

    # --- what the caller calls --------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for w in (self.edge_edit, self.user_edit, self.password_edit):
            w.setEnabled(not busy)
        self._retranslate()
        self._on_input_changed()

    def show_error(self, message: str, *, retry_after_s: float = 0.0) -> None:
        """Show why the login failed; with ``retry_after_s`` the button waits that long."""
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        self.password_edit.clear()
        self.password_edit.setFocus()
        if retry_after_s > 0:
            self._throttle_left_s = math.ceil(retry_after_s)
            self._throttle.start()
            self._retranslate()
            self._on_input_changed()

    def login_succeeded(self) -> None:
        """Remember address and user for next time, then close."""
        self._settings.set(S.LAST_EDGE, self.edge_edit.text().strip())
        self._settings.set(S.LAST_USERNAME, self.user_edit.text().strip())
        self._settings.sync()
        self.set_busy(False)
        self.password_edit.clear()
        self.accept()

    def can_submit(self) -> bool:
        return self.login_button.isEnabled()

    # --- Qt overrides -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._on_input_changed()
        super().changeEvent(event)

    # --- internals ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Switchboard – Log in"))
        self._title.setText(self.tr("Log in to Switchboard"))
        self._edge_caption.setText(self.tr("&Edge server:"))
        self._user_caption.setText(self.tr("&User name:"))
        self._password_caption.setText(self.tr("&Password:"))
        self._quit_button.setText(self.tr("&Quit"))
        if self._busy:
            self.login_button.setText(self.tr("Logging in…"))
        elif self._throttle_left_s > 0:
            self.login_button.setText(self.tr("Log in ({seconds})").format(seconds=self._throttle_left_s))
        else:
            self.login_button.setText(self.tr("&Log in"))

    def _on_input_changed(self) -> None:
        problem = edge_address_problem(self.edge_edit.text())
        # Only complain about the address once something was typed into it.
        if problem is not None and self.edge_edit.text().strip():
            self._edge_hint.setText(problem)
            self._edge_hint.show()
        else:
            self._edge_hint.hide()
        ok = (
            problem is None
            and bool(self.user_edit.text().strip())
            and bool(self.password_edit.text())
            and not self._busy
            and self._throttle_left_s <= 0
        )
        self.login_button.setEnabled(ok)

    def _on_login_clicked(self) -> None:
        if not self.can_submit():
            return
        self.error_label.hide()
        self.set_busy(True)
        self.login_requested.emit(
            self.edge_edit.text().strip(), self.user_edit.text().strip(), self.password_edit.text()
        )

    def _on_throttle_tick(self) -> None:
        self._throttle_left_s -= 1
        if self._throttle_left_s <= 0:
            self._throttle_left_s = 0
            self._throttle.stop()
        self._retranslate()
        self._on_input_changed()

    def _focus_first_empty(self) -> None:
        for edit in (self.edge_edit, self.user_edit, self.password_edit):
            if not edit.text():
                edit.setFocus()
                return
        self.password_edit.setFocus()
