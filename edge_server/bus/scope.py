"""The request a handler is running, so open/resume_session know which reply to wait for."""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from edge_server.bus.connection import Connection


@dataclass(eq=False, slots=True)
class RequestScope:
    conn: Connection
    done: bool = False  # the reply has been sent
    after_reply: list[Callable[[], None]] = field(default_factory=list)
    attached: tuple[str, int] | None = None  # (session id, seq it starts after)

    def reply_sent(self) -> None:
        self.done = True
        callbacks, self.after_reply = self.after_reply, []
        for cb in callbacks:
            cb()


#: Set inside each request task (tasks copy the context, so it never leaks between requests).
current_request: ContextVar[RequestScope | None] = ContextVar("sb_bus_request", default=None)
