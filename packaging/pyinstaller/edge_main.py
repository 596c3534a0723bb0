#!/usr/bin/env python3
"""Entry point of the `switchboard-edge` bundle: the server-side roles of main.py, without Qt.

main.py also reaches the desktop (and so PySide6) from its roles; the edge bundle is
built from this file instead so the Qt-free rule holds for the installed server.

An installed edge keeps its configuration in /etc/switchboard/edge.toml
($SWITCHBOARD_EDGE_CONFIG overrides it): when that file exists, every role uses it
and its data directory unless told otherwise on the command line, so IT can type
`switchboard-edge keys issue pc-017 --edge tcp://edge.example:7700` with no paths.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SYSTEM_CONFIG = Path("/etc/switchboard/edge.toml")
CONFIG_ENV = "SWITCHBOARD_EDGE_CONFIG"
#: Hidden role: the edge starts its DuckDB store as `[sys.executable, "store-process", FD, PID]`.
STORE_PROCESS_ROLE = "store-process"


def system_config() -> Path | None:
    """The installed edge.toml, if there is one."""
    path = Path(os.environ.get(CONFIG_ENV) or SYSTEM_CONFIG)
    return path if path.is_file() else None


def build_parser() -> argparse.ArgumentParser:
    from edge_server.cli import admin, doctor, edge, keys

    parser = argparse.ArgumentParser(
        prog="switchboard-edge", description="Switchboard edge server and its administration",
    )
    sub = parser.add_subparsers(dest="role", required=True, metavar="ROLE")
    edge.add_parser(sub)
    keys.add_parser(sub)
    admin.add_parser(sub)
    doctor.add_parser(sub)
    return parser


def apply_system_defaults(args: argparse.Namespace, config: Path | None) -> None:
    """Fill in the installed config file and its data directory where the command line is silent."""
    if config is None:
        return
    if args.role in ("edge", "doctor") and getattr(args, "config", None) is None:
        args.config = config
    if args.role == "admin" and getattr(args, "edge_config", None) is None \
            and getattr(args, "client_config", None) is None:
        args.edge_config = config
    if args.role == "keys" and getattr(args, "data_dir", None) is None:
        from edge_server.config import ConfigError, load_config

        try:
            args.data_dir = load_config(config).data_path
        except ConfigError as e:
            raise SystemExit(f"switchboard-edge: {e}") from e


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [STORE_PROCESS_ROLE]:
        from edge_server.store.db_process import main as store_main

        return store_main(argv[1:])
    args = build_parser().parse_args(argv)
    apply_system_defaults(args, system_config())
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
