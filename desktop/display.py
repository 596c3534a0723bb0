"""Detect a missing display before Qt aborts the process on it (Qt-free)."""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def display_problem(
    *, offscreen: bool = False, environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """A message telling the user what to do when Qt would find no display, else None.

    Qt's xcb plugin aborts the whole process (SIGABRT, core dump) when there is no
    display, which reads like a crash; say instead how to run without one.
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if offscreen or not plat.startswith("linux"):
        return None  # macOS and Windows always have a window system
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "No graphical display found: neither DISPLAY nor WAYLAND_DISPLAY is set.\n"
        "  - To run without a screen (tests, demos), add --offscreen:\n"
        "        python main.py desktop --offscreen\n"
        "  - To run on a virtual display, start it under Xvfb:\n"
        "        xvfb-run -a python main.py desktop\n"
        "  - Over SSH, connect with X forwarding (ssh -X) or run on the agent's own session."
    )
