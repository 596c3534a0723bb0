"""The fake session the widget tests use must offer what the real EdgeSession offers."""
from __future__ import annotations

import inspect

from PySide6.QtCore import Signal

from desktop.session import EdgeSession
from desktop_fakes import FakeSession

_PUBLIC_ASYNC = (
    "login", "set_state", "force_state", "list_agents", "logout", "close",
    "accept_offer", "decline_offer", "complete_task", "submit_wrapup", "list_queues", "call",
)


def _signals(cls: type) -> dict[str, str]:
    return {
        name: str(value)
        for name, value in vars(cls).items()
        if isinstance(value, Signal)
    }


def test_same_signals_with_the_same_signatures() -> None:
    real = _signals(EdgeSession)
    assert real == _signals(FakeSession)
    # The brief's names, so nobody renames one by accident.
    assert {"logged_in", "login_failed", "state_changed", "link_state_changed", "session_lost",
            "kicked", "agent_status_published", "command_failed"} <= set(real)


def test_same_async_methods_and_parameters() -> None:
    for name in _PUBLIC_ASYNC:
        real = getattr(EdgeSession, name)
        fake = getattr(FakeSession, name)
        assert inspect.iscoroutinefunction(real) and inspect.iscoroutinefunction(fake), name
        real_params = list(inspect.signature(real).parameters)
        fake_params = list(inspect.signature(fake).parameters)
        if name == "login":  # the fake takes the keyword-only options as **kw
            assert real_params[:4] == fake_params[:4]
        else:
            assert real_params == fake_params, name


def test_same_read_only_state() -> None:
    for attr in ("edge", "is_logged_in", "link_state", "snapshot", "last_login_error"):
        assert hasattr(FakeSession(), attr), attr
        assert attr in dir(EdgeSession) or attr in EdgeSession.__init__.__code__.co_names, attr
