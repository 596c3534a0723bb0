"""`main.py relay`: run the cloud relay, and manage its key pair and the edges it admits."""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("relay", help="the cloud relay: takes platform pushes, hands them to the edge")
    p.add_argument("--config", type=Path, help="relay.toml ([relay] and the same [[channels.*]] tables as the edge)")
    p.add_argument("--data-dir", type=Path, help="override relay.data_dir")
    ks = p.add_subparsers(dest="relay_cmd", metavar="CMD")
    ks.add_parser("run", help="run the relay (the default)")
    ks.add_parser("init", help="create the relay's CURVE key pair if it has none")
    ks.add_parser("show-key", help="print the relay's public key (the edge's channels.relay_server_key)")
    appr = ks.add_parser("approve", help="allow an edge: copy its public key file (edge data/keys/server.key)")
    appr.add_argument("public_key_file", type=Path)
    appr.add_argument("--name", help="file name in the allow-list (default: the file's)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from edge_server.bus import keys as bus_keys
    from edge_server.bus.errors import BusError
    from edge_server.relay.config import RelayConfigError, load_relay_config
    from edge_server.relay.paths import RelayPaths

    env = dict(os.environ)
    if args.data_dir:
        env["SWITCHBOARD_RELAY__RELAY__DATA_DIR"] = str(args.data_dir)
    try:
        cfg = load_relay_config(args.config, env)
    except RelayConfigError as e:
        print(f"switchboard relay: configuration error: {e}", file=sys.stderr)
        return 2
    paths = RelayPaths(cfg.data_path)
    cmd = args.relay_cmd or "run"
    try:
        if cmd == "init":
            paths.ensure()
            if not paths.server_secret.exists():
                bus_keys.generate_keypair(paths.keys_dir, "relay")
            print(bus_keys.load_public(paths.server_public).decode())
            return 0
        if cmd == "show-key":
            print(bus_keys.load_public(paths.server_public).decode())
            return 0
        if cmd == "approve":
            bus_keys.load_public(args.public_key_file)  # refuse anything that is not a key
            paths.ensure()
            name = (args.name or args.public_key_file.stem).removesuffix(".key")
            shutil.copyfile(args.public_key_file, paths.edges_dir / f"{name}.key")
            print(f"edge {name} approved (a running relay picks it up within 5 s)")
            return 0
    except (BusError, OSError) as e:
        print(f"switchboard relay: {e}", file=sys.stderr)
        return 1
    return _serve(cfg)


def _serve(cfg) -> int:  # noqa: ANN001 - RelayConfig, imported lazily
    from edge_server import logs
    from edge_server.bus.errors import BusError
    from edge_server.relay.log import RelayLogError
    from edge_server.relay.server import RelayServer, load_handler_factory

    logs.configure(level=cfg.relay.log_level, json_format=cfg.relay.log_json,
                   log_file=cfg.data_path / "logs" / "relay.log")
    try:
        factory = load_handler_factory(cfg.relay.handlers)
        handlers = list(factory(cfg.channels, cfg.data_path))
    except ValueError as e:
        print(f"switchboard relay: configuration error: {e}", file=sys.stderr)
        return 2

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with RelayServer(cfg, handlers) as relay:
            print(relay.ready_line(), flush=True)
            seen = _mtime(relay.paths.edges_dir)
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=5.0)
                except TimeoutError:
                    assert relay.feed is not None
                    # `relay approve` adds a file: re-read the allow-list only when the directory changed.
                    if (now := _mtime(relay.paths.edges_dir)) == seen:
                        continue
                    seen = now
                    try:
                        relay.feed.reload_edge_keys()
                    except BusError as e:
                        print(f"switchboard relay: edge allow-list: {e}", file=sys.stderr)
        return 0

    try:
        return asyncio.run(main())
    except (BusError, RelayLogError, OSError) as e:
        print(f"switchboard relay: {e}", file=sys.stderr)
        return 1


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
