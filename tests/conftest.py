"""Suite-wide isolation: every edge a test starts (in process or as a subprocess) picks free ports."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _webchat_on_a_free_port() -> Iterator[None]:
    # The web chat's default port (8480) is for people; two edges in tests must never collide on it.
    # (Same for the cloud channels' webhook port, 8481.)
    keys = ("SWITCHBOARD__WEBCHAT__PORT", "SWITCHBOARD__CHANNELS__WEBHOOK_PORT")
    old = {k: os.environ.get(k) for k in keys}
    os.environ.update(dict.fromkeys(keys, "0"))
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _empty_clipboard_after_gui_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    # Mime data a test left on the clipboard is destroyed after QApplication at interpreter exit and
    # crashes the process (rc 139 after every test passed); empty it while the application still lives.
    yield
    if "qapp" in request.fixturenames or "qtbot" in request.fixturenames:
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is not None:
            QGuiApplication.clipboard().clear()
