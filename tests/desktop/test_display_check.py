from __future__ import annotations

from desktop.display import display_problem


def test_no_display_explains_offscreen_and_xvfb() -> None:
    msg = display_problem(environ={}, platform="linux")
    assert msg is not None
    assert "--offscreen" in msg
    assert "xvfb-run -a python main.py desktop" in msg
    assert "DISPLAY" in msg and "WAYLAND_DISPLAY" in msg


def test_any_display_or_platform_is_fine() -> None:
    assert display_problem(environ={"DISPLAY": ":0"}, platform="linux") is None
    assert display_problem(environ={"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert display_problem(environ={"QT_QPA_PLATFORM": "vnc"}, platform="linux") is None


def test_offscreen_needs_no_display() -> None:
    assert display_problem(offscreen=True, environ={}, platform="linux") is None


def test_other_systems_always_have_a_window_system() -> None:
    assert display_problem(environ={}, platform="win32") is None
    assert display_problem(environ={}, platform="darwin") is None
