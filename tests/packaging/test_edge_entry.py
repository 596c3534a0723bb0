"""The edge bundle's entry point: the installed edge.toml is the default for every role."""
from __future__ import annotations

from pathlib import Path

import pytest

import edge_main  # type: ignore[import-not-found]


def _cfg(tmp_path: Path) -> Path:
    cfg = tmp_path / "edge.toml"
    cfg.write_text(f'[edge]\ndata_dir = "{tmp_path / "site"}"\n', encoding="utf-8")
    return cfg


def test_system_config_fills_what_the_command_line_left_out(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    parser = edge_main.build_parser()
    for argv, attr, expected in (
        (["edge"], "config", cfg),
        (["doctor"], "config", cfg),
        (["admin", "users"], "edge_config", cfg),
        (["keys", "list"], "data_dir", tmp_path / "site"),
    ):
        args = parser.parse_args(argv)
        edge_main.apply_system_defaults(args, cfg)
        assert getattr(args, attr) == expected, argv
    explicit = parser.parse_args(["keys", "list", "--data-dir", str(tmp_path / "other")])
    edge_main.apply_system_defaults(explicit, cfg)
    assert explicit.data_dir == tmp_path / "other"  # the command line wins


def test_system_config_location_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _cfg(tmp_path)
    monkeypatch.setenv(edge_main.CONFIG_ENV, str(cfg))
    assert edge_main.system_config() == cfg
    monkeypatch.setenv(edge_main.CONFIG_ENV, str(tmp_path / "missing.toml"))
    assert edge_main.system_config() is None


def test_keys_role_with_a_broken_system_config_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "edge.toml"
    bad.write_text("[edge]\ndata_dir = 5\n", encoding="utf-8")
    args = edge_main.build_parser().parse_args(["keys", "list"])
    with pytest.raises(SystemExit, match=str(bad)):
        edge_main.apply_system_defaults(args, bad)
