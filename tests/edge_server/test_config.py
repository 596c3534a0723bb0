from pathlib import Path

import pytest

from edge_server.config import ConfigError, example_config, load_config


def test_defaults_without_file(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "missing.toml", environ={})
    assert cfg.bus.curve is True
    assert cfg.auth.max_failures == 5


def test_file_and_environment_override(tmp_path: Path) -> None:
    p = tmp_path / "edge.toml"
    p.write_text('[bus]\nheartbeat_ms = 500\n[edge]\nlog_level = "DEBUG"\n')
    cfg = load_config(p, environ={"SWITCHBOARD__BUS__HEARTBEAT_MS": "250",
                                  "SWITCHBOARD__BUS__ROUTER_ENDPOINT": "tcp://0.0.0.0:9000"})
    assert cfg.bus.heartbeat_ms == 250
    assert cfg.bus.router_endpoint == "tcp://0.0.0.0:9000"
    assert cfg.edge.log_level == "DEBUG"


def test_errors_name_the_key(tmp_path: Path) -> None:
    p = tmp_path / "edge.toml"
    p.write_text('[bus]\nheartbeat_ms = "fast"\n')
    with pytest.raises(ConfigError, match=r"bus\.heartbeat_ms"):
        load_config(p, environ={})
    p.write_text("[bus]\nheartbeats = 1\n")
    with pytest.raises(ConfigError, match="heartbeats"):
        load_config(p, environ={})
    with pytest.raises(ConfigError, match="SWITCHBOARD__BUS"):
        load_config(None, environ={"SWITCHBOARD__BUS": "x"})


def test_example_config_round_trips(tmp_path: Path) -> None:
    p = tmp_path / "edge.toml"
    p.write_text(example_config())
    assert load_config(p, environ={}) == load_config(None, environ={})
