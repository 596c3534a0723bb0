"""Fire-and-forget coroutines started from Qt slots, kept alive and never silently lost.

asyncio holds only weak references to tasks, so a task nobody stores can be
garbage-collected mid-flight; this module stores them until they finish, and
logs any exception they end with (expected edge errors are handled inside the
session and never reach here: what arrives here is a bug).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger("sb.ui")

T = TypeVar("T")

_running: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
    """Run ``coro`` on the running (qasync) loop and keep a reference until it ends."""
    task = asyncio.get_running_loop().create_task(coro, name=name)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task %s failed", task.get_name(), exc_info=exc)


def pending() -> int:
    return len(_running)


async def cancel_all(timeout: float = 2.0) -> None:
    """Cancel what is still running and wait (bounded) for it to unwind."""
    tasks = [t for t in _running if not t.done()]
    for t in tasks:
        t.cancel()
    if tasks:
        _done, still = await asyncio.wait(tasks, timeout=timeout)
        for t in still:
            log.warning("background task %s did not stop within %.1f s", t.get_name(), timeout)
