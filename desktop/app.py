"""Composition root of the agent desktop: builds every service in order, shuts down in reverse.

Order: display check → client config → QApplication → settings → logging →
translations and fonts → stylesheet → session → interactions hub → main window →
controller on the qasync loop. Nothing here runs at import time.
"""
from __future__ import annotations

import logging

from desktop.bootstrap import boot, preflight, run_until_done
from desktop.options import DesktopOptions

__all__ = ["DesktopOptions", "run"]

log = logging.getLogger("sb.ui")


def run(opts: DesktopOptions) -> int:
    """Run the desktop until the agent quits; returns the process exit code."""
    config = preflight("desktop", offscreen=opts.offscreen, config_path=opts.config_path)
    if isinstance(config, int):
        return config
    b = boot("desktop", "Switchboard", profile_dir=opts.profile_dir, language=opts.language, config=config)

    from desktop import settings as S
    from desktop.controller import EXIT_BUG, DesktopController
    from desktop.interactions_hub import InteractionsHub
    from desktop.main_window import MainWindow
    from desktop.session import EdgeSession

    session = EdgeSession(
        client_id=b.settings.client_id(),
        login_timeout_s=b.settings.get(S.LOGIN_TIMEOUT_S),
        request_timeout_s=b.settings.get(S.REQUEST_TIMEOUT_S),
        heartbeat_ms=b.settings.get(S.HEARTBEAT_MS),
    )
    log.info("session built (client id %s)", b.settings.client_id())
    # The one hub over the session: chats, customers, canned responses for every view.
    hub = InteractionsHub(session)
    log.info("interactions hub built")
    window = MainWindow(session, b.settings, now_ms=session.clock.now_ms, hub=hub)
    controller = DesktopController(
        session=session, settings=b.settings, translations=b.translations,
        window=window, config=config, opts=opts,
    )
    b.owned += [session, hub, window, controller]  # deleted in reverse
    log.info("main window and controller built")
    return run_until_done(b, "desktop", controller.run(), EXIT_BUG)
