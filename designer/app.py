"""Composition root of the designer: builds every service in order, shuts down in reverse.

Order: display check → client config → QApplication → settings → logging →
translations and fonts → stylesheet → session → main window → controller on the
qasync loop. Nothing here runs at import time.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from designer.options import DesignerOptions
from desktop.bootstrap import boot, preflight, run_until_done

__all__ = ["DesignerOptions", "run"]

log = logging.getLogger("sb.designer")


def run(opts: DesignerOptions) -> int:
    """Run the designer until the supervisor quits; returns the process exit code."""
    config = preflight("designer", offscreen=opts.offscreen, config_path=opts.config_path)
    if isinstance(config, int):
        return config
    b = boot("designer", "Switchboard Designer", profile_dir=opts.profile_dir, language=opts.language,
             config=config)

    from designer.controller import EXIT_BUG, DesignerController
    from designer.main_window import DesignerWindow
    from desktop import settings as S
    from desktop.session import EdgeSession

    # Its own client id: a desktop on the same PC keeps its session while the designer logs in.
    session = EdgeSession(client_id=b.settings.client_id() + "-designer",
                          login_timeout_s=b.settings.get(S.LOGIN_TIMEOUT_S),
                          request_timeout_s=b.settings.get(S.REQUEST_TIMEOUT_S),
                          heartbeat_ms=b.settings.get(S.HEARTBEAT_MS))
    window = DesignerWindow()
    controller = DesignerController(session=session, settings=b.settings, translations=b.translations,
                                    window=window, config=config, opts=opts)
    b.owned += [session, window, controller]  # deleted in reverse
    log.info("session, main window and controller built")
    return run_until_done(b, "designer", controller.run(), EXIT_BUG, before_teardown=lambda: _release_clipboard(b.app))


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
