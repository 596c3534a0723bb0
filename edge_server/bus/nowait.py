"""Non-blocking sends on pyzmq asyncio sockets, as plain synchronous calls."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, cast

import zmq
import zmq.asyncio


def send_nowait(sock: zmq.asyncio.Socket, parts: Sequence[bytes]) -> BaseException | None:
    """Send at once or not at all; returns the error (zmq.Again when the queue is full).

    With DONTWAIT and no blocked sends queued, pyzmq's asyncio socket sends in the call
    and hands back a finished future, so no await is needed; this lets push/publish be
    plain methods. Reading the exception marks it retrieved (no "never retrieved" noise).
    As long as nothing on the socket ever awaits a blocking send, that invariant holds.
    """
    fut = cast("asyncio.Future[Any]", sock.send_multipart(list(parts), flags=zmq.DONTWAIT))
    if not fut.done():  # pragma: no cover - would mean a blocking send is queued somewhere
        fut.cancel()
        return RuntimeError("a non-blocking send did not complete at once")
    return fut.exception()


def input_waiting(sock: zmq.asyncio.Socket) -> bool:
    """Whether frames are queued on the socket, unread."""
    return bool(cast(int, sock.get(zmq.EVENTS)) & zmq.POLLIN)
