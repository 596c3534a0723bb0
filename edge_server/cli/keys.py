"""`main.py keys`: the edge's CURVE key pair and the allow-list of desktop keys."""
from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from edge_server.bus import keys as bus_keys
from edge_server.bus.client_config import ClientConfigFile, write_client_config
from edge_server.site_paths import SitePaths


def init_server_keys(paths: SitePaths) -> bool:
    """Create the edge's key pair if missing; True if created."""
    paths.ensure()
    if paths.server_secret.exists():
        return False
    bus_keys.generate_keypair(paths.keys_dir, "server")
    return True


def issue_client(paths: SitePaths, name: str, edge_address: str, out_dir: Path) -> Path:
    """Generate a desktop key pair, approve it, and write a ready-to-use desktop.toml into out_dir."""
    init_server_keys(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    bus_keys.generate_keypair(out_dir, name)
    shutil.copyfile(out_dir / f"{name}.key", paths.clients_dir / f"{name}.key")
    server_public = bus_keys.load_public(paths.server_public).decode()
    cfg_path = out_dir / "desktop.toml"
    write_client_config(
        cfg_path,
        ClientConfigFile(edge=edge_address, edge_public_key=server_public, client_key_file=f"{name}.key_secret"),
    )
    os.chmod(cfg_path, 0o600)
    return cfg_path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="edge data directory (default: per-user data dir)")
    p = sub.add_parser("keys", help="CURVE keys: the edge's own and the desktops it admits", parents=[common])
    ks = p.add_subparsers(dest="keys_cmd", required=True)
    ks.add_parser("init", help="create the edge's key pair if it has none", parents=[common])
    ks.add_parser("show", help="print the edge's public key (goes into every desktop config)", parents=[common])
    iss = ks.add_parser("issue", help="create and approve a desktop key; writes desktop.toml", parents=[common])
    iss.add_argument("name", help="a name for the desktop, e.g. pc-017")
    iss.add_argument("--edge", default="tcp://127.0.0.1:7700", help="edge address the desktop uses")
    iss.add_argument("--out", type=Path, help="output directory (default: <data>/keys/issued/NAME)")
    appr = ks.add_parser("approve", help="admit a desktop's existing public key file", parents=[common])
    appr.add_argument("public_key_file", type=Path)
    rev = ks.add_parser("revoke", help="stop admitting a desktop (takes effect within seconds)", parents=[common])
    rev.add_argument("name")
    ks.add_parser("list", help="list admitted desktop keys", parents=[common])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from edge_server.paths import default_data_dir

    paths = SitePaths(getattr(args, "data_dir", None) or default_data_dir())
    match args.keys_cmd:
        case "init":
            created = init_server_keys(paths)
            print(("created" if created else "kept existing") + f" edge key pair in {paths.keys_dir}")
        case "show":
            print(bus_keys.load_public(paths.server_public).decode())
        case "issue":
            out = args.out or paths.issued_dir / args.name
            cfg = issue_client(paths, args.name, args.edge, out)
            print(f"desktop {args.name!r} approved; give IT the folder {out} (config: {cfg})")
        case "approve":
            paths.ensure()
            bus_keys.load_public(args.public_key_file)  # validates the file before admitting it
            shutil.copyfile(args.public_key_file, paths.clients_dir / args.public_key_file.name)
            print(f"approved {args.public_key_file.name}")
        case "revoke":
            target = paths.clients_dir / f"{args.name}.key"
            if not target.exists():
                print(f"no admitted desktop named {args.name!r}")
                return 1
            target.unlink()
            print(f"revoked {args.name!r}")
        case "list":
            for f in sorted(paths.clients_dir.glob("*.key")):
                print(f.stem)
    return 0
