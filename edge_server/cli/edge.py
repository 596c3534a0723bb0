"""`main.py edge`: run the edge server."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("edge", help="run the on-premises edge server")
    p.add_argument("--config", type=Path, help="edge.toml (default: $XDG_CONFIG_HOME/switchboard/edge.toml)")
    p.add_argument("--data-dir", type=Path, help="override edge.data_dir")
    p.add_argument("--print-config", action="store_true", help="print every key with its default and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from edge_server import logs
    from edge_server.app import main
    from edge_server.config import ConfigError, example_config, load_config
    from edge_server.paths import default_config_dir

    if args.print_config:
        print(example_config(), end="")
        return 0
    path = args.config or default_config_dir() / "edge.toml"
    env = dict(os.environ)
    if args.data_dir:
        env["SWITCHBOARD__EDGE__DATA_DIR"] = str(args.data_dir)
    try:
        cfg = load_config(path, env)
    except ConfigError as e:
        print(f"switchboard edge: configuration error: {e}", file=sys.stderr)
        return 2
    logs.configure(level=cfg.edge.log_level, json_format=cfg.edge.log_json,
                   log_file=cfg.log_path / "edge.log")
    return main(cfg)
