"""A session's push numbering and replay buffer, independent of sockets."""
from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import islice

from edge_server.bus.connection import Connection


class Session:
    """Push sequence and replay buffer of one logged-in session.

    Invariant: the buffer holds exactly the pushes ``floor + 1 .. seq``, in order,
    so a client that has processed ``last_seq`` can be replayed iff
    ``floor <= last_seq <= seq``. ``floor`` rises when pushes are confirmed by the
    client (heartbeat seq) or fall out of the bounded buffer.
    """

    __slots__ = ("session_id", "seq", "floor", "capacity", "_frames", "conn", "last_heard",
                 "silent_reported", "hold")

    def __init__(self, session_id: str, start_seq: int, capacity: int, now: float) -> None:
        self.session_id = session_id
        self.seq = start_seq  # last push assigned
        self.floor = start_seq
        self.capacity = capacity
        self._frames: deque[tuple[int, bytes]] = deque()
        self.conn: Connection | None = None
        self.last_heard = now  # last frame from the attached connection
        self.silent_reported = False
        # While a login/resume reply is in flight the session is held: pushes go to the
        # buffer only, and are sent after the reply so the client sees them in order.
        self.hold: object | None = None

    def __len__(self) -> int:
        return len(self._frames)

    def add(self, seq: int, data: bytes) -> None:
        if seq != self.seq + 1:
            raise ValueError(f"push seq {seq} does not follow {self.seq}")
        self._frames.append((seq, data))
        self.seq = seq
        while len(self._frames) > self.capacity:
            self.floor = self._frames.popleft()[0]

    def ack(self, seq: int) -> None:
        """The client has processed every push up to ``seq``: they need no replay."""
        if seq > self.seq or seq <= self.floor:
            return  # a confirmation of what was never sent is ignored, not trusted
        while self._frames and self._frames[0][0] <= seq:
            self._frames.popleft()
        self.floor = seq

    def can_replay_after(self, last_seq: int) -> bool:
        return self.floor <= last_seq <= self.seq

    def frames_after(self, last_seq: int) -> Iterator[bytes]:
        """Encoded pushes after ``last_seq`` in order; requires can_replay_after(last_seq)."""
        if not self.can_replay_after(last_seq):
            raise ValueError(f"pushes after {last_seq} are no longer buffered (floor {self.floor})")
        for _, data in islice(self._frames, last_seq - self.floor, None):
            yield data
