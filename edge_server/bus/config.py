"""Typed configuration of the edge's bus; the app maps the TOML ``[bus]`` table onto it."""
from __future__ import annotations

import msgspec


class BusConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    #: Where desktops send requests (ROUTER). Port 0 picks a free port (tests).
    router_endpoint: str = "tcp://127.0.0.1:7700"
    #: Where screens subscribe to fan-out streams (PUB).
    pub_endpoint: str = "tcp://127.0.0.1:7701"
    #: CURVE encryption and the client-key allow-list. False only for explicit dev setups.
    curve: bool = True
    #: How often desktops send heartbeats (told to them at login) and how often silence is checked.
    heartbeat_ms: int = 1000
    #: A connection that sends nothing for this long is silent; its session is reported once.
    silence_ms: int = 3000
    #: Largest frame accepted; bigger ones get a too_large error (4x this drops the peer).
    max_frame_bytes: int = 4 * 1024 * 1024  # designs: a 1,000-node flow is ~240 KB; cap 2 MiB
    #: Pushes kept per session so a reconnecting desktop can resume without a snapshot.
    replay_buffer: int = 1000
    #: Replies of non-idempotent requests remembered to answer retries (LRU).
    dedup_entries: int = 10000

    def __post_init__(self) -> None:
        for key in ("heartbeat_ms", "silence_ms", "max_frame_bytes", "dedup_entries"):
            if getattr(self, key) <= 0:
                raise ValueError(f"bus.{key} must be positive, got {getattr(self, key)}")
        if self.replay_buffer < 0:
            raise ValueError(f"bus.replay_buffer must not be negative, got {self.replay_buffer}")
        if self.silence_ms <= self.heartbeat_ms:
            raise ValueError(
                f"bus.silence_ms ({self.silence_ms}) must exceed bus.heartbeat_ms "
                f"({self.heartbeat_ms}), or every desktop would look silent between heartbeats"
            )
