"""The run loop the desktop's and the designer's controllers share: quit on SIGINT/SIGTERM or after
``--quit-after``, show the window, log in (unattended or through the dialog), wait, shut down."""
from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from PySide6.QtCore import QTimer

log = logging.getLogger("sb.ui")

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USAGE = 2  # bad options or config: nothing to do but fix them
EXIT_LOGIN_FAILED = 3  # unattended login refused or edge unreachable
EXIT_SESSION_ENDED = 4  # unattended session kicked or lost


class RunLoop:
    """Mixed into a QObject controller, which provides ``_opts`` (quit_after_s), ``_window``
    (show, set_language_checked), ``_unattended`` and the hooks below."""

    _quit: asyncio.Event
    _exit_code: int
    _opts: Any
    _window: Any
    _unattended: bool

    def _init_run_loop(self) -> None:
        self._quit = asyncio.Event()
        self._exit_code = EXIT_OK

    def request_quit(self, code: int = EXIT_OK) -> None:
        if not self._quit.is_set():
            log.info("quit requested (exit code %d)", code)
            self._exit_code = code
            self._quit.set()

    async def run(self) -> int:
        """Show the window, log in, and wait for quit; then shut down in reverse."""
        loop = asyncio.get_running_loop()
        handled: list[signal.Signals] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request_quit)
                handled.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread (tests) or Windows: Quit from the UI still works
        quit_timer: QTimer | None = None
        if self._opts.quit_after_s is not None:
            quit_timer = QTimer(self)  # type: ignore[arg-type]
            quit_timer.setSingleShot(True)
            quit_timer.timeout.connect(lambda: self.request_quit(EXIT_OK))
            quit_timer.start(int(self._opts.quit_after_s * 1000))
        self._window.set_language_checked(self._current_language())
        self._window.show()
        try:
            if self._unattended:
                code = await self._login_unattended()
                if code != EXIT_OK:
                    self.request_quit(code)
            else:
                self._open_login_dialog()
            await self._quit.wait()
        finally:
            if quit_timer is not None:
                quit_timer.stop()
            await self._shutdown()
            for sig in handled:
                loop.remove_signal_handler(sig)
        return self._exit_code

    # --- hooks ---------------------------------------------------------------------------------

    def _current_language(self) -> str:
        raise NotImplementedError

    async def _login_unattended(self) -> int:
        raise NotImplementedError

    def _open_login_dialog(self) -> None:
        raise NotImplementedError

    async def _shutdown(self) -> None:
        raise NotImplementedError
