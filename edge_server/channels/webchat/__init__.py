"""The web chat channel: the embeddable widget, its WebSocket protocol and the visitor client."""
from __future__ import annotations

from edge_server.channels.webchat.server import WebchatServer

__all__ = ["WebchatServer"]
