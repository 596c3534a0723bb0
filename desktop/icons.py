"""The desktop's SVG icons (resources/icons), loaded once each."""
from __future__ import annotations

import functools
import logging

from PySide6.QtGui import QIcon

from desktop.paths import icons_dir
from edge_server.contract.messages import AgentState

log = logging.getLogger("sb.ui")

_STATE_DOTS = {
    AgentState.READY: "dot-green",
    AgentState.NOT_READY: "dot-red",
    AgentState.ACW: "dot-amber",
    AgentState.LOGGED_OUT: "dot-grey",
}
_LINK_DOTS = {"up": "dot-green", "connecting": "dot-amber", "reconnecting": "dot-amber"}


@functools.cache
def icon(name: str) -> QIcon:
    path = icons_dir() / f"{name}.svg"
    if not path.is_file():
        # A missing icon is a packaging bug, not a reason to stop the desktop.
        log.error("icon %s is missing", path)
        return QIcon()
    return QIcon(str(path))


def app_icon() -> QIcon:
    return icon("app")


def state_icon(state: AgentState) -> QIcon:
    return icon(_STATE_DOTS.get(state, "dot-grey"))


def link_icon(link: str) -> QIcon:
    return icon(_LINK_DOTS.get(link, "dot-red"))


def tray_icon(state: AgentState) -> QIcon:
    return icon(f"tray-{state.value}")


_CHANNEL_ICONS = {
    "voice": "channel-voice",
    "chat": "channel-chat",
    "web": "channel-chat",
    "email": "channel-email",
    "sms": "channel-sms",
    "wechat": "channel-wechat",
    "weibo": "channel-weibo",
    "workorder": "channel-workorder",
    "task": "channel-workorder",
}


def channel_icon(channel: str) -> QIcon:
    return icon(_CHANNEL_ICONS.get(channel, "channel-other"))
