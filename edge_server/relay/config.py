"""``relay.toml``: the relay's one typed configuration (every key with its default and a line of doc)."""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from edge_server.config import ChannelsSection

#: Environment overrides: SWITCHBOARD_RELAY__RELAY__HTTP_PORT=8490 (section, key).
ENV_PREFIX = "SWITCHBOARD_RELAY__"


class RelaySection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    data_dir: str = ""  # log, keys and allow-list live here (required)
    http_host: str = "127.0.0.1"  # platform pushes arrive here; put the TLS terminator in front
    http_port: int = 8490  # 0: any free port (tests)
    link_endpoint: str = "tcp://0.0.0.0:7710"  # where edges connect OUT to (ZeroMQ ROUTER, CURVE)
    curve: bool = True  # off only on a developer machine: then any edge may connect, unencrypted
    heartbeat_s: float = 5.0  # link heartbeat; silence for 3 beats drops the link
    fsync: bool = True  # fdatasync before acknowledging a push (off only for tests of other things)
    segment_bytes: int = 4 * 1024 * 1024  # log segment size; acknowledged segments are deleted whole
    egress_allow: list[str] = []  # origins (https://api.weixin.qq.com) the relay calls for edges; []: no egress
    egress_source: str = ""  # local address egress calls leave from (the one registered with platforms); "": any
    handlers: str = "edge_server.relay.handlers:webhook_handlers"  # module:function(channels, data_dir) -> handlers
    log_level: str = "INFO"
    log_json: bool = False


class RelayConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    relay: RelaySection = msgspec.field(default_factory=RelaySection)
    channels: ChannelsSection = msgspec.field(default_factory=ChannelsSection)  # the same account tables as the edge

    @property
    def data_path(self) -> Path:
        return Path(self.relay.data_dir).expanduser()


class RelayConfigError(Exception):
    """The relay's configuration is wrong; the message names the file or variable and the key."""


def load_relay_config(path: Path | None, environ: Mapping[str, str] | None = None) -> RelayConfig:
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None and path.exists():
        source = str(path)
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise RelayConfigError(f"{path}: {e}") from e
    for name, raw in (os.environ if environ is None else environ).items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = [x.lower() for x in name[len(ENV_PREFIX):].split("__")]
        if len(parts) != 2 or not all(parts):
            raise RelayConfigError(f"environment variable {name}: expected {ENV_PREFIX}SECTION__KEY")
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare string such as tcp://0.0.0.0:7710
        section = data.setdefault(parts[0], {})
        if not isinstance(section, dict):
            raise RelayConfigError(f"environment variable {name}: [{parts[0]}] is not a table")
        section[parts[1]] = value
        source += f" + ${name}"
    try:
        cfg = msgspec.convert(data, RelayConfig)
    except msgspec.ValidationError as e:
        raise RelayConfigError(f"{source}: {e}") from e
    if not cfg.relay.data_dir:
        raise RelayConfigError(f"{source}: relay.data_dir is required (the durable log lives there)")
    if cfg.relay.heartbeat_s <= 0:
        raise RelayConfigError(f"{source}: relay.heartbeat_s must be > 0")
    return cfg
