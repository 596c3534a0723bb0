"""The edge's typed configuration: a TOML file plus ``SWITCHBOARD__SECTION__KEY`` environment overrides.

Every key is documented here; an error names the key and what was expected.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Mapping

import msgspec

from edge_server.bus.server import BusConfig
from edge_server.paths import default_data_dir, default_log_dir

ENV_PREFIX = "SWITCHBOARD__"


class EdgeSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    data_dir: str = ""  # DuckDB store, journal and keys; "" = $XDG_DATA_HOME/switchboard
    log_dir: str = ""  # edge.log; "" = $XDG_STATE_HOME/switchboard
    log_level: str = "INFO"  # DEBUG, INFO, WARNING, ERROR
    log_json: bool = False  # one JSON object per line instead of text
    site_name: str = "Switchboard"


class AuthSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    max_failures: int = 5  # failed logins per user (or per client key) within the window...
    failure_window_s: int = 300  # ...before logins are refused for lockout_s
    lockout_s: int = 60
    min_password_length: int = 8


class StoreSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    fsync: bool = True  # fdatasync the journal before acknowledging; never turn off in production


class InteractionsSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    max_attachment_bytes: int = 10 * 1024 * 1024  # per file, any channel
    # Voice and video too: WeChat/Weibo customers send voice messages (AMR, Speex, MP3) the agent must hear.
    attachment_types: list[str] = msgspec.field(default_factory=lambda: [
        "image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain",
        "audio/amr", "audio/speex", "audio/mpeg", "audio/aac", "audio/mp4", "video/mp4"])
    max_message_chars: int = 4000
    default_region: str = "CN"  # phone numbers without +country are read as this region's
    customer_typing_timeout_s: float = 30.0  # typing indicators expire without an "off"


class WebchatSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: bool = True
    host: str = "127.0.0.1"  # put a TLS reverse proxy in front for the internet
    port: int = 8480  # 0: any free port (tests); the edge prints the widget's test page address
    queue: str = ""  # queue new chats go to; "": the first queue whose channel is "chat"
    title: str = "Chat with us"
    title_zh: str = "在线客服"
    prechat_name: str = "optional"  # required | optional | hidden, for each pre-chat field
    prechat_email: str = "optional"
    prechat_phone: str = "hidden"
    identity_secret: str = ""  # HMAC-SHA256 key for identified site users ("": not accepted)
    identity_required: bool = False  # refuse unsigned visitors' user ids
    allowed_origins: list[str] = msgspec.field(default_factory=list)  # [] = any (embedding sites)
    max_frame_bytes: int = 64 * 1024
    heartbeat_s: float = 5.0


class ChannelsSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Cloud channels. Each account is a table checked by its adapter (errors name the key)."""

    webhook_host: str = "127.0.0.1"  # where platform pushes arrive when the edge serves them itself
    webhook_port: int = 8481  # 0: any free port (tests); put a TLS reverse proxy in front
    public_base_url: str = ""  # the address platforms call (the proxy's or the relay's), for docs/checks
    relay: str = ""  # tcp://host:port of a cloud relay the edge connects OUT to ("": no relay)
    relay_server_key: str = ""  # the relay's CURVE public key (z85)
    # Channels whose platform API calls leave through the relay (platforms that allow-list one IP: wechat, wecom).
    relay_egress: list[str] = msgspec.field(default_factory=list)
    relay_reconnect_cap_s: float = 5.0  # longest wait between reconnects to the relay (jittered)
    outbox_max_attempts: int = 8  # sends of one message before it is failed
    outbox_max_backoff_s: float = 300.0
    wechat: list[dict[str, Any]] = msgspec.field(default_factory=list)  # [[channels.wechat]] per account
    wecom: list[dict[str, Any]] = msgspec.field(default_factory=list)
    weibo: list[dict[str, Any]] = msgspec.field(default_factory=list)
    email: list[dict[str, Any]] = msgspec.field(default_factory=list)
    sms: list[dict[str, Any]] = msgspec.field(default_factory=list)


class EdgeConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    edge: EdgeSection = msgspec.field(default_factory=EdgeSection)
    bus: BusConfig = msgspec.field(default_factory=BusConfig)
    auth: AuthSection = msgspec.field(default_factory=AuthSection)
    store: StoreSection = msgspec.field(default_factory=StoreSection)
    interactions: InteractionsSection = msgspec.field(default_factory=InteractionsSection)
    webchat: WebchatSection = msgspec.field(default_factory=WebchatSection)
    channels: ChannelsSection = msgspec.field(default_factory=ChannelsSection)

    @property
    def data_path(self) -> Path:
        return Path(self.edge.data_dir).expanduser() if self.edge.data_dir else default_data_dir()

    @property
    def log_path(self) -> Path:
        return Path(self.edge.log_dir).expanduser() if self.edge.log_dir else default_log_dir()


class ConfigError(Exception):
    """The configuration is wrong; the message names the file or variable and the key."""


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare string such as tcp://0.0.0.0:7700


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"environment variable {name}: expected {ENV_PREFIX}SECTION__KEY")
        out.setdefault(parts[0], {})[parts[1]] = _parse_env_value(raw)
    return out


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> EdgeConfig:
    """Read ``path`` (missing file = defaults) and apply environment overrides."""
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None and path.exists():
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML: {e}") from e
        except OSError as e:
            raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    env = _env_overrides(os.environ if environ is None else environ)
    for section, values in env.items():
        current = data.setdefault(section, {})
        if not isinstance(current, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        current.update(values)
    if env:
        source += " + environment"
    try:
        return msgspec.convert(data, EdgeConfig)
    except msgspec.ValidationError as e:
        # msgspec says e.g. "Expected `int`, got `str` - at `$.bus.heartbeat_ms`"
        raise ConfigError(f"{source}: {e}") from e


def example_config() -> str:
    """A commented edge.toml with every key at its default, for `main.py edge --print-config`."""
    lines = ["# Switchboard edge configuration. Environment: SWITCHBOARD__SECTION__KEY=value"]
    cfg = EdgeConfig()
    for section in ("edge", "bus", "auth", "store"):
        lines.append(f"\n[{section}]")
        sub = getattr(cfg, section)
        for field in msgspec.structs.fields(sub):
            value = getattr(sub, field.name)
            lines.append(f"{field.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
